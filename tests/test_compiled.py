"""The template compiled once per process gives the bytes a fresh DocxTemplate gives."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.api import validate
from reportgen.rendering.compiled import compiled_template
from reportgen.rendering.context import build_context
from reportgen.rendering.docx_zip import unzip
from reportgen.rendering.render import render_package
from reportgen.schema.load import load_schema

from .conftest import EXAMPLE


def _both(workbook: Path, template: str = "letter") -> tuple[bytes, bytes]:
    report = validate(workbook, template).report
    assert report is not None
    schema, context = load_schema(template), build_context(report)
    cached = render_package(schema, report, context, cached=True)
    return cached, render_package(schema, report, context, cached=False)


def test_cached_and_fresh_renders_are_identical() -> None:
    cached, fresh = _both(EXAMPLE)
    assert unzip(cached)["word/document.xml"] == unzip(fresh)["word/document.xml"]
    assert cached == fresh


def test_identical_with_markup_and_a_doc_number(edited: Callable[..., Path]) -> None:
    path = edited(
        {
            ("基本信息", "B6"): "杭公函〔2018〕12号",
            ("基本信息", "B8"): "A&B <b>粗体</b> {{ title }} {% if 1 %}",
        }
    )
    cached, fresh = _both(path)
    assert cached == fresh


def test_compiled_once_per_file_version(tmp_path: Path) -> None:
    folder = tmp_path / "letter"
    shutil.copytree(load_schema("letter").folder, folder)
    docx = folder / "template.docx"
    first = compiled_template(docx)
    assert first is not None and compiled_template(docx) is first
    stat = docx.stat()
    os.utime(docx, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # edited: read again
    assert compiled_template(docx) is not first


def test_jinja_in_properties_falls_back_to_docxtpl(tmp_path: Path) -> None:
    from docx import Document

    folder = tmp_path / "letter"
    shutil.copytree(load_schema("letter").folder, folder)
    document = Document(str(folder / "template.docx"))
    document.core_properties.subject = "{{ recipient }}"
    document.save(str(folder / "template.docx"))
    assert compiled_template(folder / "template.docx") is None
    cached, fresh = _both(EXAMPLE, template=str(folder))
    assert cached == fresh
    assert "市建设法治政府" in unzip(cached)["docProps/core.xml"].decode()


@pytest.fixture(autouse=True)
def _no_stale_cache() -> None:
    """Templates in tmp folders must not leak between tests through the cache."""
    from reportgen.rendering import compiled

    compiled._compile.cache_clear()


def test_title_and_issuer_with_markup_in_the_properties(edited: Callable[..., Path]) -> None:
    """The kept core.xml gets the values escaped as lxml escapes them."""
    path = edited(
        {
            ("基本信息", "B2"): "A&B<局>“甲”",
            ("基本信息", "B5"): "关于 <x> & {{ y }} 的函",
        }
    )
    cached, fresh = _both(path)
    assert cached == fresh
    core = unzip(cached)["docProps/core.xml"].decode()
    assert "<dc:title>关于 &lt;x&gt; &amp; {{ y }} 的函</dc:title>" in core
    assert "<dc:creator>A&amp;B&lt;局&gt;“甲”</dc:creator>" in core


def test_line_breaks_and_tabs_in_the_data() -> None:
    """docxtpl's listing pass runs when a text holds a tab or a line break. The workbook
    reader joins a cell's lines, so such a text comes from code calling the library."""
    import dataclasses

    report = validate(EXAMPLE, "letter").report
    assert report is not None
    report = dataclasses.replace(report, intro="第一行\n第二行\t制表")
    schema, context = load_schema("letter"), build_context(report)
    cached = render_package(schema, report, context, cached=True)
    assert cached == render_package(schema, report, context, cached=False)
    document = unzip(cached)["word/document.xml"].decode()
    assert "第一行</w:t><w:br/>" in document and "<w:tab/>" in document


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.marshal"))


def _fresh_process(folder: Path, out: Path) -> tuple[bytes, bool]:
    """Build the example in a new Python process with the cache in ``folder``: the .docx and
    whether python-docx was imported."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reportgen.api import build_report\n"
        f"result = build_report(Path({str(EXAMPLE)!r}), Path({str(out)!r}))\n"
        "print(result.outputs[0])\n"
        "print('docx' in sys.modules)\n"
    )
    env = dict(os.environ, REPORTGEN_CACHE=str(folder))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    path, imported = done.stdout.split("\n")[:2]
    return Path(path).read_bytes(), imported == "True"


def test_a_second_run_starts_from_the_disk_cache(tmp_path: Path) -> None:
    """The first process compiles with docxtpl and keeps it; the next one fills the kept
    template without importing python-docx, and writes the same bytes."""
    folder = tmp_path / "cache"
    first, imported_first = _fresh_process(folder, tmp_path / "a")
    assert imported_first and len(_cache_files(folder)) == 1
    second, imported_second = _fresh_process(folder, tmp_path / "b")
    assert not imported_second
    assert second == first
    assert len(_cache_files(folder)) == 1


def test_a_damaged_cache_entry_is_compiled_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first, _ = _fresh_process(folder, tmp_path / "a")
    (entry,) = _cache_files(folder)
    entry.write_bytes(entry.read_bytes()[:500])  # cut short, as by a full disk
    second, imported = _fresh_process(folder, tmp_path / "b")
    assert imported  # not trusted: compiled again
    assert second == first
    assert len(entry.read_bytes()) > 500  # and kept whole this time


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    content, imported = _fresh_process(blocker, tmp_path / "a")
    assert imported and content.startswith(b"PK")


def test_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.rendering import stored

    monkeypatch.setenv("REPORTGEN_CACHE", "off")
    assert stored.cache_folder() is None
    stored.save(b"template", {"compilable": False})
    assert stored.load(b"template") is None


def test_cache_entries_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.rendering import stored

    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path))
    for n in range(stored.KEPT + 5):
        stored.save(b"template %d" % n, {"compilable": False})
        entry = tmp_path / stored.entry_name(b"template %d" % n)
        os.utime(entry, (n + 1, n + 1))  # saved in this order, whatever the clock's grain
    assert len(_cache_files(tmp_path)) == stored.KEPT
    assert stored.load(b"template %d" % (stored.KEPT + 4)) == {
        "compilable": False,
        "format": stored.FORMAT,
    }
    assert stored.load(b"template 0") is None  # the oldest went


def test_an_edited_template_gets_its_own_entry(tmp_path: Path) -> None:
    from reportgen.rendering import stored

    original = load_schema("letter").docx_path.read_bytes()
    assert stored.entry_name(original) == stored.entry_name(original)
    assert stored.entry_name(original) != stored.entry_name(original + b" ")


def _tiny_png() -> bytes:
    """A 1×1 white PNG, written by hand."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">2I5B", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_pictures_get_the_ids_docxtpl_gives(tmp_path: Path) -> None:
    """Drawings are numbered 1001 on in document order, as DocxTemplate numbers them."""
    from docx import Document
    from docx.shared import Mm

    folder = tmp_path / "letter"
    shutil.copytree(load_schema("letter").folder, folder)
    picture = tmp_path / "logo.png"
    picture.write_bytes(_tiny_png())
    document = Document(str(folder / "template.docx"))
    first = document.paragraphs[0]
    for _ in range(2):
        first.insert_paragraph_before().add_run().add_picture(str(picture), width=Mm(5))
    document.save(str(folder / "template.docx"))
    cached, fresh = _both(EXAMPLE, template=str(folder))
    assert cached == fresh
    document_xml = unzip(cached)["word/document.xml"].decode()
    assert 'id="1001"' in document_xml and 'id="1002"' in document_xml
