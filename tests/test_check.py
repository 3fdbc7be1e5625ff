"""reportgen check: our output passes; copies broken by code fail with the right rule."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reportgen.api import BuildOptions, build_report
from reportgen.checking.fonts import font_kind
from reportgen.checking.run import check_document
from reportgen.cli.app import main
from reportgen.core.errors import DocumentError, Severity
from reportgen.schema.load import load_schema

from .conftest import EXAMPLE, EXAMPLE_ANNUAL, rezip

Edit = Callable[[Any], None]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    [docx] = build_report(EXAMPLE, output_dir=tmp_path_factory.mktemp("out")).outputs
    return docx


def _broken(built: Path, tmp_path: Path, edit: Edit) -> Path:
    document = Document(str(built))
    edit(document)
    target = tmp_path / "broken.docx"
    document.save(str(target))
    return target


def _paragraph(document: Any, start: str) -> Any:
    return next(p for p in document.paragraphs if p.text.startswith(start))


def _codes(path: Path, **kwargs: Any) -> dict[str, str]:
    return {f.code: f.place for f in check_document(path, **kwargs)}


def test_our_output_passes(built: Path) -> None:
    assert check_document(built) == []


@pytest.mark.parametrize(
    "options", [{"letterhead": True}, {"seal": True}, {"letterhead": True, "seal": True}]
)
def test_letterhead_and_sealed_output_pass(tmp_path: Path, options: dict[str, bool]) -> None:
    [docx] = build_report(EXAMPLE, output_dir=tmp_path, options=BuildOptions(**options)).outputs
    assert check_document(docx) == []


# ---------------------------------------------------------------- broken copies


def _wrong_font(document: Any) -> None:
    run = _paragraph(document, "2018年，我局").runs[0]
    run._r.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:eastAsia"), "宋体")


def _wrong_margin(document: Any) -> None:
    document.sections[0].left_margin = Mm(20)


def _missing_section(document: Any) -> None:
    heading = _paragraph(document, "二、主要工作")
    heading._p.getparent().remove(heading._p)


def _half_width_brackets(document: Any) -> None:
    run = _paragraph(document, "（一）加强领导抓规划").runs[0]
    run.text = "(一)加强领导抓规划。"


def _date_flush_right(document: Any) -> None:
    date = document.paragraphs[-1]
    date.paragraph_format.left_indent = Pt(0)
    date.paragraph_format.right_indent = Pt(0)
    date.alignment = 2  # right, no right space


def _recipient_half_colon(document: Any) -> None:
    run = _paragraph(document, "市建设法治政府").runs[0]
    run.text = run.text.replace("：", ":")


def _heading_font_in_body(document: Any) -> None:
    run = _paragraph(document, "一、基本数据").runs[0]
    run._r.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:eastAsia"), "仿宋_GB2312")


def _theme_font(document: Any) -> None:
    fonts = _paragraph(document, "2018年，我局").runs[0]._r.get_or_add_rPr().find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")


def _quotes_without_hint(document: Any) -> None:
    # As another program writes them: “ ” in a run whose Latin font is Times New Roman.
    paragraph = next(p for p in document.paragraphs if "“" in p.text)
    for run in paragraph.runs:
        fonts = run._r.get_or_add_rPr().find(qn("w:rFonts"))
        fonts.attrib.pop(qn("w:hint"), None)
        fonts.set(qn("w:ascii"), "Times New Roman")
        fonts.set(qn("w:hAnsi"), "Times New Roman")
    style_fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    style_fonts.attrib.pop(qn("w:hint"), None)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    defaults.find(qn("w:rPr")).find(qn("w:rFonts")).attrib.pop(qn("w:hint"), None)


def _no_first_line_indent(document: Any) -> None:
    _paragraph(document, "2018年，我局").paragraph_format.first_line_indent = Pt(0)
    ind = _paragraph(document, "2018年，我局")._p.pPr.find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "0")


def _one_and_a_half_lines(document: Any) -> None:
    _paragraph(document, "2018年，我局").paragraph_format.line_spacing = 1.5


def _grid_of_21_lines(document: Any) -> None:
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:linePitch"), "600")
    document.styles["Normal"].element.pPr.find(qn("w:spacing")).set(qn("w:line"), "600")


def _letter_paper(document: Any) -> None:
    document.sections[0].page_width = Mm(215.9)
    document.sections[0].page_height = Mm(279.4)


def _page_numbers_both_right(document: Any) -> None:
    even = document.sections[0].even_page_footer.paragraphs[0]
    even.alignment = 2


def _zero_padded_date(document: Any) -> None:
    document.paragraphs[-1].runs[0].text = "2018年01月30日"


def _unusual_closing(document: Any) -> None:
    _paragraph(document, "特此函告").runs[0].text = "就这样吧。"


def _parts_swapped(document: Any) -> None:
    heading = _paragraph(document, "三、存在不足")
    first = _paragraph(document, "二、主要工作")
    following = heading._p.getnext()
    first._p.addprevious(heading._p)
    first._p.addprevious(following)


@pytest.mark.parametrize(
    ("edit", "code", "place"),
    [
        (_wrong_font, "font", "¶5 “2018年，我局在市委、…”"),
        (_wrong_margin, "margins", "页面设置"),
        (_missing_section, "section-missing", "“三、存在不足”"),
        (_half_width_brackets, "bracket", "“(一)加强领导抓规划。…”"),
        (_date_flush_right, "signature", "¶21 “2018年11月30日”"),
        (_recipient_half_colon, "recipient-colon", "“市建设法治政府（依法…”"),
        (_heading_font_in_body, "font", "“一、基本数据”"),
        (_theme_font, "font", "“2018年，我局在市委、…”"),
        (_quotes_without_hint, "punctuation-font", "“"),
        (_no_first_line_indent, "indent", "“2018年，我局在市委、…”"),
        (_one_and_a_half_lines, "line-spacing", "“2018年，我局在市委、…”"),
        (_grid_of_21_lines, "grid", "页面设置"),
        (_letter_paper, "page-size", "页面设置"),
        (_page_numbers_both_right, "page-number", "页脚（偶数页）"),
        (_zero_padded_date, "date-format", "“2018年01月30日”"),
        (_unusual_closing, "closing", "“就这样吧。”"),
        (_parts_swapped, "section-order", ""),
    ],
)
def test_broken_copy_fails_with_its_rule(
    built: Path, tmp_path: Path, edit: Edit, code: str, place: str
) -> None:
    codes = _codes(_broken(built, tmp_path, edit))
    assert code in codes, codes
    assert place in codes[code]


def test_a_finding_names_paragraph_and_rule(built: Path, tmp_path: Path) -> None:
    [finding] = check_document(_broken(built, tmp_path, _half_width_brackets))
    assert finding.severity is Severity.ERROR
    assert (finding.code, finding.sheet) == ("bracket", "")
    assert finding.cell.startswith("¶") and finding.place == finding.cell
    number = int(finding.cell[1:].split()[0])
    assert Document(str(built)).paragraphs[number - 1].text.startswith("（一）加强领导抓规划")


def test_unusual_closing_is_only_a_warning(built: Path, tmp_path: Path) -> None:
    [finding] = check_document(_broken(built, tmp_path, _unusual_closing))
    assert finding.severity is Severity.WARNING


def test_required_parts_come_from_the_schema(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "report"
    shutil.copytree(load_schema("letter").folder, folder)
    schema_file = folder / "schema.toml"
    schema_file.write_text(
        schema_file.read_text(encoding="utf-8").replace(
            'title = "存在不足"', 'title = "下一步打算"'
        ),
        encoding="utf-8",
    )
    findings = check_document(built, load_schema(folder))
    assert [(f.code, f.params["title"]) for f in findings] == [("section-missing", "下一步打算")]


def test_template_is_recorded_in_the_document(built: Path) -> None:
    assert Document(str(built)).core_properties.category == "reportgen:letter"


def test_a_document_without_styles_is_checked_without_crashing(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("关于某事的函").alignment = 1
    document.add_paragraph("某单位:")
    document.add_paragraph("(一)正文。")
    path = tmp_path / "plain.docx"
    document.save(str(path))
    codes = _codes(path)
    assert {"page-size", "margins", "font", "recipient-colon", "bracket", "signature"} <= set(codes)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("仿宋_GB2312", "仿宋"),
        ("FangSong", "仿宋"),
        ("方正小标宋简体", "小标宋"),
        ("楷体_GB2312", "楷体"),
        ("SimHei", "黑体"),
        ("宋体", "宋体"),
        ("Times New Roman", None),
    ],
)
def test_font_kinds(name: str, kind: str | None) -> None:
    assert font_kind(name) == kind


def test_not_a_docx_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DocumentError):
        check_document(path)


def _no_page_setup(document: Any) -> None:
    body = document.element.body
    for sect_pr in body.iter(qn("w:sectPr")):
        sect_pr.getparent().remove(sect_pr)


def test_a_document_without_page_setup_is_one_finding(built: Path, tmp_path: Path) -> None:
    # Word writes w:sectPr in every body, but it is optional and Word opens a body without one.
    path = _broken(built, tmp_path, _no_page_setup)
    # The text is still checked (and passes); only the page setup is reported.
    assert [(f.code, f.cell, f.text("en")) for f in check_document(path)] == [
        (
            "page-setup",
            "页面设置",
            "The document has no page setup, so Word uses its own paper and margins.",
        )
    ]


def test_a_damaged_part_is_a_clean_error(built: Path, tmp_path: Path) -> None:
    path = rezip(built, tmp_path / "damaged.docx", _cut_styles)
    with pytest.raises(DocumentError) as caught:
        check_document(path)
    assert caught.value.text("en") == (
        f"{path}: the file is damaged or incomplete (was it copied while still being saved?). "
        "Copy it again from where it was saved, or open and re-save it."
    )


def test_a_package_without_its_document_part_is_damaged(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "partless.docx"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            if name != "word/document.xml":
                target.writestr(name, source.read(name))
    with pytest.raises(DocumentError, match="damaged or incomplete"):
        check_document(path)


def _cut_styles(name: str, data: bytes) -> bytes:
    return data[: len(data) // 2] if name == "word/styles.xml" else data


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_check_clean(built: Path) -> None:
    code, out, _err = _run("check", str(built))
    assert (code, out.strip()) == (0, f"{built}：没有发现问题。")


def test_cli_check_reports_and_exits_1(built: Path, tmp_path: Path) -> None:
    broken = _broken(built, tmp_path, _half_width_brackets)
    code, out, _err = _run("check", str(broken))
    assert code == 1
    assert out.splitlines()[0] == f"[{broken}]"
    assert out.splitlines()[1].startswith("  错误 ¶11 “(一)加强领导抓规划。…”: ")


def test_cli_check_json(built: Path, tmp_path: Path) -> None:
    broken = _broken(built, tmp_path, _wrong_margin)
    code, out, _err = _run("check", str(broken), "--format", "json")
    assert code == 1
    findings = {f["code"]: f for f in json.loads(out)}
    assert (findings["margins"]["cell"], findings["margins"]["sheet"]) == ("页面设置", "")
    assert findings["grid"]["severity"] == "error"  # 20 mm instead of 28: 29 characters a line


def test_cli_check_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_text("no", encoding="utf-8")
    code, _out, err = _run("check", str(path))
    assert code == 2 and err.startswith("reportgen: ") and "Traceback" not in err


def test_annual_report_with_year_titles_passes_and_a_missing_part_is_named(
    tmp_path: Path,
) -> None:
    # Its part titles are patterns ({year}年度…, {next_year}年度…): the document shows them filled.
    [docx] = build_report(EXAMPLE_ANNUAL, output_dir=tmp_path / "out").outputs
    assert check_document(docx) == []
    document = Document(str(docx))
    heading = _paragraph(document, "四、2024年度推进法治政府建设的主要安排")
    heading.text = "四、下一步工作安排"
    broken = tmp_path / "broken.docx"
    document.save(str(broken))
    findings = [f for f in check_document(broken) if f.code == "section-missing"]
    assert [f.params["title"] for f in findings] == ["××××年度推进法治政府建设的主要安排"]
    assert findings[0].cell.startswith("¶") and "五、其他需要报告" in findings[0].cell


def test_cli_check_of_the_workbook_says_to_build_it() -> None:
    code, out, err = _run("check", str(EXAMPLE))
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"reportgen: {EXAMPLE}：这是 Excel 工作簿，不是 Word 文档（.docx）。"
        f"请先用它生成文档：reportgen build {EXAMPLE}"
    )
