"""Headings of the office's own (part kind ``headings``) and the shipped annual-free kind.

init, validate (findings at sheet!cell), build, check, diff, init --from and the page, for
the shipped kind and for schemas written here that put the 第一责任人 part first or have
three parts, with no Python.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from reportgen.api import build_report, check_docx, init_workbook, validate
from reportgen.core.errors import Severity
from reportgen.schema.load import load_schema
from reportgen.web.app import create_app
from reportgen.workbook.write import write_workbook
from reportgen.yearly.carry import carry_forward
from reportgen.yearly.diff import CHANGED, diff_workbooks

from .conftest import ROOT, docx_lines

HEADERS = ["标题序", "标题", "节序", "节标题", "要点序", "要点标题", "要点内容", "状态"]


def _example_report() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_example_free", ROOT / "tools" / "make_example_free.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.example_report()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "free.xlsx"
    write_workbook(path, load_schema("annual-free"), _example_report())
    return path


def _with_rows(path: Path, rows: list[tuple[Any, ...]], sheet: str = "正文") -> Path:
    """The workbook with the sheet's data rows replaced by ``rows``."""
    book = load_workbook(path)
    ws = book[sheet]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def _errors(path: Path) -> list[tuple[str, str]]:
    return [(f.code, f.place) for f in validate(path).findings if f.severity is Severity.ERROR]


# ---------------------------------------------------------------- the shipped kind


def test_init_writes_the_headings_sheet_and_validate_asks_for_a_heading(tmp_path: Path) -> None:
    path = init_workbook(tmp_path / "2023.xlsx", template="annual-free", year=2023)
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "基本信息", "正文"]
    assert [c.value for c in book["正文"][1]] == HEADERS
    found = [f for f in validate(path).findings if f.sheet == "正文"]
    assert [(f.code, f.place) for f in found] == [("headings-none", "正文!A2")]
    assert found[0].text("en") == "The sheet '正文' has no heading."


def test_the_example_builds_numbered_headings_and_passes_check(
    example: Path, tmp_path: Path
) -> None:
    assert validate(example).findings == []
    [docx] = build_report(example, output_dir=tmp_path / "out").outputs
    lines = docx_lines(docx)
    headings = [line for line in lines if line[:2] in ("一、", "二、", "三、", "四、")]
    assert headings == [
        "一、把牢政治方向，压实法治建设责任",
        "二、规范权力运行，提升依法行政水平",
        "三、县政府主要负责人履行推进法治建设第一责任人职责情况",
        "四、存在的不足和下一步打算",
    ]
    assert (
        "县政府把法治政府建设列入年度重点工作，与经济社会发展同部署、同考核。一是健全推进机制。"
        in lines[lines.index(headings[0]) + 1]
    )
    assert lines[lines.index(headings[1]) + 1].startswith(
        "（一）严格决策程序。重大行政决策一律履行法定程序。一是落实合法性审查。"
    )
    assert check_docx(docx) == []


def test_a_heading_is_printed_as_typed_not_as_a_pattern(example: Path, tmp_path: Path) -> None:
    book = load_workbook(example)
    book["正文"]["B2"] = "落实{year}年度工作要点，2024年继续推进"
    book.save(example)
    assert validate(example).findings == []  # the next year in a free heading is a plan
    [docx] = build_report(example, output_dir=tmp_path / "out").outputs
    assert "一、落实{year}年度工作要点，2024年继续推进" in docx_lines(docx)


def test_a_heading_with_a_lead_and_sections_prints_the_lead_first(
    example: Path, tmp_path: Path
) -> None:
    rows = [
        (1, "依法全面履行政府职能", None, None, "导语", None, "县政府坚持简政放权。"),
        (1, None, 1, "深化审批改革", 1, "压减审批事项", "取消审批事项9项。"),
        (1, None, 2, "加强事中事后监管", "导语", None, "推行双随机抽查。"),
    ]
    _with_rows(example, rows)
    assert validate(example).findings == []
    [docx] = build_report(example, output_dir=tmp_path / "out").outputs
    lines = docx_lines(docx)
    at = lines.index("一、依法全面履行政府职能")
    assert lines[at + 1 : at + 4] == [
        "县政府坚持简政放权。",
        "（一）深化审批改革。一是压减审批事项。取消审批事项9项。",
        "（二）加强事中事后监管。推行双随机抽查。",
    ]
    assert check_docx(docx) == []


# ---------------------------------------------------------------- bad input, at its cell


def test_a_heading_row_without_its_title(example: Path) -> None:
    _with_rows(example, [(1, None, None, None, 1, "健全机制", "成立领导小组。")])
    found = validate(example).findings
    assert [(f.code, f.place) for f in found] == [("heading-title-empty", "正文!B2")]
    assert found[0].text("en") == "Heading 1 has no title."


def test_a_point_row_before_any_heading(example: Path) -> None:
    rows = [
        (None, None, None, None, 1, "健全机制", "成立领导小组。"),
        (1, "把牢政治方向", None, None, 1, "抓实考核", "纳入综合考核。"),
    ]
    _with_rows(example, rows)
    found = validate(example).findings
    assert [(f.code, f.place) for f in found] == [("heading-number-empty", "正文!A2")]
    assert found[0].text("en") == "This row has no 标题序, so it belongs to no heading."


def test_two_headings_with_one_number(example: Path) -> None:
    rows = [
        (1, "把牢政治方向", None, None, 1, "健全机制", "成立领导小组。"),
        (1, "规范权力运行", None, None, 1, "严格决策", "全部经过审查。"),
    ]
    _with_rows(example, rows)
    assert _errors(example) == [
        ("heading-number-twice", "正文!B3"),
        ("duplicate-order", "正文!E3"),
    ]
    found = next(f for f in validate(example).findings if f.code == "heading-number-twice")
    assert found.text("en") == (
        "Heading number 1 has two titles: '把牢政治方向' and '规范权力运行'."
    )


def test_a_sheet_with_no_heading(example: Path) -> None:
    _with_rows(example, [])
    assert _errors(example) == [("headings-none", "正文!A2")]


def test_a_heading_with_nothing_under_it_and_one_with_points_and_sections(
    example: Path,
) -> None:
    rows = [
        (1, "把牢政治方向"),
        (2, "规范权力运行", None, None, 1, "严格决策", "全部经过审查。"),
        (2, None, 1, "规范执法", 1, "评查案卷", "评查案卷100卷。"),
    ]
    _with_rows(example, rows)
    assert _errors(example) == [("heading-empty", "正文!B2"), ("heading-mixed", "正文!C3")]


def test_a_wrong_heading_number_is_found_at_its_cell(example: Path) -> None:
    _with_rows(example, [("一", "把牢政治方向", None, None, 1, "健全机制", "成立领导小组。")])
    assert [code for code, place in _errors(example) if place == "正文!A2"] == ["bad-order"]


# ---------------------------------------------------------------- schemas without Python


def _kind(tmp_path: Path, name: str, parts: str) -> Path:
    """A template folder in tmp_path: annual-free's fields and Word file, ``parts`` as given."""
    folder = tmp_path / name
    shutil.copytree(ROOT / "templates" / "annual-free", folder)
    text = (folder / "schema.toml").read_text(encoding="utf-8")
    head = text[: text.index("# One part of kind")].replace('"annual-free"', f'"{name}"')
    (folder / "schema.toml").write_text(head + parts, encoding="utf-8")
    return folder


DUTY_FIRST = """
[[parts]]
key = "leadership"
title = "主要负责人履行推进法治建设第一责任人职责情况"
sheet = "第一责任人职责"
kind = "points"
help = "导语和履职情况。"

[[parts]]
key = "body"
title = "其余各部分（自定标题）"
sheet = "正文"
kind = "headings"
help = "其余各部分，标题自定。"
"""

THREE_PARTS = """
[[parts]]
key = "work"
title = "{year}年法治政府建设工作开展情况"
sheet = "工作开展情况"
kind = "sections"
help = "每个方面一节。"

[[parts]]
key = "problems"
title = "存在的问题"
kind = "points"
help = "导语和问题。"

[[parts]]
key = "plans"
title = "下一步工作打算"
kind = "points"
help = "导语和打算。"
"""


def _fill(path: Path, sheet: str, rows: list[tuple[Any, ...]]) -> None:
    _with_rows(path, rows, sheet)


def _fill_info(path: Path) -> None:
    book = load_workbook(path)
    ws = book["基本信息"]
    values = {
        "发文机关": "示例镇人民政府",
        "主送机关": "示例县人民政府",
        "年度": 2023,
        "成文日期": "2024-01-15",
        "开头": "2023年，镇政府扎实推进法治政府建设。现将有关情况报告如下：",
    }
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    book.save(path)


def test_the_duty_part_first_is_a_schema_choice(tmp_path: Path) -> None:
    folder = _kind(tmp_path, "duty-first", DUTY_FIRST)
    path = init_workbook(tmp_path / "2023.xlsx", template=str(folder), year=2023)
    _fill_info(path)
    _fill(path, "第一责任人职责", [("导语", None, "镇长带头履行第一责任人职责。")])
    rows = [
        (1, "强化制度建设，规范行政行为", None, None, 1, "清理文件", "清理规范性文件12件。"),
        (2, "存在的不足和下一步打算", None, None, "导语", None, "基层执法力量仍显不足。"),
    ]
    _fill(path, "正文", rows)
    assert validate(path, str(folder)).findings == []
    [docx] = build_report(path, output_dir=tmp_path / "out", template=str(folder)).outputs
    headings = [line for line in docx_lines(docx) if line[1:2] == "、"]
    assert headings == [
        "一、主要负责人履行推进法治建设第一责任人职责情况",
        "二、强化制度建设，规范行政行为",
        "三、存在的不足和下一步打算",
    ]
    assert check_docx(docx, str(folder)) == []


def test_three_parts_are_a_schema_choice(tmp_path: Path) -> None:
    folder = _kind(tmp_path, "three-parts", THREE_PARTS)
    path = init_workbook(tmp_path / "2023.xlsx", template=str(folder), year=2023)
    _fill_info(path)
    _fill(path, "工作开展情况", [(1, "坚持依法决策", 1, "落实审查", "全部经过合法性审查。")])
    _fill(path, "存在的问题", [("导语", None, "普法形式较为单一。")])
    _fill(path, "下一步工作打算", [("导语", None, "2024年将加大普法力度。")])
    assert validate(path, str(folder)).findings == []
    [docx] = build_report(path, output_dir=tmp_path / "out", template=str(folder)).outputs
    headings = [line for line in docx_lines(docx) if line[1:2] == "、"]
    assert headings == [
        "一、2023年法治政府建设工作开展情况",
        "二、存在的问题",
        "三、下一步工作打算",
    ]
    assert check_docx(docx, str(folder)) == []


# ---------------------------------------------------------------- diff, init --from, the page


def test_diff_names_a_changed_and_an_added_heading(example: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.xlsx"
    shutil.copy(example, new)
    book = load_workbook(new)
    ws = book["正文"]
    ws["B2"] = "把牢政治方向，压紧压实法治建设责任"
    ws.append([5, "其他需要报告的情况", None, None, "导语", None, "本报告将向社会公开。"])
    book.save(new)
    changes = diff_workbooks(example, new).changes
    assert [(c.kind, c.place) for c in changes] == [
        (CHANGED, "标题"),
        ("added", "其他需要报告的情况"),
    ]
    assert changes[0].old == "把牢政治方向，压实法治建设责任"
    assert diff_workbooks(example, example).equal


def test_init_from_carries_every_heading_for_review(example: Path, tmp_path: Path) -> None:
    result = carry_forward(example, tmp_path / "2024.xlsx")
    assert result.year == 2024
    sheet = load_workbook(result.path)["正文"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    assert rows[0][:2] == (1, "把牢政治方向，压实法治建设责任")
    assert len(rows) == 14 and all(row[7] == "待修改" for row in rows)
    assert result.pending == 1 + len(rows)  # every 正文 row and the intro
    # the one error is the new 成文日期, left for the new year; each carried row warns
    assert _errors(result.path) == [("required-empty", "基本信息!B7")]


def test_the_page_offers_the_kind() -> None:
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/new")
        assert page.status_code == 200
        assert "报告：年度法治政府建设情况（自定标题）" in page.text
        done = client.post(
            "/new/empty",
            data={"template": "annual-free", "year": "2023"},
            files={"x": ("", b"")},
        )
    assert done.status_code == 200
    assert done.content[:2] == b"PK"


def test_import_places_free_headings_only_where_the_schema_has_them(tmp_path: Path) -> None:
    from reportgen.yearly.importer import read_lines
    from reportgen.yearly.source import Line

    schema = load_schema(_kind(tmp_path, "duty-first", DUTY_FIRST))
    text = (
        "示例镇人民政府关于2023年度法治政府建设情况的报告\n示例县人民政府：\n开头。\n"
        "一、自定的第一部分\n一是甲。甲的内容。\n"
        "二、主要负责人履行推进法治建设第一责任人职责情况\n镇长带头述法。\n"
        "三、自定的第三部分\n一是乙。乙的内容。\n"
        "特此报告。\n示例镇人民政府\n2024年1月15日\n"
    )
    lines = [Line(t, n, "行") for n, t in enumerate(text.splitlines(), 1)]
    result = read_lines(lines, schema)
    leadership, third = result.report.parts
    assert (leadership.key, leadership.lead) == ("leadership", "镇长带头述法。")
    assert (third.key, third.title) == ("body", "自定的第三部分")
    # the schema has no free headings before the 第一责任人 part: that heading is left, said so
    assert [x.place for x in result.leftovers] == ["第4行", "第5行"]
    assert not result.faithful
