"""Batch builds: folders expanded, bad workbooks skipped, same names numbered, a summary."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.batch import BatchItem, add_pdfs, build_many, collect_workbooks, summary_table
from reportgen.core.text import display_width

from .conftest import EXAMPLE, EXAMPLE_ANNUAL

TITLE = "杭州市公安局关于2018年度法治政府建设工作情况的函"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Six copies of the example, the fourth broken, and files a folder scan must skip."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(1, 7):
        shutil.copy(EXAMPLE, inputs / f"unit{n}.xlsx")
    (inputs / "unit4.xlsx").write_bytes(b"not a workbook")
    (inputs / "~$unit1.xlsx").write_bytes(b"Excel's lock file")
    (inputs / "notes.txt").write_text("not a workbook either")
    return inputs


def test_folders_expand_to_their_workbooks_each_once(folder: Path) -> None:
    found = collect_workbooks([folder / "unit2.xlsx", folder])
    assert [p.name for p in found] == ["unit2.xlsx", "unit1.xlsx", "unit3.xlsx"] + [
        f"unit{n}.xlsx" for n in (4, 5, 6)
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_workbook_is_skipped_and_same_titles_numbered(
    folder: Path, tmp_path: Path, jobs: int
) -> None:
    out = tmp_path / "out"
    done: list[BatchItem] = []
    items = build_many(collect_workbooks([folder]), out, jobs=jobs, on_done=done.append)
    assert len(done) == 6
    assert [item.ok for item in items] == [True, True, True, False, True, True]
    names = [item.outputs[0].name for item in items if item.ok]
    assert names == [f"{TITLE}.docx"] + [f"{TITLE}（{n}）.docx" for n in (2, 3, 4, 5)]
    assert sorted(p.name for p in (out / "2018").iterdir()) == sorted(names)
    assert [p.name for p in out.iterdir()] == ["2018"]  # no staging folder left behind
    assert items[1].renamed_after == folder / "unit1.xlsx"
    assert "not an .xlsx workbook" in items[3].error_line("en")
    assert items[3].error_line("en").startswith(str(folder / "unit4.xlsx"))


def test_validation_errors_travel_back_as_findings(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    bad = edited({("基本信息", "B2"): None}, name="bad.xlsx")
    [good, failed] = build_many([EXAMPLE, bad], tmp_path / "out", jobs=2)
    assert good.ok and not failed.ok
    assert [f.cell for f in failed.findings] == ["B2"]
    assert failed.error_line("zh") == f"{bad}: 工作簿有 1 个错误，未生成任何文件。"


def test_summary_table_lines_up_chinese_text() -> None:
    items = [
        BatchItem(Path("甲.xlsx"), outputs=(Path("out/2018/函.docx"),)),
        BatchItem(Path("b.xlsx"), error="x"),
    ]
    lines = summary_table(items, "zh").splitlines()
    assert lines[0].split() == ["文件", "状态", "输出", "问题数"]
    assert lines[1].split() == ["甲.xlsx", "已生成", "out/2018/函.docx", "0"]
    assert lines[2].split() == ["b.xlsx", "失败", "-", "0"]
    columns = [
        display_width(line[: line.index(word)])
        for line, word in zip(lines[1:3], ("已生成", "失败"), strict=False)
    ]
    assert columns[0] == columns[1]  # a Chinese character takes two columns
    assert lines[-1] == "已生成 1 个，失败 1 个"


def test_pdfs_come_from_one_conversion_per_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reportgen.conversion

    calls: list[tuple[list[str], Path, bool]] = []

    def convert(docxs: list[Path], out_dir: Path, *, pdfa: bool = False, **_: object) -> list[Path]:
        calls.append(([d.name for d in docxs], out_dir, pdfa))
        return [out_dir / (d.stem + ".pdf") for d in docxs]

    monkeypatch.setattr(reportgen.conversion, "convert_to_pdf", convert)
    items = [
        BatchItem(Path("a.xlsx"), (tmp_path / "2018" / "a.docx",)),
        BatchItem(Path("b.xlsx"), (tmp_path / "2018" / "b.docx",)),
        BatchItem(Path("c.xlsx"), (tmp_path / "2023" / "c.docx",)),
        BatchItem(Path("bad.xlsx"), error="broken"),
    ]
    done = add_pdfs(items, pdfa=True)
    assert calls == [
        (["a.docx", "b.docx"], tmp_path / "2018", True),
        (["c.docx"], tmp_path / "2023", True),
    ]
    assert done[1].outputs == (tmp_path / "2018" / "b.docx", tmp_path / "2018" / "b.pdf")
    assert done[3].outputs == ()


def test_a_write_failure_names_the_output_not_the_staging_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from reportgen import api
    from reportgen.core.errors import OutputError

    def full_disk(_workbook: Path, output_dir: Path, *_args: object) -> None:
        staged = output_dir / "2018" / f"{TITLE}.docx"
        raise OutputError("Cannot write to {file}: the disk is full.", file=str(staged))

    monkeypatch.setattr(api, "build_report", full_disk)
    out = tmp_path / "out"
    [item] = build_many([EXAMPLE], out, jobs=1)
    assert item.error_line("en") == (
        f"{EXAMPLE}: Cannot write to {out / '2018' / TITLE}.docx: the disk is full."
    )


def test_pdfs_without_libreoffice_stop_before_building(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from reportgen import conversion as pdf
    from reportgen.cli.app import main

    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--lang", "en", "build", str(EXAMPLE), str(EXAMPLE_ANNUAL), "-o", str(out), "--pdf"]
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("reportgen: LibreOffice (soffice) was not found.")
    assert not out.exists()
