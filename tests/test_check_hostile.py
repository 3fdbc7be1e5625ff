"""reportgen check on unusual and malformed documents: a finding or a clean refusal, never a
traceback, and work bounded by the size limits."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.api import build_report
from reportgen.checking import document as checked_document
from reportgen.checking.run import check_document
from reportgen.cli.app import main
from reportgen.core.errors import DocumentError

from .conftest import EXAMPLE, rezip

DOCUMENT = "word/document.xml"
_BODY_PARAGRAPH = re.compile(r"<w:p><w:pPr/><w:r>.*?</w:p>")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    [docx] = build_report(EXAMPLE, output_dir=tmp_path_factory.mktemp("out")).outputs
    return docx


def _rewritten(
    built: Path, target: Path, edit: Callable[[str], str], member: str = DOCUMENT
) -> Path:
    """A copy of ``built`` with ``member``'s XML passed through ``edit`` (which must change it)."""

    def transform(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        changed = edit(data.decode("utf-8"))
        assert changed != data.decode("utf-8"), "the edit found nothing to change"
        return changed.encode("utf-8")

    return rezip(built, target, transform)


def _check(path: Path) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, ["--lang", "en", "check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_fractional_twips_are_read_as_numbers(built: Path, tmp_path: Path) -> None:
    # Real tools write w:left="1587.5"; python-docx's int() ended check in a traceback.
    path = _rewritten(
        built, tmp_path / "half.docx", lambda s: s.replace('w:left="1587"', 'w:left="1587.5"')
    )
    assert _check(path) == (0, [f"{path}: no problems found."], "")


def test_universal_measures_are_read(built: Path, tmp_path: Path) -> None:
    path = _rewritten(
        built, tmp_path / "mm.docx", lambda s: s.replace('w:top="2098"', 'w:top="37mm"')
    )
    assert _check(path) == (0, [f"{path}: no problems found."], "")


def test_a_paper_size_that_is_no_number(built: Path, tmp_path: Path) -> None:
    path = _rewritten(built, tmp_path / "a4.docx", lambda s: s.replace('w:w="11906"', 'w:w="A4"'))
    code, lines, err = _check(path)
    assert (code, err) == (1, "")
    assert lines[:3] == [
        f"[{path}]",
        "  error 页面设置: w:pgSz w:w=“A4” is not a number Word understands; check took it "
        "as unset. — Set this again in Word or WPS (paragraph, font or page setup) and save it.",
        "  error 页面设置: The paper is 0 × 297 mm; GB/T 9704 wants A4, 210 × 297 mm. — Set "
        "the paper size to A4 in the page setup.",
    ]


def test_a_character_grid_of_no_width(built: Path, tmp_path: Path) -> None:
    # charSpace="-65536" is schema-valid; it made the character pitch 0 (ZeroDivisionError).
    grid = 'w:type="linesAndChars" w:charSpace="-65536"'
    path = _rewritten(built, tmp_path / "grid.docx", lambda s: s.replace('w:type="lines"', grid))
    code, lines, _err = _check(path)
    assert code == 1
    assert lines[1].startswith(
        "  error 页面设置: The page holds 22 lines of 0 characters; GB/T 9704 wants 22 × 28."
    )


def test_a_font_size_that_is_no_number_is_named_once_at_its_paragraph(
    built: Path, tmp_path: Path
) -> None:
    def edit(xml: str) -> str:
        return xml.replace(
            'w:hint="eastAsia"/></w:rPr>', 'w:hint="eastAsia"/><w:sz w:val="big"/></w:rPr>'
        )

    path = _rewritten(built, tmp_path / "sz.docx", edit)
    code, lines, _err = _check(path)
    unreadable = [line for line in lines if "is not a number" in line]
    assert code == 1
    assert unreadable == [
        "  error ¶1 “杭州市公安局关于”: w:sz w:val=“big” is not a number Word understands; "
        "check took it as unset. — Set this again in Word or WPS (paragraph, font or page "
        "setup) and save it."
    ]


@pytest.mark.parametrize(
    "value", ["x", "nan", "inf", "1e400", "9" * 5000, "200.5", "-0", "", " 12 ", "１２"]
)
def test_indents_of_any_value(built: Path, tmp_path: Path, value: str) -> None:
    ind = f'<w:pPr><w:ind w:firstLineChars="{value}" w:left="{value}" w:hanging="{value}"/></w:pPr>'
    path = _rewritten(built, tmp_path / "ind.docx", lambda s: s.replace("<w:pPr/>", ind, 1))
    findings = check_document(path)
    assert all(f.place for f in findings)


def test_a_footer_reference_to_no_part(built: Path, tmp_path: Path) -> None:
    # python-docx raised KeyError for the dangling relationship id.
    def edit(xml: str) -> str:
        return xml.replace('w:type="even" r:id="rId10"', 'w:type="even" r:id="rId999"')

    path = _rewritten(built, tmp_path / "footer.docx", edit)
    code, lines, _err = _check(path)
    assert code == 1
    assert lines[1] == (
        "  error 页脚（偶数页）: The footer has no page number. — Insert a PAGE field as “— N —”."
    )


def test_an_on_off_setting_python_docx_refuses(built: Path, tmp_path: Path) -> None:
    # ST_OnOff "maybe": python-docx raised InvalidXmlError; any value but 0/false/off is on.
    def edit(xml: str) -> str:
        return xml.replace("<w:evenAndOddHeaders/>", '<w:evenAndOddHeaders w:val="maybe"/>')

    path = _rewritten(built, tmp_path / "onoff.docx", edit, member="word/settings.xml")
    assert _check(path) == (0, [f"{path}: no problems found."], "")


def test_a_styles_relationship_to_another_part(built: Path, tmp_path: Path) -> None:
    def edit(xml: str) -> str:
        return xml.replace('Target="styles.xml"', 'Target="fontTable.xml"')

    path = _rewritten(built, tmp_path / "styles.docx", edit, member="word/_rels/document.xml.rels")
    code, _lines, err = _check(path)  # findings without styles, or refused as damaged
    assert (code, err) in ((0, ""), (1, "")) or (
        code == 2 and err.startswith(f"reportgen: {path}: ")
    )


_ATTRIBUTE = re.compile(
    r'(w:(?:w|h|top|bottom|left|right|linePitch|charSpace|val|line|firstLine)=)"[^"]*"'
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.lists(st.text(max_size=12), min_size=1, max_size=6), seed=st.integers(0, 50))
def test_any_attribute_values_give_findings(
    built: Path, tmp_path: Path, values: list[str], seed: int
) -> None:
    from xml.sax.saxutils import quoteattr

    def edit(xml: str) -> str:
        count = iter(range(10**6))

        def replace(match: re.Match[str]) -> str:
            n = next(count)
            if (n + seed) % 7:
                return match.group(0)
            text = "".join(ch for ch in values[n % len(values)] if ch.isprintable())
            return match.group(1) + quoteattr(text)

        return _ATTRIBUTE.sub(replace, xml) + " "

    path = _rewritten(built, tmp_path / "fuzz.docx", edit)
    with contextlib.suppress(DocumentError):  # a clean refusal is fine; anything else is a bug
        check_document(path)


def test_more_paragraphs_than_check_reads(built: Path, tmp_path: Path) -> None:
    many = checked_document.MAX_PARAGRAPHS + 1

    def edit(xml: str) -> str:
        return xml.replace("<w:body>", "<w:body>" + "<w:p/>" * many, 1)

    path = _rewritten(built, tmp_path / "long.docx", edit)
    code, lines, err = _check(path)
    assert (code, lines) == (2, [])
    assert err.strip() == (
        f"reportgen: {path}: the document has more than 50,000 paragraphs, more than check "
        "reads (a letter has a few hundred). Check the letter on its own, not a collection."
    )


def test_more_runs_than_check_reads(built: Path, tmp_path: Path) -> None:
    many = checked_document.MAX_RUNS + 1

    def edit(xml: str) -> str:
        return xml.replace("<w:body>", "<w:body><w:p>" + "<w:r/>" * many + "</w:p>", 1)

    path = _rewritten(built, tmp_path / "runs.docx", edit)
    with pytest.raises(DocumentError) as caught:
        check_document(path)
    assert caught.value.text("en") == (
        f"{path}: the document has more than 100,000 runs of text, more than check reads "
        "(a letter has a few thousand). Check the letter on its own, not a collection."
    )


def test_check_is_linear_in_paragraphs(built: Path, tmp_path: Path) -> None:
    # 6,000 body paragraphs took some 40 s when every paragraph re-read the sections.
    def edit(xml: str) -> str:
        match = _BODY_PARAGRAPH.search(xml)
        assert match is not None
        short = re.sub(
            r"<w:t xml:space=\"preserve\">[^<]*</w:t>", "<w:t>我局加强领导。</w:t>", match.group(0)
        )
        return xml[: match.end()] + short * 6000 + xml[match.end() :]

    path = _rewritten(built, tmp_path / "many.docx", edit)
    script = (
        "import sys; from pathlib import Path; from reportgen.checking.run import check_document; "
        "print(len(check_document(Path(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "0", "")
