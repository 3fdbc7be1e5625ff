"""wordml: the one .docx opener, and the same clear message from every command for a bad one."""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli.app import main
from reportgen.core.errors import DocumentError
from reportgen.wordml.open import open_docx

from .conftest import ROOT

TEMPLATE = ROOT / "templates" / "letter"


def damage_deflate(source: Path, target: Path, member: str = "word/document.xml") -> Path:
    """A copy of ``source`` whose ``member`` has its deflate stream altered in the middle,
    its sizes, CRC and the zip directory left as they were (what a bad copy or disk gives)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as package:
        info = package.getinfo(member)
    header = info.header_offset
    name_len = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    # 64 bytes: 16 can leave a stream that still inflates (to wrong text: a CRC error instead)
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    target.write_bytes(bytes(data))
    return target


def truncated(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    return target


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (findings go to stdout, errors to stderr)."""
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr + result.stdout


@pytest.fixture
def damaged_template(tmp_path: Path) -> Path:
    folder = tmp_path / "damaged"
    shutil.copytree(TEMPLATE, folder)
    damage_deflate(TEMPLATE / "template.docx", folder / "template.docx")
    return folder


def test_the_damage_really_breaks_the_deflate_stream(damaged_template: Path) -> None:
    with zipfile.ZipFile(damaged_template / "template.docx") as package:
        assert package.read("[Content_Types].xml")  # the rest of the package reads
        with pytest.raises(zlib.error):
            package.read("word/document.xml")


def test_open_docx_gives_our_error_for_a_damaged_file(damaged_template: Path) -> None:
    with pytest.raises(DocumentError, match="damaged or incomplete"):
        open_docx(damaged_template / "template.docx", DocumentError)


def test_open_docx_gives_our_error_for_a_truncated_file(tmp_path: Path) -> None:
    cut = truncated(TEMPLATE / "template.docx", tmp_path / "cut.docx")
    with pytest.raises(DocumentError, match="damaged or incomplete"):
        open_docx(cut, DocumentError)


def test_lint_names_a_damaged_template_docx(damaged_template: Path) -> None:
    code, err = run("templates", "lint", str(damaged_template))
    assert code == 2
    assert "template.docx" in err and "damaged or incomplete" in err
    assert "Traceback" not in err


def test_build_with_a_damaged_template_ends_in_one_message(
    damaged_template: Path, example: Path, tmp_path: Path
) -> None:
    code, err = run("build", str(example), "-t", str(damaged_template), "-o", str(tmp_path / "o"))
    assert code == 2
    [line] = err.strip().splitlines()
    assert line == (
        f"reportgen: {damaged_template / 'template.docx'}: the file is damaged or incomplete. "
        "Replace template.docx with a Word document (.docx), e.g. one copied from a folder "
        "made by: reportgen templates new NAME"
    )
    assert not (tmp_path / "o").exists()


def test_check_of_a_damaged_docx_ends_in_one_message(damaged_template: Path) -> None:
    path = damaged_template / "template.docx"
    code, err = run("check", str(path))
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"reportgen: {path}: the file is damaged or incomplete")


def test_import_of_a_damaged_docx_ends_in_one_message(
    damaged_template: Path, tmp_path: Path
) -> None:
    path = damaged_template / "template.docx"
    code, err = run("import", str(path), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"reportgen: {path}: the file is damaged or incomplete")
    assert not (tmp_path / "out.xlsx").exists()
