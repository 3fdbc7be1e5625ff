"""Finding LibreOffice and pdftoppm off PATH: in the Windows installer's folders, and where
REPORTGEN_SOFFICE / REPORTGEN_PDFTOPPM point (on every platform)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from reportgen import conversion
from reportgen.cli.app import main
from reportgen.core.errors import ConversionError

_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A Windows machine with nothing on PATH and none of the folder variables set."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    for variable in (*_FOLDERS, "REPORTGEN_SOFFICE", "REPORTGEN_PDFTOPPM"):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def _program(path: Path) -> Path:
    """A stand-in program file at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"MZ")
    return path


@pytest.mark.parametrize(
    ("variable", "below"),
    [
        ("ProgramFiles", "LibreOffice/program/soffice.exe"),
        ("ProgramFiles(x86)", "LibreOffice/program/soffice.exe"),
        ("LOCALAPPDATA", "Programs/LibreOffice/program/soffice.exe"),
    ],
)
def test_soffice_in_the_installers_folder_is_found(
    windows: pytest.MonkeyPatch, tmp_path: Path, variable: str, below: str
) -> None:
    windows.setenv(variable, str(tmp_path))
    program = _program(tmp_path / below)
    assert conversion.soffice() == str(program)


def test_the_literal_folders_when_the_variables_are_unset(windows: pytest.MonkeyPatch) -> None:
    places = [str(p).replace("/", "\\") for p in conversion.windows_soffice_places()]
    assert places == [
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ]


def test_no_windows_folders_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("ProgramFiles", str(tmp_path))
    _program(tmp_path / "LibreOffice" / "program" / "soffice.exe")
    assert conversion.windows_soffice_places() == []


def test_not_found_says_how_to_point_to_it(windows: pytest.MonkeyPatch, tmp_path: Path) -> None:
    windows.setenv("ProgramFiles", str(tmp_path))  # an empty Program Files
    windows.setattr(conversion, "_WINDOWS_FOLDERS", (("ProgramFiles", None),))
    with pytest.raises(ConversionError) as caught:
        conversion.soffice()
    assert str(caught.value) == (
        "LibreOffice (soffice) was not found. Install it (Debian/Ubuntu: apt-get install "
        "libreoffice-writer-nogui; Windows: from libreoffice.org), or set REPORTGEN_SOFFICE "
        "to the program's full path, and try again."
    )


@pytest.mark.parametrize("platform", ["win32", "linux"])
def test_reportgen_soffice_wins(windows: pytest.MonkeyPatch, tmp_path: Path, platform: str) -> None:
    windows.setattr(sys, "platform", platform)
    windows.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    windows.setenv("ProgramFiles", str(tmp_path / "pf"))
    _program(tmp_path / "pf" / "LibreOffice" / "program" / "soffice.exe")
    chosen = _program(tmp_path / "portable" / "soffice.exe")
    windows.setenv("REPORTGEN_SOFFICE", str(chosen))
    assert conversion.soffice() == str(chosen)


@pytest.mark.parametrize(
    ("variable", "find"),
    [("REPORTGEN_SOFFICE", conversion.soffice), ("REPORTGEN_PDFTOPPM", conversion.pdftoppm)],
)
def test_a_missing_program_named_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, find: Callable[[], str]
) -> None:
    missing = tmp_path / "nowhere" / "program.exe"
    monkeypatch.setenv(variable, str(missing))
    with pytest.raises(ConversionError) as caught:
        find()
    assert str(caught.value) == (
        f"{variable} is set to “{missing}”, but there is no program there. Set it to the "
        "program's full path, or unset it, and try again."
    )


def test_a_folder_named_is_no_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path))
    with pytest.raises(ConversionError, match="REPORTGEN_SOFFICE"):
        conversion.soffice()


def test_reportgen_pdftoppm_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    chosen = _program(tmp_path / "poppler" / "bin" / "pdftoppm.exe")
    monkeypatch.setenv("REPORTGEN_PDFTOPPM", str(chosen))
    assert conversion.pdftoppm() == str(chosen)


def test_pdftoppm_not_found_says_how_to_point_to_it(windows: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConversionError) as caught:
        conversion.pdftoppm()
    assert "REPORTGEN_PDFTOPPM" in str(caught.value) and "poppler-utils" in str(caught.value)


def test_cli_pdf_names_the_missing_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    docx = tmp_path / "a.docx"
    Document().save(str(docx))
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path / "soffice.exe"))
    result = CliRunner().invoke(main, ["--lang", "en", "pdf", str(docx)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"reportgen: REPORTGEN_SOFFICE is set to “{tmp_path / 'soffice.exe'}”, but there is "
        "no program there. Set it to the program's full path, or unset it, and try again."
    )
