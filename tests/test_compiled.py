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
