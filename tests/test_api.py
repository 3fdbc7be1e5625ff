"""End to end through the library: nothing typed is lost, and no workbook ends in a traceback."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from reportgen.api import build_report, validate
from reportgen.core.errors import ReportgenError, ValidationFailed
from reportgen.core.text import clean_text
from reportgen.gbt9704.typed import without_typed_number
from reportgen.schema.load import load_schema
from reportgen.workbook.layout import INFO_HEADERS, LEAD_MARKER, headers_for

from .conftest import docx_text

SCHEMA = load_schema("letter")


def _tokens() -> Iterator[str]:
    """记0001号, 记0002号 …: unique, and nothing a content check or numbering changes."""
    return (f"记{n:04d}号" for n in itertools.count(1))


def _filled_workbook(path: Path, extra: bool = False) -> dict[tuple[str, str], str]:
    """An init workbook with every input cell filled with a unique token; the tokens by cell.

    Order cells hold numbers (they become numbering), 状态 holds 已定稿 (review status, not
    text of the letter), and a section title is typed on the section's first row only, as the
    layout asks. With ``extra``, cells the letter does not use are filled too.
    """
    from reportgen.workbook.write import write_workbook

    write_workbook(path, SCHEMA, year=2019)
    book = load_workbook(path)
    token = _tokens()
    typed: dict[tuple[str, str], str] = {}

    def put(sheet: str, ref: str, value: Any) -> None:
        book[sheet][ref] = value
        if isinstance(value, str):
            typed[(sheet, ref)] = value

    info = SCHEMA.info_sheet
    for row, spec in enumerate(SCHEMA.fields, start=2):
        value: Any = next(token)
        if spec.key == "year":
            value = 2019
        elif spec.type == "date":  # 成文日期, and 拟稿日期 … (filed, not printed)
            value = dt.date(2019, 12, 20)
        elif spec.key == "doc_number":
            value = f"{value}〔2019〕12号"
        elif spec.key == "intro":
            value = f"{value}如下："  # a 开头 leads into the body
        elif spec.key == "closing":
            value = f"{value}。"
        put(info, f"B{row}", value)
    data = "基本数据"
    rows = [
        (1, next(token), next(token), None, None, None, None),
        (2, next(token), next(token), next(token), 1234567, 7654321, next(token)),
        (2, None, next(token), next(token), 98.5, None, next(token)),
        (3, next(token), None, next(token), 42, 41, None),
    ]
    _put_rows(put, data, rows)
    work = [
        (s, next(token) if p == 1 else None, p, next(token), next(token))
        for s in (1, 2)
        for p in (1, 2, 3)
    ]
    _put_rows(put, "主要工作", work)
    book["存在不足"]["A2"] = LEAD_MARKER  # a marker, not text of the letter
    put("存在不足", "C2", next(token))
    _put_rows(
        put, "存在不足", [(None, None, None)] + [(p, next(token), next(token)) for p in (1, 2)]
    )
    for sheet in ("基本数据", "主要工作", "存在不足"):
        status = "ABCDEFGH"[len(headers_for(_kind(sheet))) - 1]
        book[sheet][f"{status}2"] = "已定稿"
    if extra:
        for sheet, ref in (
            (info, "D3"),
            ("主要工作", "G2"),
            ("主要工作", "J30"),
            ("存在不足", "B2"),
        ):
            put(sheet, ref, next(token))
    book.save(path)
    return typed


def _filed_cells() -> list[str]:
    """The 基本信息 cells of the text fields filed in the archive, not printed (密级 …)."""
    fields = enumerate(SCHEMA.fields, start=2)
    return [f"B{row}" for row, spec in fields if not spec.in_document and spec.type != "date"]


def _kind(sheet: str) -> str:
    return next(p.kind for p in SCHEMA.parts if p.sheet == sheet)


def _put_rows(put: Any, sheet: str, rows: list[tuple[Any, ...]]) -> None:
    for number, values in enumerate(rows, start=2):
        for column, value in zip("ABCDEFG", values, strict=False):
            if value is not None:
                put(sheet, f"{column}{number}", value)


def test_every_typed_cell_ends_up_in_the_document(tmp_path: Path) -> None:
    path = tmp_path / "tokens.xlsx"
    typed = _filled_workbook(path)
    result = build_report(path, output_dir=tmp_path / "out")
    # 发文字号 has a place only in the letterhead form (信函格式); the plain letter lists it
    assert [(f.code, f.place) for f in result.warnings] == [("cell-not-shown", "基本信息!B6")]
    text = docx_text(result.outputs[0])
    # 密级, 保管期限, 拟稿人 … are filed in the archive's metadata, not printed
    missing = [typed[("基本信息", cell)] for cell in ("B6", *_filed_cells())]
    assert [t for t in typed.values() if t not in text] == missing
    for figure in ("1234567", "7654321", "98.5", "42", "41", "2019年12月20日"):
        assert figure in text


def test_every_typed_cell_is_in_the_document_or_listed_as_unused(tmp_path: Path) -> None:
    path = tmp_path / "tokens.xlsx"
    typed = _filled_workbook(path, extra=True)
    result = build_report(path, output_dir=tmp_path / "out")
    text = docx_text(result.outputs[0])
    unused = {(f.sheet, f.cell) for f in result.warnings if f.code == "cell-unused"}
    assert unused == {
        ("基本信息", "D3"),
        ("主要工作", "G2"),
        ("主要工作", "J30"),
        ("存在不足", "B2"),
    }
    unused |= {(f.sheet, f.cell) for f in result.warnings if f.code == "cell-not-shown"}
    unused |= {("基本信息", cell) for cell in _filed_cells()}  # 密级 …: filed, not printed
    assert [cell for cell, token in typed.items() if token not in text and cell not in unused] == []


# ---------------------------------------------------------------- property: never a traceback

# Text people paste: Chinese, markup characters, Jinja delimiters, spaces and invisible ones.
_PIECES = st.sampled_from(
    [
        "法治",
        "政府",
        "建设",
        "&",
        "<",
        ">",
        '"',
        "'",
        "{{",
        "}}",
        "{%",
        "%}",
        "%",
        "(",
        ")",
        ",",
        ":",
        "；",
        "2017年",
        "98%",
        "222项",
        "\u3000",
        " ",
        "\n",
        "\u200b",
        "。",
        "一是",
    ]
)
_WORDS = st.sampled_from(["法治", "政府", "建设"])
# Every text holds a word, around which anything may be pasted.
_TEXT = st.tuples(st.lists(_PIECES, max_size=5), _WORDS, st.lists(_PIECES, max_size=5)).map(
    lambda t: "".join(t[0]) + t[1] + "".join(t[2])
)


@st.composite
def _content(draw: Any) -> dict[str, Any]:
    """The content of a valid workbook: fields, main-work points, shortcomings."""
    # a section: an optional lead (its 导语 row) and points; at least one of the two
    section = st.tuples(st.none() | _TEXT, st.lists(st.tuples(_TEXT, _TEXT), max_size=3))
    sections = draw(st.lists(section.filter(lambda s: s[0] or s[1]), min_size=1, max_size=3))
    return {
        "fields": {k: draw(_TEXT) for k in ("issuer", "recipient", "intro", "closing")},
        "data": draw(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=3)),
        "sections": [(draw(_TEXT), lead, points) for lead, points in sections],
        "lead": draw(_TEXT),
        "points": draw(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=3)),
    }


def _write(path: Path, content: dict[str, Any]) -> list[str]:
    """A plain workbook (no styles: quick to write) holding ``content``; its texts."""
    book = Workbook()
    info = book.active
    info.title = SCHEMA.info_sheet
    info.append(list(INFO_HEADERS))
    values = {**content["fields"], "year": 2018, "signature_date": dt.date(2018, 11, 30)}
    for spec in SCHEMA.fields:
        info.append([spec.label, values.get(spec.key)])
    data = book.create_sheet("基本数据")
    data.append(list(headers_for("data")))
    for n, (title, text) in enumerate(content["data"], start=1):
        data.append([n, title, text])
    work = book.create_sheet("主要工作")
    work.append(list(headers_for("sections")))
    for s, (title, lead, points) in enumerate(content["sections"], start=1):
        rows = [[LEAD_MARKER, None, lead]] if lead else []
        rows += [[p, point_title, body] for p, (point_title, body) in enumerate(points, start=1)]
        for r, row in enumerate(rows):
            work.append([s, title if r == 0 else None, *row])
    short = book.create_sheet("存在不足")
    short.append(list(headers_for("points")))
    short.append([LEAD_MARKER, None, content["lead"]])
    for p, (title, body) in enumerate(content["points"], start=1):
        short.append([p, title, body])
    book.save(path)
    texts = [*content["fields"].values(), content["lead"]]
    texts += [t for pair in content["data"] for t in pair]
    texts += [
        t
        for title, lead, points in content["sections"]
        for t in (title, *([lead] if lead else []), *sum(points, ()))
    ]
    texts += [t for pair in content["points"] for t in pair]
    return texts


def _break(path: Path, how: str, draw: Any) -> None:
    """Damage a workbook the way people do."""
    if how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * draw(st.integers(0, 999)) // 1000])
        return
    book = load_workbook(path)
    sheet = book[draw(st.sampled_from(book.sheetnames))]
    if how == "delete":
        del book[sheet.title]
    elif how == "rename":
        sheet.title = "Sheet9"
    elif how == "cell":
        ref = f"{draw(st.sampled_from('ABCDEFGH'))}{draw(st.integers(1, 12))}"
        sheet[ref] = draw(
            st.one_of(st.none(), _TEXT, st.integers(-5, 3000), st.floats(allow_nan=False))
        )
    elif how == "merge":
        top = draw(st.integers(1, 8))
        sheet.merge_cells(f"A{top}:{draw(st.sampled_from('ABCDE'))}{top + draw(st.integers(0, 3))}")
    elif how == "hide":
        sheet.sheet_state = "hidden"
    book.save(path)


# CI runs a fixed handful of examples; REPORTGEN_EXAMPLES=500 explores (new ones each run).
_EXAMPLES = int(os.environ.get("REPORTGEN_EXAMPLES", "0"))
_SETTINGS = settings(
    max_examples=_EXAMPLES or 15,
    deadline=None,
    derandomize=not _EXAMPLES,  # the same examples on every CI run: never a new flaky one
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_SETTINGS
@given(content=_content())
def test_valid_workbooks_keep_all_their_text(content: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "valid.xlsx"
        texts = _write(path, content)
        result = build_report(path, output_dir=Path(folder) / "out")
        assert "cell-not-shown" not in {f.code for f in result.warnings}
        shown = "".join(docx_text(result.outputs[0]).split("\n"))
    for text in texts:  # a number typed before a title is left out (with a warning)
        assert without_typed_number(clean_text(text)[0]).rstrip("。：:") in shown


@_SETTINGS
@given(
    content=_content(),
    how=st.sampled_from(["truncate", "delete", "rename", "cell", "merge", "hide"]),
    data=st.data(),
)
def test_broken_workbooks_end_in_findings_never_a_traceback(
    content: dict[str, Any], how: str, data: Any
) -> None:
    with tempfile.TemporaryDirectory() as folder:  # one folder per example
        path = Path(folder) / "broken.xlsx"
        _write(path, content)
        _break(path, how, data.draw)
        out = Path(folder) / "out"
        try:
            result = build_report(path, output_dir=out)
        except ValidationFailed as failed:
            assert failed.findings and all(f.place for f in failed.findings)
            assert not out.exists()
        except ReportgenError:
            assert not out.exists()
        else:
            assert result.outputs[0].is_file()
        with contextlib.suppress(ReportgenError):
            validate(path)


def test_huge_sheets_are_refused_quickly_not_read_for_minutes(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "主要工作"
    sheet.append(list(headers_for("sections")))
    for n in range(12_000):
        sheet.append([1, "节", n + 1, "要点", "内容"])
    path = tmp_path / "huge.xlsx"
    book.save(path)
    from reportgen.workbook.read import READ_ROW_LIMIT, read_workbook

    read = read_workbook(path)
    assert read.sheets["主要工作"].truncated
    assert len(read.sheets["主要工作"].rows) == READ_ROW_LIMIT + 1
    with pytest.raises(ValidationFailed) as failed:
        build_report(path, output_dir=tmp_path / "out")
    assert "too-many-rows" in {f.code for f in failed.value.findings}


def test_a_tab_in_a_cell_is_cleaned_not_reported_missing(edited: Any, tmp_path: Path) -> None:
    # The tab became a <w:tab/> gap in the letter, and the text check then said the point
    # was "not in the document: the template has no place for it".
    path = edited({("主要工作", "E2"): "甲乙\t丙丁。"})
    result = build_report(path, output_dir=tmp_path / "out")
    assert [(f.code, f.cell) for f in result.warnings] == [("text-cleaned", "E2")]
    assert "一是强化组织领导。甲乙丙丁。" in docx_text(result.outputs[0])
