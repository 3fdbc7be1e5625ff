"""The built example, reopened: text line for line, page, fonts, sizes, indents, footers."""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from reportgen.api import BuildOptions, build_report

from .conftest import EXAMPLE, EXAMPLE_ANNUAL, LETTER, docx_lines, docx_paragraphs, docx_text

TWIPS_PER_EMU = 1 / 635


def _same(text: str) -> str:
    """Full- and half-width punctuation treated alike."""
    return unicodedata.normalize("NFKC", text).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    [docx] = build_report(EXAMPLE, output_dir=out).outputs
    return docx


@pytest.fixture(scope="module")
def document(built: Path):  # noqa: ANN201 - a python-docx Document
    return Document(str(built))


def _twips(length: int | None) -> int:
    return round((length or 0) * TWIPS_PER_EMU)


def test_output_path_is_year_and_title(built: Path) -> None:
    assert built.parent.name == "2018"
    assert built.name == "杭州市公安局关于2018年度法治政府建设工作情况的函.docx"


def test_every_line_of_the_letter_in_order(built: Path) -> None:
    expected = [
        _same(line) for line in LETTER.read_text(encoding="utf-8").splitlines()[1:] if line.strip()
    ]
    paragraphs = [_same(p) for p in docx_paragraphs(built) if p.strip()]
    assert paragraphs[:2] == ["杭州市公安局关于", "2018年度法治政府建设工作情况的函"]
    assert paragraphs[2:] == expected


def test_page_is_a4_with_gbt9704_margins(document) -> None:  # noqa: ANN001
    section = document.sections[0]
    assert (_twips(section.page_width), _twips(section.page_height)) == (11906, 16838)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(_twips(m) for m in margins) == (2098, 1984, 1587, 1474)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"


def _style_font(document, name: str) -> tuple[str | None, float | None]:  # noqa: ANN001
    style = document.styles[name]
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")), style.font.size.pt if style.font.size else None


@pytest.mark.parametrize(
    ("style", "font", "size"),
    [
        ("Normal", "仿宋_GB2312", 16),
        ("公文标题", "方正小标宋简体", 22),
        ("主送机关", "仿宋_GB2312", 16),
        ("一级标题", "黑体", 16),
        ("署名", "仿宋_GB2312", 16),
        ("成文日期", "仿宋_GB2312", 16),
        ("页码", "宋体", 14),
    ],
)
def test_style_fonts_and_sizes(document, style: str, font: str, size: int) -> None:  # noqa: ANN001
    assert _style_font(document, style) == (font, size)


def test_no_theme_font_can_override_east_asian_fonts(built: Path) -> None:
    with zipfile.ZipFile(built) as package:
        xml = package.read("word/styles.xml").decode() + package.read("word/document.xml").decode()
    assert "eastAsiaTheme" not in xml and "asciiTheme" not in xml


def _by_text(document, start: str):  # noqa: ANN001, ANN202
    return next(p for p in document.paragraphs if p.text.startswith(start))


def test_parts_have_their_styles_and_indents(document) -> None:  # noqa: ANN001
    title = document.paragraphs[0]
    assert title.style.name == "公文标题"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    recipient = _by_text(document, "市建设法治政府")
    assert recipient.style.name == "主送机关" and recipient.text.endswith("：")
    assert _twips(recipient.style.paragraph_format.first_line_indent) == 0
    assert _by_text(document, "一、基本数据").style.name == "一级标题"
    body = _by_text(document, "2018年，我局")
    assert _twips(body.style.paragraph_format.first_line_indent) == 632  # two characters


def test_run_in_heading_is_kai_then_fang_song(document) -> None:  # noqa: ANN001
    paragraph = _by_text(document, "（一）加强领导抓规划。")
    lead, body = paragraph.runs[0], paragraph.runs[1]
    assert lead.text == "（一）加强领导抓规划。"
    assert lead.style.name == "二级标题"
    assert lead.style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    assert body.text.startswith("一是强化组织领导。")
    assert body._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_signature_and_date_by_the_unsealed_rule(document) -> None:  # noqa: ANN001
    issuer, date = document.paragraphs[-2], document.paragraphs[-1]
    assert (issuer.text, date.text) == ("杭州市公安局", "2018年11月30日")
    assert document.paragraphs[-3].text == ""  # one blank line under the body
    char = 8845 / 28
    # 杭州市公安局 right-spaced 5 starts at 28 − 5 − 6 = 17; the date two characters later.
    assert _twips(issuer.paragraph_format.left_indent) == round(17 * char)
    assert _twips(date.paragraph_format.left_indent) == round(19 * char)
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_footers_carry_page_fields_on_both_sides(document) -> None:  # noqa: ANN001
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == side


def test_properties_come_from_the_data(document) -> None:  # noqa: ANN001
    props = document.core_properties
    assert props.title == "杭州市公安局关于2018年度法治政府建设工作情况的函"
    assert props.author == "杭州市公安局"
    assert props.created.date().isoformat() == "2018-11-30"


def test_markup_characters_appear_literally(edited: Callable[..., Path], tmp_path: Path) -> None:
    text = "A&B <b>粗体</b> \"引号\" 'x' {{ title }} {% if 1 %}"
    path = edited({("基本信息", "B8"): text})
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    assert text in docx_paragraphs(docx)


ANNUAL_HEADINGS = [
    "一、2023年度推进法治政府建设的主要举措和成效",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
    "四、2024年度推进法治政府建设的主要安排",
    "五、其他需要报告的情况",
]


def _headings(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name == "一级标题"]


def test_annual_report_has_its_five_parts_in_order(tmp_path: Path) -> None:
    [docx] = build_report(EXAMPLE_ANNUAL, output_dir=tmp_path).outputs
    assert docx.name == "示例市司法局关于2023年度法治政府建设情况的报告.docx"
    assert _headings(docx) == ANNUAL_HEADINGS
    paragraphs = docx_lines(docx)
    assert paragraphs[:2] == ["示例市司法局关于2023年度法治政府建设情况的报告", "示例市人民政府："]
    assert paragraphs[-3:] == ["特此报告。", "示例市司法局", "2024年2月26日"]
    measures = paragraphs[paragraphs.index(ANNUAL_HEADINGS[0]) + 1]
    assert measures.startswith("（一）坚持党的领导，压紧压实法治建设责任。一是健全领导机制。")


def test_annual_report_without_the_optional_part_numbers_four(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    path = edited(
        {("其他需要报告的情况", f"{c}{r}"): None for c in "ABC" for r in range(2, 4)},
        source=EXAMPLE_ANNUAL,
    )
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    assert _headings(docx) == ANNUAL_HEADINGS[:4]
    assert not any("其他需要报告" in p for p in docx_paragraphs(docx))


@pytest.fixture(scope="module")
def letterhead(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a Document
    out = tmp_path_factory.mktemp("letterhead")
    [docx] = build_report(
        EXAMPLE, output_dir=out, options=BuildOptions(letterhead=True, seal=True)
    ).outputs
    return Document(str(docx))


def test_letterhead_first_page_has_no_page_number(letterhead) -> None:  # noqa: ANN001
    section = letterhead.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" not in section.first_page_footer._element.xml
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_letterhead_name_and_rules_are_anchored_to_the_page(letterhead) -> None:  # noqa: ANN001
    first = letterhead.paragraphs[0]._p
    texts = [t.text for t in first.iter(qn("w:t"))]
    assert texts == ["杭州市公安局"] * 2  # the name, in its text box and the box's VML twin
    colours = {c.get(qn("w:val")) for c in first.iter(qn("w:color"))}
    assert colours == {"FF0000"}
    anchors = first.findall(".//" + qn("wp:anchor"))
    assert len(anchors) == 5  # name + two double lines
    assert {a.find(qn("wp:positionV")).get("relativeFrom") for a in anchors} == {"page"}


def test_letterhead_pushes_the_title_down_two_lines(letterhead) -> None:  # noqa: ANN001
    texts = [p.text for p in letterhead.paragraphs[:5]]
    assert texts == ["", "", "", "杭州市公安局关于", "2018年度法治政府建设工作情况的函"]


def test_sealed_signature_has_room_for_the_seal(letterhead) -> None:  # noqa: ANN001
    paragraphs = letterhead.paragraphs
    assert [p.text for p in paragraphs[-5:]] == [
        "特此函告。",
        "",
        "",
        "杭州市公安局",
        "2018年11月30日",
    ]
    char = 8845 / 28
    assert _twips(paragraphs[-1].paragraph_format.right_indent) == round(4 * char)
    assert _twips(paragraphs[-2].paragraph_format.right_indent) == round(4.5 * char)


def test_quotes_and_dashes_are_hinted_east_asian(document) -> None:  # noqa: ANN001
    runs = [r for p in document.paragraphs for r in p.runs if set(r.text) & set("“”《》—…")]
    assert len(runs) >= 5  # the paragraphs quoting 《…》 and “…”
    for run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:hint")) == "eastAsia"
        assert fonts.get(qn("w:eastAsia")) in ("仿宋_GB2312", "楷体_GB2312")


def test_builds_are_byte_identical_whenever_and_wherever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two builds a second apart, from other folders, processes and time zones: same bytes."""
    import os
    import subprocess
    import sys
    import time

    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    monkeypatch.chdir(here)
    [first] = build_report(EXAMPLE, output_dir=Path("out")).outputs
    time.sleep(1.1)  # zip entries and properties would carry the clock's seconds
    env = {**os.environ, "TZ": "America/Los_Angeles", "LANG": "C"}
    code = "from reportgen.cli.app import main; main()"
    subprocess.run(
        [sys.executable, "-c", code, "build", str(EXAMPLE), "-o", "elsewhere"],
        cwd=there,
        env=env,
        check=True,
        capture_output=True,
    )
    second = there / "elsewhere" / first.relative_to("out")
    assert first.read_bytes() == second.read_bytes()


def test_zip_entries_are_dated_the_signature_date(built: Path) -> None:
    with zipfile.ZipFile(built) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(2018, 11, 30, 0, 0, 0)}


def test_every_property_comes_from_the_data(document) -> None:  # noqa: ANN001
    props = document.core_properties
    assert props.last_modified_by == "杭州市公安局"
    assert props.modified == props.created
    assert props.revision == 1
    assert props.last_printed is None


MARKUP = "A&B <b>粗</b> \"引号\" '单引' {{ title }} {% if 1 %} {# c #}"


def test_markup_in_every_kind_of_cell_appears_literally(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    cells = {
        ("基本信息", "B2"): "杭州市<公安局>",
        ("基本信息", "B3"): "主送&机关",
        ("基本数据", "B2"): "标题&" + MARKUP[:10],
        ("基本数据", "C2"): MARKUP,
        ("主要工作", "D2"): "{{ 标题 }}",
        ("主要工作", "E2"): MARKUP + "尾",
        ("存在不足", "C2"): "导语{% raw %}",
        ("存在不足", "B3"): "<w:p>",
    }
    [docx] = build_report(edited(cells), output_dir=tmp_path / "out").outputs
    text = docx_text(docx)
    for value in cells.values():
        assert value in text, value


def test_control_characters_as_excel_saves_them_are_removed(tmp_path: Path) -> None:
    import re

    from reportgen.api import validate

    from .conftest import rezip, sheet_member

    # Excel stores a vertical tab, bell or form feed in a cell as _x000B_, _x0007_, _x000C_.
    member = sheet_member(EXAMPLE, "主要工作")
    cell = '<c r="D2" t="inlineStr"><is><t>强化_x000B_组织_x0007_领导_x000C_\u200b</t></is></c>'

    def edit(name: str, data: bytes) -> bytes:
        pattern = re.compile(rb'<c r="D2"[^>]*>.*?</c>', re.S)
        return pattern.sub(cell.encode(), data, count=1) if name == member else data

    path = rezip(EXAMPLE, tmp_path / "control.xlsx", edit)
    [warning] = validate(path).findings
    assert (warning.code, warning.place) == ("text-cleaned", "主要工作!D2")
    [docx] = build_report(path, output_dir=tmp_path / "out").outputs
    assert "一是强化组织领导。" in docx_text(docx)


def _user_template(tmp_path: Path, jinja: str) -> Path:
    """A copy of the shipped template with one more paragraph holding ``jinja``."""
    import shutil

    from docx import Document

    from reportgen.schema.load import load_schema

    folder = tmp_path / "mine"
    shutil.copytree(load_schema("letter").folder, folder)
    document = Document(str(folder / "template.docx"))
    document.add_paragraph(jinja)
    document.save(str(folder / "template.docx"))
    return folder


@pytest.mark.parametrize(
    ("jinja", "phrase"),
    [
        ("{{ no_such_field }}", "undefined"),  # StrictUndefined: loud, not blank
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),  # the sandbox
        ("{% set x = [] %}{{ x.append(1) }}", "unsafe"),  # immutable sandbox
        ("{{ recipient.__init__.__globals__ }}", "unsafe"),
        ("{% for i in range(10**9) %}{% endfor %}", "range"),
        ("{% if %}", "expected"),  # a broken tag
    ],
)
def test_a_user_template_doing_wrong_is_a_template_error(
    example: Path, tmp_path: Path, jinja: str, phrase: str
) -> None:
    from reportgen.core.errors import TemplateError

    folder = _user_template(tmp_path, jinja)
    out = tmp_path / "out"
    with pytest.raises(TemplateError) as caught:
        build_report(example, output_dir=out, template=str(folder))
    assert "the template cannot be filled" in caught.value.text("en")
    assert phrase in caught.value.text("en").lower()
    assert not out.exists()


def test_a_template_that_is_not_a_docx(example: Path, tmp_path: Path) -> None:
    from reportgen.core.errors import TemplateError

    folder = _user_template(tmp_path, "")
    docx = folder / "template.docx"
    docx.write_bytes(example.read_bytes())  # an .xlsx renamed
    with pytest.raises(TemplateError) as caught:
        build_report(example, output_dir=tmp_path / "out", template=str(folder))
    assert caught.value.text("en") == (
        f"{docx}: this is an Excel workbook, not a Word document (.docx). Replace "
        "template.docx with a Word document (.docx), e.g. one copied from a folder made by: "
        "reportgen templates new NAME"
    )
    assert not (tmp_path / "out").exists()


def test_unsafe_template_through_the_cli_is_one_line(example: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli.app import main

    folder = _user_template(tmp_path, "{{ ''.__class__.__mro__ }}")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--lang", "en", "build", str(example), "-o", str(out), "-t", str(folder)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"reportgen: {folder / 'template.docx'}: the template cannot")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
