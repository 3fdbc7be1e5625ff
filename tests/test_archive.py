"""Archive bags: made whole, never overwritten, verified; the PDF step present or not."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner

from reportgen import conversion
from reportgen.api import build_report
from reportgen.archive.bag import archive_report, pdf_page_count
from reportgen.archive.verify import verify_bag
from reportgen.cli.app import main
from reportgen.core.errors import ReportgenError

from .conftest import EXAMPLE

TITLE = "杭州市公安局关于2018年度法治政府建设工作情况的函"
# A two-page PDF's page tree, as LibreOffice writes it (uncompressed).
TWO_PAGES = (
    b"%PDF-1.6\n1 0 obj\n<</Type/Page/Parent 3 0 R>>\nendobj\n"
    b"3 0 obj\n<</Type/Pages\n/Kids[ 1 0 R 2 0 R ]\n/Count 2>>\nendobj\n%%EOF\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


class NoLibreOffice(ReportgenError):
    """What reportgen.conversion raises where LibreOffice is missing."""


@pytest.fixture
def no_pdf_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without LibreOffice: conversion says so, and the archive goes on without a PDF."""
    monkeypatch.setattr(shutil, "which", lambda _name: None)


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[Path], bool]]:
    """A reportgen.conversion whose convert_to_pdf writes a two-page PDF and records its calls."""
    calls: list[tuple[list[Path], bool]] = []

    def convert_to_pdf(
        docx_paths: Sequence[Path], out_dir: Path, *, pdfa: bool = False, timeout: float = 180.0
    ) -> list[Path]:
        calls.append((list(docx_paths), pdfa))
        made = [out_dir / (p.stem + ".pdf") for p in docx_paths]
        for pdf in made:
            pdf.write_bytes(TWO_PAGES)
        return made

    monkeypatch.setattr(conversion, "convert_to_pdf", convert_to_pdf)
    return calls


def _metadata(bag: Path) -> dict:
    return json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))


@pytest.mark.usefixtures("no_pdf_module")
def test_archive_then_verify(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    code, stdout, stderr = run("archive", str(example), "-o", str(out))
    bag = out / "2018" / TITLE
    assert code == 0 and stdout.strip() == str(bag)
    assert stderr.strip() == (
        "reportgen: 归档包中没有 PDF：没有找到 LibreOffice（soffice）。请先安装（Debian/Ubuntu："
        "apt-get install libreoffice-writer-nogui；Windows：从 libreoffice.org 下载安装），"
        "或把环境变量 REPORTGEN_SOFFICE 设为该程序的完整路径，然后重试。"
    )
    assert sorted(p.name for p in (bag / "data").iterdir()) == sorted(
        ["example.xlsx", "metadata.json", "metadata.xml", f"{TITLE}.docx"]
    )
    assert (bag / "data" / "example.xlsx").read_bytes() == example.read_bytes()
    bagit.Bag(str(bag)).validate()  # the Library of Congress's own validation agrees
    [docx] = build_report(example, output_dir=tmp_path / "build").outputs
    assert (bag / "data" / f"{TITLE}.docx").read_bytes() == docx.read_bytes()  # reproducible
    assert (bag / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    assert [p.name for p in out.iterdir()] == ["2018"]  # no temporary folder left
    code, stdout, _err = run("archive", "--verify", str(bag))
    assert code == 0
    assert stdout.strip() == f"{bag}：完整，所有校验值一致（共检查 8 个文件）。"


@pytest.mark.usefixtures("no_pdf_module")
def test_metadata_holds_the_archival_fields(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited(
        {
            ("基本信息", "B6"): "杭公函〔2018〕12号",
            ("基本信息", "A10"): "密级",
            ("基本信息", "B10"): "秘密",
            ("基本信息", "A11"): "保管期限",
            ("基本信息", "B11"): "定期30年",
        }
    )
    metadata = _metadata(archive_report(path, tmp_path / "a").bag)
    fields = {k: metadata[k] for k in ("题名", "责任者", "文件编号", "日期", "年度")}
    assert fields == {
        "题名": TITLE,
        "责任者": "杭州市公安局",
        "文件编号": "杭公函〔2018〕12号",
        "日期": "2018-11-30",
        "年度": 2018,
    }
    assert (metadata["密级"], metadata["保管期限"]) == ("秘密", "定期30年")
    assert (metadata["页数"], metadata["页数说明"]) == (None, "未知：没有 PDF 可数页数")
    assert metadata["模板"] == {"名称": "letter", "版本": "1"}
    assert metadata["生成软件"]["reportgen"] == "0.1.0"
    assert [f["用途"] for f in metadata["文件"]] == ["正文", "源工作簿"]


def test_with_the_pdf_step(fake_pdf: list, example: Path, tmp_path: Path) -> None:
    result = archive_report(example, tmp_path / "a")
    assert len(fake_pdf) == 1 and fake_pdf[0][1] is True  # one call, PDF/A asked for
    metadata = _metadata(result.bag)
    assert metadata["PDF"] == {"已生成": True, "格式": "PDF/A-2b", "说明": None}
    assert (metadata["页数"], metadata["页数说明"]) == (2, "从 PDF 中数得")
    assert [f["路径"] for f in metadata["文件"]] == [
        f"data/{TITLE}.docx",
        f"data/{TITLE}.pdf",
        "data/example.xlsx",
    ]
    assert verify_bag(result.bag).ok


def test_pdf_step_failing_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, example: Path, tmp_path: Path
) -> None:
    def convert_to_pdf(*_args: object, **_kwargs: object) -> list[Path]:
        raise NoLibreOffice("LibreOffice (soffice) was not found.")

    monkeypatch.setattr(conversion, "convert_to_pdf", convert_to_pdf)
    code, _out, err = run("archive", str(example), "-o", str(tmp_path / "a"))
    assert code == 0
    assert err.strip() == "reportgen: 归档包中没有 PDF：LibreOffice (soffice) was not found."
    bag = tmp_path / "a" / "2018" / TITLE
    assert _metadata(bag)["PDF"]["说明"] == "LibreOffice (soffice) was not found."


@pytest.mark.usefixtures("no_pdf_module")
def test_a_tampered_bag_fails_naming_the_file(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    docx = bag / "data" / f"{TITLE}.docx"
    docx.write_bytes(docx.read_bytes().replace(b"word/", b"WORD/", 1))  # same size
    result = CliRunner().invoke(main, ["--lang", "en", "archive", "--verify", str(bag)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [  # named by SHA-256 and SM3, in both places
        f"reportgen: {bag}: data/{TITLE}.docx: changed since it was archived: its checksums "
        "(sha256 / sm3) differ.",
        f"reportgen: {bag}: data/{TITLE}.docx: its checksums (SHA-256 / SM3) differ from "
        "metadata.json.",
        f"reportgen: {bag}: verification failed (2 problem(s)).",
    ]


@pytest.mark.usefixtures("no_pdf_module")
def test_added_and_missing_files_are_named(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    (bag / "data" / "example.xlsx").unlink()
    (bag / "data" / "notes.txt").write_text("added later")
    problems = [p.text("en") for p in verify_bag(bag).problems]
    assert "data/example.xlsx: listed in the manifest but missing." in problems
    assert "data/notes.txt: not in the manifest: added after archiving." in problems
    assert "data/example.xlsx: listed in metadata.json but missing." in problems


@pytest.mark.usefixtures("no_pdf_module")
def test_an_existing_bag_is_never_overwritten(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    before = sorted((p.name, p.stat().st_mtime_ns) for p in bag.rglob("*"))
    code, _out, err = run("archive", str(example), "-o", str(tmp_path / "a"))
    assert code == 2
    assert err.strip() == f"reportgen: {bag} 已存在：归档包从不覆盖。请先把它移走。"
    assert sorted((p.name, p.stat().st_mtime_ns) for p in bag.rglob("*")) == before
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["2018"]


@pytest.mark.usefixtures("no_pdf_module")
def test_an_invalid_workbook_makes_no_bag(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited({("基本信息", "B2"): None})
    code, _out, err = run("archive", str(path), "-o", str(tmp_path / "a"))
    assert code == 1 and "[基本信息]\n  错误 基本信息!B2" in err
    assert list((tmp_path / "a").iterdir()) == []


@pytest.mark.parametrize("content", [b"PK\x03\x04 cut short", b"\xd0\xcf\x11\xe0"])
def test_an_unreadable_workbook_is_named_as_given(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ("old.xls" if content.startswith(b"\xd0") else "cut.xlsx")
    path.write_bytes(content)
    code, _out, err = run("archive", str(path), "-o", str(tmp_path / "a"))
    assert code == 2 and err.startswith(f"reportgen: {path}：")
    assert not (tmp_path / "a").exists() or list((tmp_path / "a").iterdir()) == []


def test_verify_something_that_is_not_a_bag(tmp_path: Path) -> None:
    code, _out, err = run("archive", "--verify", str(tmp_path))
    assert code == 2
    assert err.strip() == (
        f"reportgen: {tmp_path} 不是归档包：其中没有 bagit.txt。"
        "请给出 archive 输出的那个文件夹（归档目录/年度/标题）。"
    )


@pytest.mark.usefixtures("no_pdf_module")
def test_verify_of_the_archive_folder_points_to_its_bags(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    with pytest.raises(ReportgenError) as caught:
        verify_bag(tmp_path / "a")
    assert caught.value.text("en") == (
        f"{tmp_path / 'a'} is not a bag but holds 1 bag(s); check each one, e.g.: "
        f"reportgen archive --verify {bag}"
    )


def test_verify_of_a_file_or_nothing(tmp_path: Path) -> None:
    with pytest.raises(ReportgenError) as caught:
        verify_bag(tmp_path / "nope")
    assert caught.value.text("en") == f"{tmp_path / 'nope'}: no such folder."
    (tmp_path / "a.xlsx").write_bytes(b"x")
    with pytest.raises(ReportgenError) as caught:
        verify_bag(tmp_path / "a.xlsx")
    assert caught.value.text("en") == (
        f"{tmp_path / 'a.xlsx'} is a file, not a bag. Give the folder that archive printed "
        "(ARCHIVE/<year>/<title>)."
    )


@pytest.mark.usefixtures("no_pdf_module")
def test_a_deleted_metadata_file_is_named_once(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    (bag / "data" / "metadata.json").unlink()
    assert [p.text("en") for p in verify_bag(bag).problems] == [
        "data/metadata.json: listed in the manifest but missing."
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_page_count_of_a_real_libreoffice_pdf(tmp_path: Path) -> None:
    import subprocess

    [docx] = build_report(EXAMPLE, output_dir=tmp_path).outputs
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (docx.stem + ".pdf")
    pages = pdf_page_count(pdf)
    assert pages is not None and pages >= 2
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert f"Pages:{' ' * 11}{pages}" in info


@pytest.mark.usefixtures("no_pdf_module")
def test_the_bag_is_readable_by_others_as_the_umask_allows(example: Path, tmp_path: Path) -> None:
    # The bag is renamed from a mkdtemp folder (0700): an archive nobody else could open.
    old_mask = os.umask(0o022)
    try:
        bag = archive_report(example, tmp_path / "a").bag
    finally:
        os.umask(old_mask)
    modes = {p.relative_to(bag).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in bag.rglob("*")}
    modes["."] = stat.S_IMODE(bag.stat().st_mode)
    assert {m for name, m in modes.items() if (bag / name).is_dir()} == {0o755}
    assert {m for name, m in modes.items() if (bag / name).is_file()} == {0o644}


@pytest.mark.usefixtures("no_pdf_module")
@pytest.mark.parametrize("name", ["metadata.json", f"{TITLE}.docx", "2018"])
def test_a_workbook_named_like_another_payload_file_is_kept(tmp_path: Path, name: str) -> None:
    # Named metadata.json, the workbook was overwritten by the metadata in its own bag,
    # which then failed --verify.
    workbook = tmp_path / name
    shutil.copy(EXAMPLE, workbook)
    bag = archive_report(workbook, tmp_path / "a").bag
    kept = bag / "data" / (Path(name).stem + ".xlsx")
    assert kept.read_bytes() == EXAMPLE.read_bytes()
    assert verify_bag(bag).ok
