"""templates lint: shipped templates pass; each kind of break is found at its place."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reportgen.checking.template import lint_template
from reportgen.core.errors import Severity
from reportgen.schema.load import builtin_templates_dir


def _copy(tmp_path: Path, source: str = "letter", name: str = "mine") -> Path:
    folder = tmp_path / name
    shutil.copytree(builtin_templates_dir() / source, folder)
    schema = folder / "schema.toml"
    text = schema.read_text(encoding="utf-8").replace(f'name = "{source}"', f'name = "{name}"', 1)
    schema.write_text(text, encoding="utf-8")
    return folder


def _edit(folder: Path, change: Callable[[Any], Any]) -> int:
    """Change the template's Document; the number of the body's last paragraph after it."""
    path = folder / "template.docx"
    document = Document(str(path))
    change(document)
    document.save(str(path))
    return len(list(document.element.body.iter(qn("w:p"))))


def _found(folder: Path) -> list[tuple[str, str, str]]:
    return [(f.code, f.place, f.text("en")) for f in lint_template(folder)]


def _errors(folder: Path) -> list[tuple[str, str, str]]:
    return [
        (f.code, f.place, f.text("en"))
        for f in lint_template(folder)
        if f.severity is Severity.ERROR
    ]


@pytest.mark.parametrize("name", ["letter", "annual-report"])
def test_shipped_templates_have_no_errors(name: str) -> None:
    # 发文字号 is placed by the renderer (--letterhead) and 密级/保管期限 are archival
    # (in_document = false), so no field goes unshown.
    assert lint_template(name) == []


def test_unknown_variable_and_attribute_are_found_in_their_paragraph(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    last = _edit(folder, lambda d: d.add_paragraph("落款：{{ signature.isuer }}{{ contact }}"))
    docx = folder / "template.docx"
    assert _errors(folder) == [
        (
            "unknown-attribute",
            f"{docx}:{last}",
            "“落款：{{ signature.isuer }}{{ contact }}”: signature has no isuer "
            "(it has: issuer, date, issuer_right_chars, date_right_chars, sealed).",
        ),
        (
            "unknown-variable",
            f"{docx}:{last}",
            "“落款：{{ signature.isuer }}{{ contact }}”: contact is not in the render context "
            "(it has: title_lines, doc_number, recipient, intro, parts, closing, signature, fields).",
        ),
    ]


def test_a_field_key_that_the_schema_lacks(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, lambda d: d.add_paragraph("{{ fields.contact }}"))
    [(code, _place, text)] = _errors(folder)
    assert code == "unknown-field"
    assert text.startswith("“{{ fields.contact }}”: fields.contact is not a field in schema.toml")


def test_loop_variables_are_checked_against_their_element_type(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder,
        lambda d: [
            d.add_paragraph(t)
            for t in ("{%p for part in parts %}", "{{ part.title }}", "{%p endfor %}")
        ],
    )
    [(code, _place, text)] = _errors(folder)
    assert code == "unknown-attribute"
    assert text == "“{{ part.title }}”: part has no title (it has: heading, paragraphs)."


@pytest.mark.parametrize(
    ("paragraphs", "code", "offset"),
    [
        (["{%p if intro %}{%p endif %}"], "tag-prefix-twice", 0),
        (["开头：{%p if intro %}", "{%p endif %}"], "tag-prefix-text", 1),
        (["{%p if intro %}{{ intro }}", "{%p endif %}"], "tag-prefix-text", 1),
        (["{%tr for p in parts %}", "{%tr endfor %}"], "tag-outside-table", 1),
        (["{% if intro %}有开头", "{% endif %}"], "block-across-paragraphs", 1),
        (["{%p if intro %}", "有开头", "{% endif %}"], "block-prefix-mismatch", 0),
        (["{{ intro", "}}"], "tag-unclosed", 1),
        (["{%p for p in parts %}"], "jinja-syntax", 0),
    ],
)
def test_tags_docxtpl_cannot_handle_are_errors_at_their_paragraph(
    tmp_path: Path, paragraphs: list[str], code: str, offset: int
) -> None:
    folder = _copy(tmp_path)
    last = _edit(folder, lambda d: [d.add_paragraph(t) for t in paragraphs])
    found = [(c, place) for c, place, _t in _errors(folder)]
    assert (code, f"{folder / 'template.docx'}:{last - offset}") in found, found


def test_a_loop_in_a_table_without_tr(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def table(document: Any) -> None:
        grid = document.add_table(rows=2, cols=1)
        grid.cell(0, 0).paragraphs[0].text = "{% for part in parts %}{{ part.heading }}"
        grid.cell(1, 0).paragraphs[0].text = "{% endfor %}"

    last = _edit(folder, table)
    [(code, place, text)] = _errors(folder)
    assert (code, place) == ("block-in-table", f"{folder / 'template.docx'}:{last - 1}")
    assert "needs {%tr …%} to repeat rows" in text


def test_a_tag_split_over_runs(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def split(document: Any) -> None:
        paragraph = document.add_paragraph("{{ fields.")
        paragraph.add_run("intro }}").bold = True

    _edit(folder, split)
    [finding] = [f for f in lint_template(folder) if f.code == "tag-split-runs"]
    assert finding.severity is Severity.WARNING
    assert finding.text("en").startswith("“{{ fields.intro }}”: Word split the tag over 2 runs")


def test_a_tag_split_into_a_hyperlink_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def link(document: Any) -> None:
        paragraph = document.add_paragraph("{{ fields.")
        hyperlink, run, text = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
        text.text = "intro }}"
        run.append(text)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    _edit(folder, link)
    assert [c for c, _p, _t in _errors(folder)] == ["tag-split-places"]


def test_required_field_and_parts_not_shown(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def drop(document: Any) -> None:
        for paragraph in document.paragraphs:
            if "{{ recipient }}" in paragraph.text or "parts" in paragraph.text:
                paragraph._p.getparent().remove(paragraph._p)

    _edit(folder, drop)
    messages = {t for _c, _p, t in _errors(folder)}
    assert "Required field 主送机关 (recipient) does not appear in the template." in messages
    assert any(m.startswith("The template never reads parts") for m in messages)


def test_styles_missing_themed_or_without_east_asian_font(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def styles(document: Any) -> None:
        document.styles["署名"].element.getparent().remove(document.styles["署名"].element)
        fonts = document.styles["一级标题"].element.rPr.find(qn("w:rFonts"))
        fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
        for style in ("成文日期", "Normal"):
            document.styles[style].element.rPr.find(qn("w:rFonts")).attrib.pop(qn("w:eastAsia"))
        defaults = document.styles.element.find(qn("w:docDefaults"))
        defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts")).attrib.pop(
            qn("w:eastAsia")
        )

    _edit(folder, styles)
    found = {(c, t) for c, _p, t in _errors(folder)}
    assert ("style-missing", "Style '署名' is missing; the layout needs it.") in found
    assert (
        "style-theme-font",
        "Style '一级标题' takes its East Asian font from the theme, which Word may replace.",
    ) in found
    assert ("style-font", "Style '成文日期' has no East Asian font.") in found


def test_schema_errors_come_with_their_line_and_the_word_file_is_still_checked(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path, "annual-report", "yearly")
    schema = folder / "schema.toml"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace('kind = "sections"', 'kind = "chapters"'),
        encoding="utf-8",
    )
    _edit(folder, lambda d: d.add_paragraph("{{ nothing }}"))
    line = next(
        n
        for n, text in enumerate(schema.read_text(encoding="utf-8").splitlines(), start=1)
        if "chapters" in text
    )
    codes = [(c, p) for c, p, _t in _errors(folder)]
    assert codes[0] == ("schema", f"{schema}:{line}")
    assert codes[1][0] == "unknown-variable"


def test_a_name_other_than_the_folder_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    [warning] = [f for f in lint_template(folder) if f.code == "name-not-folder"]
    assert warning.severity is Severity.WARNING and warning.place == f"{folder / 'schema.toml'}:3"


def test_missing_or_broken_word_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "template.docx").write_bytes(b"not a zip")
    assert [c for c, _p, _t in _errors(folder)] == ["docx-unreadable"]
    with (
        zipfile.ZipFile(builtin_templates_dir() / "letter" / "template.docx") as good,
        zipfile.ZipFile(folder / "template.docx", "w") as bad,
    ):
        for item in good.infolist():
            broken = item.filename == "word/document.xml"
            bad.writestr(item, b"<w:document" if broken else good.read(item))
    assert [c for c, _p, _t in _errors(folder)] == ["docx-unreadable"]
    (folder / "template.docx").unlink()
    assert [c for c, _p, _t in _errors(folder)] == ["file-missing"]


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (None, "this is an Excel workbook, not a Word document (.docx)."),
        ("套话\n".encode(), "this is a text file, not a Word document (.docx)."),
    ],
)
def test_a_word_file_that_is_something_else_says_what(
    tmp_path: Path, content: bytes | None, sentence: str
) -> None:
    from .conftest import EXAMPLE

    folder = _copy(tmp_path)
    docx = folder / "template.docx"
    docx.write_bytes(EXAMPLE.read_bytes() if content is None else content)
    [finding] = [f for f in lint_template(folder) if f.severity is Severity.ERROR]
    assert (finding.code, finding.place, finding.text("en"), finding.hint_text("en")) == (
        "docx-unreadable",
        str(docx),
        sentence,
        "Replace template.docx with a Word document (.docx), e.g. one copied from a folder "
        "made by: reportgen templates new NAME",
    )


def test_a_schema_with_a_bom_lints_like_one_without(tmp_path: Path) -> None:
    folder = _copy(tmp_path, name="other")
    schema = folder / "schema.toml"
    schema.write_bytes(b"\xef\xbb\xbf" + schema.read_bytes().replace(b'"other"', b'"mine"', 1))
    assert [code for code, _place, _text in _errors(folder)] == []
    [(code, place, _text)] = [f for f in _found(folder) if f[0] == "name-not-folder"]
    assert place == f"{schema}:3"
