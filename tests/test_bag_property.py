"""Never a traceback for archive bags: whatever a copy, a disk or a person does to a bag,
``archive --verify`` ends in exit 0, 1 or 2 with a clean message, reports a damaged bag
intact only where the damage provably changes nothing, and never reads outside the bag."""

from __future__ import annotations

import builtins
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reportgen import conversion
from reportgen.archive.verify import MAX_TAG_BYTES
from reportgen.cli.app import main

from .conftest import EXAMPLE

_EXAMPLES = int(os.environ.get("REPORTGEN_EXAMPLES", "0"))
_SETTINGS = settings(
    max_examples=_EXAMPLES or 12,
    deadline=None,
    derandomize=not _EXAMPLES,  # the same examples on every CI run
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TAG_MANIFEST = "tagmanifest-sha256.txt"
MANIFEST = "manifest-sha256.txt"
_ZEROS = "0" * 64  # a sha256 checksum's length
# Lines appended to a manifest; "{canary}" is the absolute path of a file beside the bag.
_HOSTILE_LINES: tuple[bytes, ...] = (
    f"{_ZEROS}  ../canary.txt".encode(),
    f"{_ZEROS}  data/../../canary.txt".encode(),
    f"{_ZEROS}  {{canary}}".encode(),
    f"{_ZEROS}  C:/Windows/win.ini".encode(),
    f"{_ZEROS}  data\\..\\..\\canary.txt".encode(),
    f"{_ZEROS}  data/%2E%2E/%2E%2E/canary.txt".encode(),
    f"{_ZEROS}  data".encode(),
    f"{_ZEROS}  data/".encode(),
    f"{_ZEROS}  data/example-2018.xlsx".encode(),
    f"{_ZEROS}  bagit.txt".encode(),
    b"\xff\xfe\x00\x01 data/\x80\x81",
    b"",
    _ZEROS.encode(),
)
_BAD_JSON: tuple[bytes, ...] = (
    b"",
    b"{",
    b"[]",
    b"null",
    b'{"\xe6\x96\x87\xe4\xbb\xb6": 5}',  # {"文件": 5}
    '{"文件": [{"路径": "../../canary.txt", "SHA-256": "00"}]}'.encode(),
    '{"文件": [{"路径": "{canary}", "SHA-256": "00"}]}'.encode(),
    '{"文件": [{"路径": "data", "SHA-256": null}, 7, []]}'.encode(),
    b'{"a": 1' + b"0" * 5000 + b"}",  # an integer too long for int()
    b"[" * 200_000,  # nested too deep for the json module
    b'{"a":' * 100_000,
    b"\xff\xfe{\x00}\x00",
    b"\xef\xbb\xbf{}",
    b" " * (MAX_TAG_BYTES + 1),
)
_ADDED = ("notes.txt", ".DS_Store", "manifest-md5.txt", "data/extra.docx", "data/sub/x.txt")
_LINKS = ("data/link.pdf", "outside", "data/sub", "data/example-2018.xlsx", "bagit.txt")
_KINDS = ("delete", "truncate", "flip", "append", "add", "metadata", "symlink")


@pytest.fixture(scope="module")
def bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bag of the example workbook, made by ``reportgen archive`` (with a stand-in PDF)."""

    def convert_to_pdf(
        docx_paths: Sequence[Path], out_dir: Path, *, pdfa: bool = False, timeout: float = 180.0
    ) -> list[Path]:
        made = [out_dir / (Path(p).stem + ".pdf") for p in docx_paths]
        for pdf in made:
            pdf.write_bytes(b"%PDF-1.6\n1 0 obj\n<</Type/Page>>\nendobj\n%%EOF\n")
        return made

    out = tmp_path_factory.mktemp("archive")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conversion, "convert_to_pdf", convert_to_pdf)
        result = CliRunner().invoke(main, ["--lang", "en", "archive", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    made = Path(result.stdout.strip())
    assert verify(made)[0] == 0  # the undamaged bag is intact
    return made


def _files(root: Path) -> list[str]:
    """The bag's files, relative, in a fixed order."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _pick(items: Sequence[str], which: int) -> str:
    """One of ``items``; ``which`` (0–999) in thousandths of the list."""
    return items[len(items) * which // 1000]


def damage(root: Path, canary: Path, kind: str, which: int, where: int, choice: int) -> bool:
    """Damage the bag at ``root`` one way; True when the damage provably changes nothing
    (the bag is still valid BagIt with every file as archived)."""
    files = _files(root)
    name = _pick(files, which)
    target = root / name
    if kind == "delete":
        target.unlink()
        return name == TAG_MANIFEST  # a tag manifest is optional (RFC 8493 §2.2.1)
    if kind == "truncate":
        data = target.read_bytes()
        kept = data[: len(data) * where // 1000]
        target.write_bytes(kept)
        # whole lines dropped from the tag manifest: fewer tag files checked, none changed
        whole_lines = not kept or kept.endswith(b"\n") or data.startswith(kept + b"\n")
        return name == TAG_MANIFEST and whole_lines
    if kind == "flip":
        data = bytearray(target.read_bytes())
        start = max(len(data) - 8, 0) * where // 1000
        data[start : start + 8] = bytes(b ^ 0xA5 for b in data[start : start + 8])
        target.write_bytes(bytes(data))
        return False
    if kind == "append":
        manifest = root / (MANIFEST if which % 2 else TAG_MANIFEST)
        line = _HOSTILE_LINES[choice % len(_HOSTILE_LINES)].replace(
            b"{canary}", str(canary).encode()
        )
        with manifest.open("ab") as handle:
            handle.write(line + b"\n")
        return manifest.name == TAG_MANIFEST and line == b""  # verify skips blank lines
    if kind == "add":
        added = root / _ADDED[choice % len(_ADDED)]
        added.parent.mkdir(exist_ok=True)
        added.write_bytes(b"added after archiving\n")
        return False
    if kind == "metadata":
        text = _BAD_JSON[choice % len(_BAD_JSON)].replace(b"{canary}", str(canary).encode())
        (root / "data" / "metadata.json").write_bytes(text)
        return False
    link = root / _LINKS[choice % len(_LINKS)]
    if link.exists():
        link.unlink()
    link.symlink_to(canary if where % 2 else canary.parent)
    return False


def verify(root: Path) -> tuple[int, list[Path]]:
    """``reportgen archive --verify root``: its exit code, and every path it opened or listed.
    A traceback (any exception but SystemExit) fails the test."""
    opened: list[Path] = []
    with pytest.MonkeyPatch.context() as patch:
        for module, name in ((os, "open"), (os, "scandir"), (os, "listdir"), (builtins, "open")):
            patch.setattr(module, name, _recording(getattr(module, name), opened))
        patch.setattr(io, "open", builtins.open)
        result = CliRunner().invoke(main, ["--lang", "en", "archive", "--verify", str(root)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("archive --verify raised") from result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    return result.exit_code, opened


def _recording(function: Callable[..., Any], opened: list[Path]) -> Callable[..., Any]:
    """``function`` (open, os.open, os.scandir, os.listdir), noting the path it is given."""

    def recorded(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, (str, bytes, os.PathLike)):
            opened.append(Path(os.fsdecode(path)).absolute())
        return function(path, *args, **kwargs)

    return recorded


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or lies in it, without following any link."""
    return path == root or root in path.parents


@_SETTINGS
@given(
    kind=st.sampled_from(_KINDS),
    which=st.integers(0, 999),
    where=st.integers(0, 999),
    choice=st.integers(0, 99),
)
@example(kind="metadata", which=0, where=0, choice=_BAD_JSON.index(b"[" * 200_000))
@example(kind="metadata", which=0, where=0, choice=_BAD_JSON.index(b'{"a":' * 100_000))
@example(kind="append", which=0, where=0, choice=_HOSTILE_LINES.index(b""))
@example(kind="append", which=1, where=0, choice=_HOSTILE_LINES.index(b""))
@example(kind="append", which=0, where=0, choice=2)
@example(kind="append", which=0, where=0, choice=7)
@example(kind="truncate", which=999, where=0, choice=0)
@example(kind="truncate", which=999, where=996, choice=0)
@example(kind="delete", which=999, where=0, choice=0)
@example(kind="symlink", which=0, where=1, choice=3)
@example(kind="symlink", which=0, where=0, choice=2)
def test_a_damaged_bag_is_never_reported_intact(
    bag: Path, kind: str, which: int, where: int, choice: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve() / "bag"
        shutil.copytree(bag, root)
        canary = Path(folder).resolve() / "canary.txt"
        canary.write_text("outside the bag\n", encoding="utf-8")
        harmless = damage(root, canary, kind, which, where, choice)
        code, opened = verify(root)
        assert code == (0 if harmless else 1)
        outside = [p for p in opened if not _inside(p, root)]
        assert outside == []
