"""Output written whole or not at all, with safe file names."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.core.errors import OutputError
from reportgen.core.files import (
    atomic_path,
    is_reserved_name,
    refuse_existing,
    safe_filename,
    write_error,
)


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


@pytest.mark.parametrize(
    ("name", "reserved"),
    [
        ("CON", True),
        ("con", True),
        ("Nul.txt", True),
        ("LPT9.tar.gz", True),
        ("COM¹", True),
        ("CONTRACT", False),
        ("COM10", False),
        ("my-con", False),
        ("", False),
    ],
)
def test_names_windows_reserves(name: str, reserved: bool) -> None:
    assert is_reserved_name(name) is reserved


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


def test_output_is_readable_by_others_as_the_umask_allows(tmp_path: Path) -> None:
    # mkstemp makes its file 0600: renamed into place as it is, colleagues could not open
    # the letter on a shared folder.
    old_mask = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "new.docx") as tmp:
            tmp.write_bytes(b"x")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "new.docx").stat().st_mode) == 0o644


def test_overwriting_keeps_the_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "old.docx"
    target.write_bytes(b"old")
    target.chmod(0o664)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_a_file_in_the_way_of_a_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    for target in (blocker / "out.xlsx", blocker / "sub" / "2018" / "out.docx"):
        with pytest.raises(OutputError) as caught, atomic_path(target):
            pass
        assert caught.value.text("en") == (
            f"Cannot write to {target}: {blocker} is a file, not a folder. Choose another folder."
        )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EROFS, "the folder is read-only, or you may not write there"),
        (errno.EACCES, "the folder is read-only, or you may not write there"),
        (errno.ENOSPC, "the disk is full"),
        (errno.ENAMETOOLONG, "the name is too long"),
        (errno.EISDIR, "a folder of that name is in the way"),
    ],
)
def test_common_os_errors_are_explained(code: int, reason: str, tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    error = write_error(target, OSError(code, os.strerror(code)))
    assert error.text("en").startswith(f"Cannot write to {target}: {reason}")
    assert "：" in error.text("zh") and os.strerror(code) not in error.text("zh")


def test_a_too_long_folder_name_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught, atomic_path(tmp_path / ("长" * 300) / "x.docx"):
        pass
    assert "the name is too long" in caught.value.text("en")


def test_a_folder_where_the_file_goes_is_named(tmp_path: Path) -> None:
    target = tmp_path / "2018" / "函.docx"
    target.mkdir(parents=True)
    with pytest.raises(OutputError) as caught, atomic_path(target) as tmp:
        tmp.write_bytes(b"x")
    assert caught.value.text("en") == (
        f"Cannot write to {target}: a folder of that name is in the way. Move or rename it."
    )
    assert [p.name for p in (tmp_path / "2018").iterdir()] == ["函.docx"]


def test_an_interrupted_folder_removal_is_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C arriving while a staging folder is removed: the folder still goes whole, and
    the interrupt goes on out."""
    import shutil

    from reportgen.core.files import remove_folder

    folder = tmp_path / "staging"
    (folder / "2018").mkdir(parents=True)
    for n in range(5):
        (folder / "2018" / f"{n}.docx").write_bytes(b"x")
    real = shutil.rmtree
    calls = []

    def interrupted_once(path: Path, *args: object, **kwargs: object) -> None:
        calls.append(path)
        if len(calls) == 1:
            (folder / "2018" / "0.docx").unlink()  # part of the way
            raise KeyboardInterrupt
        real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        remove_folder(folder)
    assert not folder.exists()
