"""Never a traceback, for documents and template folders as for workbooks (tests/test_api.py):
whatever a damaged .docx or template folder holds, every command that reads it ends in its
findings or one clear message, never in an exception of a library."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.api import build_report
from reportgen.cli.app import main

from .conftest import EXAMPLE, ROOT

LETTER_TEMPLATE = ROOT / "templates" / "letter"
_EXAMPLES = int(os.environ.get("REPORTGEN_EXAMPLES", "0"))
_SETTINGS = settings(
    max_examples=_EXAMPLES or 12,
    deadline=None,
    derandomize=not _EXAMPLES,  # the same examples on every CI run
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_MEMBER_TEXT = st.sampled_from(
    [
        b"",
        b"not xml at all",
        b"<?xml version='1.0'?><w:document/>",
        b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
        b"<w:body><w:p><w:pPr><w:ind w:left='1587.5' w:firstLine='x'/></w:pPr></w:p>"
        b"<w:sectPr><w:pgSz w:w='A4'/><w:docGrid w:charSpace='-65536'/></w:sectPr>"
        b"</w:body></w:document>",
        "\ufeff中文".encode(),
    ]
)


@pytest.fixture(scope="module")
def built_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example letter as reportgen builds it."""
    [docx] = build_report(EXAMPLE, output_dir=tmp_path_factory.mktemp("out")).outputs
    return docx


def damaged(content: bytes, how: str, where: int, text: bytes) -> bytes:
    """``content`` (a .docx) damaged the way copies, disks and people do; ``where`` (0–999)
    says where, in thousandths of the file or of its list of members."""
    if how == "truncate":
        return content[: len(content) * where // 1000]
    if how == "flip":
        data = bytearray(content)
        start = (len(data) - 64) * where // 1000
        data[start : start + 32] = bytes(b ^ 0xA5 for b in data[start : start + 32])
        return bytes(data)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        members = {i.filename: package.read(i) for i in package.infolist()}
    name = sorted(members)[len(members) * where // 1000]
    if how == "drop":
        del members[name]
    else:  # replace a member's content
        members[name] = text
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for member, data in members.items():
            package.writestr(member, data)
    return out.getvalue()


def run(*args: str) -> int:
    """Run a command; a traceback (any exception but SystemExit) fails the test."""
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"reportgen {' '.join(args)} raised") from result.exception
    assert "Traceback" not in result.output
    return result.exit_code


_HOW = st.sampled_from(["truncate", "flip", "drop", "replace"])
_WHERE = st.integers(0, 999)


@_SETTINGS
@given(how=_HOW, where=_WHERE, text=_MEMBER_TEXT)
def test_a_damaged_docx_ends_in_findings_or_a_message(
    built_docx: Path, how: str, where: int, text: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.docx"
        path.write_bytes(damaged(built_docx.read_bytes(), how, where, text))
        assert run("check", str(path)) in (0, 1, 2)
        out = Path(folder) / "imported.xlsx"
        code = run("import", str(path), "-o", str(out))
        assert code in (0, 2)
        assert out.exists() == (code == 0)


@_SETTINGS
@given(how=_HOW, where=_WHERE, text=_MEMBER_TEXT)
def test_a_damaged_template_docx_ends_in_findings_or_a_message(
    how: str, where: int, text: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "mine"
        shutil.copytree(LETTER_TEMPLATE, template)
        docx = template / "template.docx"
        docx.write_bytes(damaged(docx.read_bytes(), how, where, text))
        assert run("templates", "lint", str(template)) in (0, 1, 2)
        out = Path(folder) / "out"
        code = run("build", str(EXAMPLE), "-t", str(template), "-o", str(out))
        assert code in (0, 2)
        assert out.exists() == (code == 0)


_SCHEMA_EDITS = st.sampled_from(
    [
        ("\n", "\n\n[[parts]]\n"),
        ('type = "date"', 'type = "integer"'),
        ('type = "integer"', 'type = "text"'),
        ("required = true", 'required = "yes"'),
        ("[[fields]]", "[[field]]"),
        ('"', "'''"),
        ("=", "= ="),
        ("{year}", "{year:>9}"),
        ("{issuer}", "{issuer.__class__}"),
    ]
)


@_SETTINGS
@given(edit=_SCHEMA_EDITS, count=st.integers(1, 3))
def test_a_broken_schema_ends_in_findings_or_a_message(edit: tuple[str, str], count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "mine"
        shutil.copytree(LETTER_TEMPLATE, template)
        schema = template / "schema.toml"
        old, new = edit
        schema.write_text(schema.read_text("utf-8").replace(old, new, count), "utf-8")
        assert run("templates", "lint", str(template)) in (0, 1, 2)
        out = Path(folder) / "out"
        code = run("build", str(EXAMPLE), "-t", str(template), "-o", str(out))
        assert code in (0, 1, 2)
        assert out.exists() == (code == 0)
