"""Output written whole or not at all, with safe file names."""

from __future__ import annotations

from collections.abc import Callable
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


def test_failure_removes_the_folders_it_made(tmp_path: Path) -> None:
    target = tmp_path / "out" / "2018" / "x.docx"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("save failed")
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_folders_that_were_there(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.docx").write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "out" / "2018" / "x.docx"):
        raise RuntimeError("save failed")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["old.docx"]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("../../etc/passwd", "／..／etc／passwd"),
        ("..", "report"),
        ("a/b\\c", "a／b＼c"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("关于\x00\x1f函", "关于函"),
    ],
)
def test_safe_filenames(title: str, name: str) -> None:
    assert safe_filename(title) == name
    assert "/" not in safe_filename(title) and "\\" not in safe_filename(title)


def test_a_title_cannot_write_outside_the_output_folder(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    from reportgen.api import build_report

    path = edited({("基本信息", "B5"): "../../../逃出去"})
    out = tmp_path / "deep" / "out"
    [written] = build_report(path, output_dir=out).outputs
    assert written.resolve().parent == (out / "2018").resolve()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [path.name, written.name]
    )
