"""Output written whole or not at all, with safe file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import OutputError
from reportgen.output import atomic_path, refuse_existing, safe_filename


def test_failure_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("render failed")
    assert list(tmp_path.iterdir()) == []


def test_success_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [target]


def test_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError), atomic_path(blocker / "sub" / "out.docx"):
        pass


def test_refuse_existing(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    refuse_existing(target, force=False)
    target.write_text("x")
    with pytest.raises(OutputError):
        refuse_existing(target, force=False)
    refuse_existing(target, force=True)


def test_safe_filename() -> None:
    assert safe_filename("关于A/B的函") == "关于A／B的函"
    assert safe_filename('a:b*c?"<>|') == "a：b＊c？＂＜＞｜"
    assert safe_filename("  ..") == "report"
