"""Template folders and their schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.core.errors import TemplateError
from reportgen.schema.load import builtin_templates_dir, load_schema, read_schema
from reportgen.schema.titles import fill_title


def test_letter_schema() -> None:
    schema = load_schema("letter")
    assert [p.title for p in schema.parts] == ["基本数据", "主要工作", "存在不足"]
    assert schema.field("closing").default == "特此函告。"
    assert schema.docx_path.is_file()


def test_template_by_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    assert load_schema(folder).folder == folder


def test_unknown_template_names_the_known_ones() -> None:
    with pytest.raises(TemplateError) as info:
        load_schema("memo")
    assert "letter" in str(info.value)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    schema = folder / "schema.toml"
    schema.write_text(schema.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return folder


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as info:
        load_schema(_broken(tmp_path, 'name = "letter"', 'name = "letter'))
    assert "schema.toml" in str(info.value) and "line" in str(info.value)


def test_unknown_field_type(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as info:
        load_schema(_broken(tmp_path, 'type = "integer"', 'type = "money"'))
    assert "money" in str(info.value)


def test_missing_word_template(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "", "")
    (folder / "template.docx").unlink()
    with pytest.raises(TemplateError, match="template.docx"):
        load_schema(folder)


def test_annual_report_schema_has_the_five_parts_in_order() -> None:
    schema = load_schema("annual-report")
    assert [p.title for p in schema.parts] == [
        "{year}年度推进法治政府建设的主要举措和成效",
        "存在的不足和原因",
        "党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
        "{next_year}年度推进法治政府建设的主要安排",
        "其他需要报告的情况",
    ]
    assert [p.required for p in schema.parts] == [True, True, True, True, False]
    assert [p.kind for p in schema.parts] == ["sections", "points", "points", "points", "points"]
    assert all(len(p.sheet) <= 31 and "{" not in p.sheet for p in schema.parts)
    assert schema.field("closing").default == "特此报告。"
    assert schema.default_title == "{issuer}关于{year}年度法治政府建设情况的报告"


def test_letter_closing_choices_come_from_the_schema() -> None:
    assert load_schema("letter").field("closing").choices == (
        "特此函告。",
        "特此函复。",
        "请予函复。",
    )


def test_title_patterns_fill_year_and_next_year() -> None:
    info = {"issuer": "某局", "year": 2023}
    assert fill_title("{issuer}关于{year}年度…", info) == "某局关于2023年度…"
    assert fill_title("{next_year}年度推进法治政府建设的主要安排", info).startswith("2024年度")


def _problems(tmp_path: Path, old: str, new: str, source: str = "annual-report") -> list:
    folder = tmp_path / "t"
    shutil.copytree(builtin_templates_dir() / source, folder)
    path = folder / "schema.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    schema, problems = read_schema(folder)
    assert schema is None
    return [(p.line, p.text("en")) for p in problems]


def _line_of(source: str, text: str, nth: int = 1) -> int:
    lines = (builtin_templates_dir() / source / "schema.toml").read_text(encoding="utf-8")
    found = [n for n, line in enumerate(lines.splitlines(), start=1) if text in line]
    return found[nth - 1]


def test_unknown_kind_is_found_at_its_line(tmp_path: Path) -> None:
    old = 'kind = "points"\nrequired = false'
    [(line, text)] = _problems(tmp_path, old, old.replace('"points"', '"pionts"'))
    assert line == _line_of("annual-report", 'kind = "points"', nth=4)
    assert (
        text == "Part 'other' has unknown kind 'pionts' (known: data, sections, points, headings)."
    )


@pytest.mark.parametrize(
    ("old", "new", "line_text", "message"),
    [
        ('label = "发文机关"', 'lable = "发文机关"', "lable", "Unknown key 'lable'"),
        ('label = "发文机关"', 'lable = "发文机关"', "[[fields]]", "Key 'label' is missing."),
        ("max_rows = 2000", 'max_rows = "many"', "max_rows", "'max_rows' must be a whole number."),
        (
            'required = false\nhelp = "选填',
            'requird = false\nhelp = "选填',
            "requird",
            "Unknown key 'requird'",
        ),
        ('sheet = "第一责任人职责"\n', "", 'title = "党政主要负责人', "longer than 31 characters"),
        ('sheet = "主要举措和成效"\n', "", 'title = "{year}', "give the part a fixed sheet name"),
        (
            'sheet = "主要举措和成效"',
            'sheet = "举措:2023"',
            "举措:2023",
            "a character Excel refuses",
        ),
        (
            'title = "存在的不足和原因"',
            'title = "存在的不足和原因{yaer}"',
            "{yaer}",
            "{yaer}, which is not a field",
        ),
        ('key = "plans"', 'key = "shortcomings"', 'key = "shortcomings"', "already used"),
        ('key = "year"', 'key = "parts"', 'key = "parts"', "not one of template, parts, extra"),
        ('name = "annual-report"', 'name = "annual report"', "name =", "must be letters, digits"),
    ],
)
def test_schema_problems_name_their_line(
    tmp_path: Path, old: str, new: str, line_text: str, message: str
) -> None:
    problems = _problems(tmp_path, old, new)
    text = (tmp_path / "t" / "schema.toml").read_text(encoding="utf-8").splitlines()
    assert any(message in m for _line, m in problems), problems
    line = next(line for line, m in problems if message in m)
    assert line_text in text[line - 1]


def test_toml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    [(line, text)] = _problems(tmp_path, 'version = "1"', 'version = "1')
    assert line == _line_of("annual-report", 'version = "1"')
    assert text.startswith("Not valid TOML")


def test_load_schema_error_shows_file_and_line(tmp_path: Path) -> None:
    folder = _broken(tmp_path, 'kind = "sections"', 'kind = "chapters"')
    with pytest.raises(TemplateError) as info:
        load_schema(folder)
    line = _line_of("letter", 'kind = "sections"')
    assert str(info.value).startswith(f"{folder / 'schema.toml'}:{line}: Part 'main_work'")


def test_a_schema_saved_by_notepad_with_a_bom_is_read(tmp_path: Path) -> None:
    # Windows Notepad saved UTF-8 with a byte-order mark until 2019; TOML parsers refuse it.
    folder = _broken(tmp_path, "", "")
    schema = folder / "schema.toml"
    schema.write_bytes(b"\xef\xbb\xbf" + schema.read_bytes())
    assert load_schema(folder).name == "letter"


def test_a_schema_saved_as_gbk_says_how_to_save_it_as_utf8(tmp_path: Path) -> None:
    # Notepad's "ANSI" on Chinese Windows is GBK; TOML is UTF-8 only.
    folder = _broken(tmp_path, "", "")
    schema = folder / "schema.toml"
    schema.write_bytes(schema.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(TemplateError) as caught:
        load_schema(folder)
    assert caught.value.text("en") == (
        f"{schema}:1: The file is not UTF-8 text (perhaps GBK, Notepad's 'ANSI'); save it "
        "as UTF-8 (Notepad: File › Save As, Encoding: UTF-8)."
    )
