"""Interrupts and child processes, names and consoles (issue 11): Ctrl-C and SIGTERM end
LibreOffice and leave no staging folder, file names lose invisible characters and fit in 255
bytes, output never fails on a console's encoding, LibreOffice fetches nothing."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Inches
from lxml import etree

from reportgen import conversion
from reportgen.api import BuildOptions, build_report
from reportgen.cli.app import main
from reportgen.conversion import ConversionError, convert_to_pdf, write_profile
from reportgen.core.errors import SourceError
from reportgen.core.files import NAME_BYTES, atomic_path, safe_filename
from reportgen.core.model import Point
from reportgen.yearly import diff as diff_module
from reportgen.yearly.diff import Piece, char_diff
from reportgen.yearly.importer import CELL_LIMIT, import_document
from reportgen.yearly.source import read_source

from .conftest import EXAMPLE, LETTER
from .test_office import alive

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
CLI = [sys.executable, "-c", "from reportgen.cli.app import main; main()"]
TITLE = ("基本信息", "B5")


# ---------------------------------------------------------------- the console


def test_a_gbk_console_gets_escapes_not_a_traceback(edited: Callable[..., Path]) -> None:
    workbook = edited({TITLE: "关于🎉工作的函"})
    out = workbook.parent / "out"
    env = dict(os.environ, PYTHONIOENCODING="gbk", REPORTGEN_LANG="en")
    run = subprocess.run(
        [*CLI, "build", str(workbook), "-o", str(out)], capture_output=True, env=env, timeout=60
    )
    stdout, stderr = run.stdout.decode("gbk"), run.stderr.decode("gbk")
    assert run.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "关于\\U0001f389工作的函.docx" in stdout  # the emoji as an escape, the rest as is
    assert (out / "2018" / "关于🎉工作的函.docx").is_file()


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("关于工作的函\u202efdp.exe", "关于工作的函fdp.exe"),  # RIGHT-TO-LEFT OVERRIDE
        ("关于\u200b工作\u2066的函\u2069", "关于工作的函"),  # zero-width space, bidi isolates
        ("关于\u00ad工作\ufeff的函", "关于工作的函"),  # soft hyphen, BOM
        ("关于\u2028工作\u2029的函", "关于工作的函"),  # line and paragraph separators
        ("关于\ud83d工作的函", "关于工作的函"),  # a lone surrogate: no file system stores it
        ("关于\x85\x9f工作的函", "关于工作的函"),  # C1 controls
    ],
)
def test_names_lose_invisible_characters(title: str, name: str) -> None:
    assert safe_filename(title) == name


def test_names_are_capped_in_bytes_at_a_character() -> None:
    name = safe_filename("𠀀" * 80)  # 80 characters, 320 bytes
    assert name == "𠀀" * (NAME_BYTES // 4)
    assert len(safe_filename("关" * 100).encode()) <= NAME_BYTES  # 3-byte characters
    assert safe_filename("a" * 300) == "a" * 120  # the character limit still holds


def test_a_title_of_four_byte_characters_builds(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    workbook = edited({TITLE: "𠀀" * 80})
    result = build_report(workbook, tmp_path / "out", options=BuildOptions())
    [docx] = result.outputs
    assert docx.is_file() and len(docx.name.encode()) <= 255


def test_a_symlinked_output_does_not_take_its_targets_mode(tmp_path: Path) -> None:
    elsewhere = tmp_path / "program"
    elsewhere.write_bytes(b"#!/bin/sh\n")
    elsewhere.chmod(0o4755)  # setuid, executable
    target = tmp_path / "letter.docx"
    target.symlink_to(elsewhere)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"PK")
    mask = os.umask(0)
    os.umask(mask)
    assert not target.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o4755 and elsewhere.read_bytes()


def test_a_replaced_files_special_bits_are_not_kept(tmp_path: Path) -> None:
    target = tmp_path / "letter.docx"
    target.write_bytes(b"old")
    target.chmod(0o6775)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664  # read and write kept, no more


# ---------------------------------------------------------------- LibreOffice


def _fake_soffice(tmp_path: Path, body: str) -> Callable[[], str]:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!{sys.executable}\nimport sys, pathlib\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return lambda: str(script)


def test_a_non_pdf_from_libreoffice_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    body = (
        "out = pathlib.Path(sys.argv[sys.argv.index('--outdir') + 1]); out.mkdir(exist_ok=True)\n"
        "(out / pathlib.Path(sys.argv[-1]).with_suffix('.pdf').name)"
        ".write_text('<html>error</html>')\nprint('converted')"
    )
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", "off")  # one soffice --convert-to run
    monkeypatch.setattr(conversion, "soffice", _fake_soffice(tmp_path, body))
    docx = tmp_path / "a.docx"
    Document().save(str(docx))
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([docx], tmp_path / "out")
    assert str(caught.value) == f"LibreOffice wrote no PDF for {docx}: converted"
    assert not (tmp_path / "out" / "a.pdf").exists()


def test_a_hanging_libreoffice_says_the_docx_was_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", "off")  # one soffice --convert-to run
    monkeypatch.setattr(
        conversion, "soffice", _fake_soffice(tmp_path, "import time; time.sleep(60)")
    )
    monkeypatch.setitem(convert_to_pdf.__kwdefaults__, "timeout", 1)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--lang", "en", "build", str(EXAMPLE), "--pdf", "-o", str(out)]
    )
    [docx] = (out / "2018").glob("*.docx")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"reportgen: LibreOffice did not finish within 1 seconds; no PDF was written for {docx}.",
        f"reportgen: already written, complete: {docx}",
    ]


def test_the_profile_forbids_links_and_macros(tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "profile")
    tree = etree.parse(str(profile / "user" / "registrymodifications.xcu"))
    oor = "{http://openoffice.org/2001/registry}"
    settings = {
        (item.get(f"{oor}path"), prop.get(f"{oor}name")): prop.findtext("value")
        for item in tree.getroot()
        for prop in item
    }
    scripting = "/org.openoffice.Office.Common/Security/Scripting"
    assert settings[(scripting, "BlockUntrustedRefererLinks")] == "true"
    assert settings[(scripting, "SecureURL")] == ""  # no trusted location
    assert settings[("/org.openoffice.Office.Writer/Content/Update", "Link")] == "0"  # never
    assert settings[(scripting, "DisableMacrosExecution")] == "true"


def _png(path: Path) -> Path:
    """A small red square."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 20 for _ in range(20))
    header = struct.pack(">IIBBBBB", 20, 20, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def _linked_picture_docx(tmp_path: Path) -> Path:
    """A .docx whose one picture is not in it but linked to a local file (file://)."""
    embedded = tmp_path / "embedded.docx"
    document = Document()
    document.add_paragraph("linked picture below")
    document.add_picture(str(_png(tmp_path / "secret.png")), width=Inches(1))
    document.save(str(embedded))
    linked = tmp_path / "linked.docx"
    with zipfile.ZipFile(embedded) as source, zipfile.ZipFile(linked, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                link = f'Target="{(tmp_path / "secret.png").as_uri()}" TargetMode="External"'
                data = re.sub(rb'Target="media/[^"]+"', link.encode(), data)
            elif info.filename == "word/document.xml":
                data = data.replace(b"r:embed=", b"r:link=")
            elif info.filename.startswith("word/media/"):
                continue
            target.writestr(info, data)
    return linked


@needs_soffice
@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler is not installed")
def test_libreoffice_does_not_load_a_linked_picture(tmp_path: Path) -> None:
    [pdf] = convert_to_pdf([_linked_picture_docx(tmp_path)], tmp_path / "out")
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len(listing.strip().splitlines()) == 2  # the header only: no picture


# ---------------------------------------------------------------- interrupts


def _offices(ancestor: int) -> list[int]:
    """LibreOffice processes started, at any depth, by process ``ancestor`` (a one-shot run,
    or a worker's behind its UNO bridge)."""
    parents: dict[int, int] = {}
    lines: dict[int, list[bytes]] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(proc.name)] = int((proc / "stat").read_text().split(")")[-1].split()[1])
            lines[int(proc.name)] = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue

    def descends(pid: int) -> bool:
        seen = set()
        while pid not in seen and pid > 1:
            seen.add(pid)
            pid = parents.get(pid, 0)
            if pid == ancestor:
                return True
        return False

    return [
        pid
        for pid, words in lines.items()
        if any(w.startswith(b"-env:UserInstallation") for w in words) and descends(pid)
    ]


def _wait_for(condition: Callable[[], object], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)


@needs_soffice
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
@pytest.mark.parametrize(
    ("command", "sig"),
    [
        (["build", str(EXAMPLE), "--pdf"], signal.SIGINT),
        (["build", str(EXAMPLE), str(EXAMPLE), "--pdf"], signal.SIGTERM),
        (["archive", str(EXAMPLE)], signal.SIGINT),
    ],
    ids=["build-sigint", "batch-sigterm", "archive-sigint"],
)
def test_an_interrupt_ends_libreoffice_and_leaves_no_staging(
    tmp_path: Path, command: list[str], sig: signal.Signals
) -> None:
    out = tmp_path / "out"
    env = dict(os.environ, REPORTGEN_LANG="en")
    process = subprocess.Popen(
        [*CLI, "--lang", "en", *command, "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        _wait_for(lambda: _offices(process.pid) or process.poll() is not None)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        offices = _offices(process.pid)
        process.send_signal(sig)
        _stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    text = stderr.decode()
    assert process.returncode == 128 + sig, text
    assert "Traceback" not in text
    assert text.startswith("reportgen: interrupted; nothing more was written.")
    _wait_for(lambda: not any(alive(pid) for pid in offices), seconds=10)
    assert not list(out.rglob(".reportgen-*"))
    assert not list(out.rglob("*.pdf"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")
def test_ctrl_c_during_a_parallel_batch_stops_it_cleanly(tmp_path: Path) -> None:
    workbooks = []
    for n in range(12):
        workbooks.append(tmp_path / f"w{n}.xlsx")
        shutil.copy(EXAMPLE, workbooks[-1])
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*CLI, "--lang", "en", "build", *map(str, workbooks), "-j", "2", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so that Ctrl-C can be sent to all of it, as a terminal does
    )
    try:
        _wait_for(lambda: list(out.glob(".reportgen-batch-*/*")) or process.poll() is not None)
        os.killpg(process.pid, signal.SIGINT)
        _stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = stderr.decode()
    assert process.returncode == 130, text
    assert "Traceback" not in text
    assert text.strip() == "reportgen: interrupted; nothing more was written."
    assert not list(out.rglob(".reportgen-*")) and not list(out.rglob("*.docx"))


# ---------------------------------------------------------------- import


def test_import_refuses_a_text_longer_than_a_cell(tmp_path: Path) -> None:
    lines = LETTER.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if "一是强化组织领导。" in line)
    lines[at] = lines[at].replace("一是强化组织领导。", "一是强化组织领导。" + "长" * CELL_LIMIT)
    source = tmp_path / "long.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "long.xlsx"
    with pytest.raises(SourceError) as caught:
        import_document(source, target)
    text = caught.value.text("en")
    assert text.startswith(f"{source}, 第{at + 1}行: this text is ")
    assert "more than an Excel cell holds (32767); it would go to the 主要工作 sheet." in text
    assert not target.exists()  # nothing cut, nothing written


def test_import_keeps_a_text_that_just_fits(tmp_path: Path) -> None:
    lines = LETTER.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if "一是强化组织领导。" in line)
    body_start = lines[at].index("一是强化组织领导。") + len("一是强化组织领导。")
    body_end = lines[at].find("二是", body_start)
    lines[at] = lines[at][:body_start] + "长" * (CELL_LIMIT - 1) + "。" + lines[at][body_end:]
    source = tmp_path / "fits.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    result, _schema = import_document(source, tmp_path / "fits.xlsx")
    [work] = [p for p in result.report.parts if p.key == "main_work"]
    assert len(work.sections[0].points[0].body) == CELL_LIMIT


def test_a_word_file_named_txt_is_read_as_word(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    document = Document()
    document.add_paragraph("市政府办公室：")
    document.save(str(path))
    source = read_source(path)
    assert [line.place for line in source.lines] == ["第1段"] and not source.plain_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n", "a PDF cannot be imported"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 8, "old Word/WPS file"),
        (EXAMPLE.read_bytes(), "this is an Excel workbook"),
    ],
)
def test_a_file_named_txt_is_told_by_its_bytes(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert message in caught.value.text("en")


# ---------------------------------------------------------------- diff


def _points(seed: int, count: int) -> list[Point]:
    """``count`` points of made-up Chinese text, none alike."""
    rnd = random.Random(seed)
    letters = [chr(0x4E00 + n) for n in range(0, 6000, 7)]

    def text(n: int) -> str:
        return "".join(rnd.choice(letters) for _ in range(n))

    return [Point(text(10), text(rnd.randint(60, 150))) for _ in range(count)]


def _edited(points: list[Point], seed: int) -> list[Point]:
    """The points with a few characters of every third body changed, then shuffled."""
    rnd = random.Random(seed)
    new = [
        Point(p.title, p.body[:20] + "改动" + p.body[22:]) if n % 3 == 0 else p
        for n, p in enumerate(points)
    ]
    rnd.shuffle(new)
    return new


def test_matching_a_large_set_finds_the_same_pairs_as_scoring_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = _points(1, 300)  # 300 × 300 pairs: past EXHAUSTIVE_PAIRS
    new = _edited(old, 2)[:250] + _points(3, 50)
    assert len(old) * len(new) > diff_module.EXHAUSTIVE_PAIRS
    found = diff_module.match(old, new, diff_module._point_texts)
    monkeypatch.setattr(diff_module, "EXHAUSTIVE_PAIRS", 10**9)
    assert found == diff_module.match(old, new, diff_module._point_texts)
    assert len(found) == 250


def test_matching_1980_points_is_bounded() -> None:
    old = _points(4, 1980)  # 1980 × 1980 pairs would take minutes and a gigabyte
    new = _edited(old, 5)
    at = {point.title: i for i, point in enumerate(old)}
    pairs = diff_module.match(old, new, diff_module._point_texts)
    assert pairs == sorted((at[point.title], j) for j, point in enumerate(new))


def test_a_long_repeated_text_is_compared_quickly() -> None:
    old, new = "长" * 32_000, "长" * 16_000 + "短" + "长" * 16_000
    assert char_diff(old, new) == (
        Piece("equal", "长" * 16_000),
        Piece("insert", "短"),
        Piece("equal", "长" * 16_000),
    )
    unlike = char_diff("甲乙" * 16_000, "丙" * 30_000)
    assert unlike == (Piece("delete", "甲乙" * 16_000), Piece("insert", "丙" * 30_000))


_SWALLOWING = """
import os, signal, sys, time
from reportgen.cli.base import interrupts_end_cleanly
with interrupts_end_cleanly("en"):
    try:  # third-party code that catches everything (lxml's module set-up does)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(2)
    except BaseException:
        pass
    print("swallowed", flush=True)
    for _ in range(200):  # the rest of the command: the signal must still end it
        time.sleep(0.05)
print("finished", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX interval timers")
def test_an_interrupt_swallowed_by_other_code_still_ends_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SWALLOWING], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stdout == "swallowed\n"  # it went on, then the signal came again
    assert done.stderr.startswith("reportgen: interrupted; nothing more was written.")
    assert "Traceback" not in done.stderr


_CLEANING_UP = """
import os, signal, time
from reportgen.cli.base import interrupts_end_cleanly
with interrupts_end_cleanly("en"):
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(2)
    finally:
        time.sleep(0.5)  # a cleanup ten times the redelivery's period: never cut short
        print("cleaned up", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX interval timers")
def test_the_redelivered_interrupt_lets_cleanups_finish() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CLEANING_UP], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stdout == "cleaned up\n"
    assert "Traceback" not in done.stderr
