"""Reading tags as docxtpl does: spans, prefixes, Word's quotes, one Jinja line a paragraph."""

from __future__ import annotations

from jinja2 import Environment

from reportgen.checking.template_tags import TemplateParagraph, VariableCheck, scan_tags


def _paragraph(text: str, number: int = 1) -> TemplateParagraph:
    tags, unclosed = scan_tags(text)
    return TemplateParagraph(number, text, (), False, tuple(tags), unclosed)


def test_tags_and_their_docxtpl_prefixes() -> None:
    tags, unclosed = scan_tags("{%p for x in xs %}a{{r rich }}b{# note #}")
    assert [(t.opener, t.prefix, t.source) for t in tags] == [
        ("{%", "p", "{% for x in xs %}"),
        ("{{", "r", "{{ rich }}"),
        ("{#", "", "{# note #}"),
    ]
    assert unclosed == -1


def test_an_open_tag_is_noted_where_it_starts() -> None:
    assert scan_tags("联系人：{{ fields.contact")[1] == 4


def test_jinja_line_straightens_word_quotes_inside_tags_only() -> None:
    line = _paragraph("“引文”{{ fields.get(“contact”) }}").jinja_line()
    assert line == '“引文”{{ fields.get("contact") }}'


def test_table_cell_helpers_become_plain_jinja() -> None:
    assert _paragraph("{% colspan n %}{% vm %}").jinja_line() == "{{ n }}"


def test_variable_check_follows_loops_and_set() -> None:
    env = Environment()
    source = (
        "{% set n = 1 %}{% for part in parts %}{{ part.heading }}{{ loop.index }}"
        "{% for p in part.paragraphs %}{{ p.lead }}{{ n }}{% endfor %}{% endfor %}"
        "{{ fields.issuer }}{{ title_lines[0] }}{{ range(3) }}"
    )
    check = VariableCheck({"issuer"}, set(env.globals))
    check.statement(env.parse(source), {})
    assert check.problems == []
    assert {"parts", "fields", "fields.issuer", "title_lines"} <= check.used
