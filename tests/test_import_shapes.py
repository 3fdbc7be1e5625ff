"""Importing reports of every published shape, and every built variant, with nothing misfiled.

The texts below are invented, written in the shapes published 法治政府建设 reports use
(thematic headings with 一是; headings with （一） and 一是; the 第一责任人 part first; three
parts; 一、2023年工作情况 （一）… 一是…). Each imports into a workbook that rebuilds to the
same text line for line, and import → build → import gives no differences.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.api import BuildOptions, build_report, validate
from reportgen.core.model import Report
from reportgen.schema.load import load_schema
from reportgen.workbook.write import write_workbook
from reportgen.yearly.diff import diff_workbooks
from reportgen.yearly.importer import best_fit, import_document, read_lines
from reportgen.yearly.source import Line, read_source

from .conftest import EXAMPLE, EXAMPLE_ANNUAL, docx_lines

HEAD = (
    "示例区人民政府关于2023年度法治政府建设情况的报告\n"
    "示例市人民政府：\n"
    "2023年，区政府以建设人民满意的法治政府为目标，扎实推进依法行政。现将有关情况报告如下：\n"
)
TAIL = "特此报告。\n示例区人民政府\n2024年2月19日\n"

THEMATIC = (
    HEAD + "一、突出政治引领，扛牢法治建设责任\n"
    "区政府把法治政府建设纳入全区发展大局统筹谋划。一是强化学习教育。常务会议会前学法8次，"
    "举办领导干部法治讲座2场。二是压实工作责任。将年度任务分解到32个部门，实行清单化管理。\n"
    "二、聚焦权力规范运行，提升依法行政质效\n"
    "一是严格决策程序。重大行政决策全部经过合法性审查。二是深化执法监督。评查执法案卷150卷，"
    "发现问题全部整改。三是做实复议应诉。办结行政复议案件64件。\n"
    "三、正视短板不足，谋划来年重点工作\n"
    "对照上级要求，仍有差距：一是基层执法力量偏弱。部分街道执法人员不足。"
    "二是普法精准度不够。面向企业的普法活动偏少。\n" + TAIL
)

SECTIONED = (
    HEAD + "一、坚持依法决策，提升政府治理能力\n"
    "区政府坚持把依法决策作为依法行政的关键环节来抓。\n"
    "（一）健全决策机制。一是完善决策目录。公布年度重大决策事项6项。"
    "二是落实公众参与。就2项民生决策举行听证会。\n"
    "（二）加强合法性审查。一是扩大审查范围。各类文件均须审查后提交会议。"
    "二是发挥法律顾问作用。法律顾问列席常务会议12次。\n"
    "二、坚持严格执法，优化法治营商环境\n"
    "（一）推进综合执法改革。整合执法队伍5支，实现一支队伍管执法。\n"
    "（二）推行包容审慎监管。一是落实轻微违法不罚清单。不予处罚案件87件。"
    "二是开展执法回访。回访企业210家。\n" + TAIL
)

DUTY_FIRST = (
    HEAD + "一、区政府主要负责同志履行推进法治建设第一责任人职责情况\n"
    "区长认真履行第一责任人职责，主持研究法治政府建设工作4次，带头开展年度述法。\n"
    "二、2023年度推进法治政府建设的主要举措和成效\n"
    "（一）深化放管服改革。一是压减审批时限。平均办理时限压缩一半。二是推进一网通办。"
    "网上可办率达到98%。\n"
    "（二）规范行政执法。全面落实行政执法三项制度。\n"
    "三、存在的不足和原因\n"
    "一是依法行政能力有待提升。个别干部法治意识不强。二是执法监督手段不多。信息化程度不高。\n"
    "四、2024年度推进法治政府建设的主要安排\n"
    "一是持续深化示范创建。对照指标补齐短板。二是加强执法队伍建设。分批次开展轮训。\n" + TAIL
)

THREE_PARTS = (
    HEAD + "一、法治政府建设工作开展情况\n"
    "（一）坚持党的全面领导，凝聚法治共识。一是坚持集体学法。全年集体学法6次。"
    "二是开展述法评议。15个部门主要负责人现场述法。\n"
    "（二）坚持法治为民，化解矛盾纠纷。一是完善调解网络。建成调解室40个。"
    "二是做实信访法治化。信访事项按期办结率达99%。\n"
    "二、存在的问题\n"
    "一是法治宣传形式较单一。以发放资料为主。二是基层法治人才较缺乏。法律专业人员偏少。\n"
    "三、下一步工作打算\n"
    "2024年，区政府将着力做好以下工作：一是加大普法力度。开展以案释法。"
    "二是充实法治队伍。招录法律专业人员。\n" + TAIL
)

YEAR_FIRST = (
    HEAD + "一、2023年工作情况\n"
    "（一）完善依法行政制度体系。一是加强规范性文件管理。备案审查文件21件。"
    "二是开展文件清理。废止文件9件。\n"
    "（二）提升行政执法水平。一是推进执法数字化。执法平台覆盖全部执法部门。"
    "二是强化执法培训。培训执法人员800人次。\n"
    "二、存在的问题\n"
    "少数部门对法治政府建设重视不够，工作推进不平衡。\n"
    "三、2024年工作安排\n"
    "一是抓好法治督察。每半年开展一次。二是深化行政复议体制改革。提升办案质量。\n" + TAIL
)

SHAPES = {
    "thematic": THEMATIC,
    "sectioned": SECTIONED,
    "duty-first": DUTY_FIRST,
    "three-parts": THREE_PARTS,
    "year-first": YEAR_FIRST,
}

# The published municipal shape of the issue: part 一's points were filed under 下一年度主要安排.
MUNICIPAL = (
    "示例市人民政府关于2018年度法治政府建设工作情况的报告\n"
    "省人民政府：\n"
    "2018年，我市紧扣法治政府建设目标，统筹推进各项工作。现将有关情况报告如下：\n"
    "一、统筹推进法治政府建设\n"
    "市政府把法治政府建设摆上重要日程。一是完善推进机制。制定年度工作要点。"
    "二是强化督促考核。开展专项督查两轮。\n"
    "二、纵深推进“最多跑一次”改革\n"
    "一是优化审批流程。梳理办事事项860项。二是推进数据共享。打通部门系统23个。\n"
    "特此报告。\n示例市人民政府\n2019年1月25日\n"
)


def _source_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    return source


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_published_shape_round_trips_line_for_line(shape: str, tmp_path: Path) -> None:
    source = _write(tmp_path, shape, SHAPES[shape])
    first = tmp_path / "first.xlsx"
    result, schema = import_document(source, first)
    assert schema.name == "annual-free"
    assert result.leftovers == () and result.missing == frozenset() and result.faithful
    assert validate(first).ok
    [docx] = build_report(first, output_dir=tmp_path / "out").outputs
    assert docx_lines(docx) == _source_lines(SHAPES[shape])
    again = tmp_path / "again.xlsx"
    import_document(docx, again)
    assert diff_workbooks(first, again).equal


def test_the_municipal_report_keeps_its_headings_and_files_nothing_elsewhere(
    tmp_path: Path,
) -> None:
    source = _write(tmp_path, "municipal", MUNICIPAL)
    workbook = tmp_path / "municipal.xlsx"
    result, schema = import_document(source, workbook)
    assert schema.name == "annual-free" and result.leftovers == ()
    first, second = result.report.parts
    assert first.title == "统筹推进法治政府建设"
    assert [p.title for p in first.points] == ["完善推进机制", "强化督促考核"]
    assert second.title == "纵深推进“最多跑一次”改革"
    assert [p.title for p in second.points] == ["优化审批流程", "推进数据共享"]
    rows = [
        [c.value for c in row][:5] for row in load_workbook(workbook)["正文"].iter_rows(min_row=2)
    ]
    assert rows[0] == [1, "统筹推进法治政府建设", None, None, "导语"]
    assert rows[3][:2] == [2, "纵深推进“最多跑一次”改革"]
    checked = validate(workbook)
    assert checked.ok and checked.findings == []


def test_a_fixed_kind_files_nothing_under_a_part_on_shared_words_alone() -> None:
    lines = [Line(t, n, "行") for n, t in enumerate(_source_lines(MUNICIPAL), 1)]
    annual = load_schema("annual-report")
    forced = read_lines(lines, annual)
    # 统筹推进法治政府建设 shares only 推进法治政府建设 with …主要安排: not taken for it
    assert forced.matched_parts == 0 and not forced.faithful
    assert [x.place for x in forced.leftovers] == ["第4行", "第5行", "第6行", "第7行"]
    assert all(p.is_empty for p in forced.report.parts)
    chosen = best_fit(lines, [load_schema("letter"), annual, load_schema("annual-free")])
    assert chosen[1].name == "annual-free"


def test_a_fixed_kind_that_renames_a_heading_says_so() -> None:
    text = HEAD + "一、第一责任人职责履行情况\n区长带头述法。\n" + TAIL
    lines = [Line(t, n, "行") for n, t in enumerate(_source_lines(text), 1)]
    forced = read_lines(lines, load_schema("annual-report"))
    [(line, title)] = forced.renamed
    assert (line.place, line.text) == ("第4行", "一、第一责任人职责履行情况")
    assert title == "党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况"
    assert not forced.faithful
    result, schema = best_fit(lines, [load_schema("annual-report"), load_schema("annual-free")])
    assert schema.name == "annual-free" and result.report.parts[0].title == "第一责任人职责履行情况"


def test_the_duty_part_first_is_not_reordered_into_the_five_part_kind() -> None:
    lines = [Line(t, n, "行") for n, t in enumerate(_source_lines(DUTY_FIRST), 1)]
    annual = read_lines(lines, load_schema("annual-report"))
    assert not annual.faithful  # its parts would come back in another order
    result, schema = best_fit(lines, [load_schema("annual-report"), load_schema("annual-free")])
    assert schema.name == "annual-free"
    assert result.report.parts[0].title.endswith("第一责任人职责情况")


def test_the_shipped_kinds_still_win_for_their_own_documents(tmp_path: Path) -> None:
    for workbook, name in ((EXAMPLE, "letter"), (EXAMPLE_ANNUAL, "annual-report")):
        [docx] = build_report(workbook, output_dir=tmp_path / name).outputs
        _result, schema = import_document(docx, tmp_path / f"{name}.xlsx")
        assert schema.name == name


# ---------------------------------------------------------------- every built variant

VARIANTS = {
    "plain": BuildOptions(),
    "letterhead": BuildOptions(letterhead=True),
    "seal": BuildOptions(seal=True),
    "both": BuildOptions(letterhead=True, seal=True),
}


def _free_example(tmp_path: Path) -> Path:
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "make_free", ROOT / "tools" / "make_example_free.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path / "free.xlsx"
    write_workbook(path, load_schema("annual-free"), module.example_report())
    return path


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("kind", ["letter", "annual-report", "annual-free"])
def test_every_built_variant_imports_back_equal(kind: str, variant: str, tmp_path: Path) -> None:
    workbook = {"letter": EXAMPLE, "annual-report": EXAMPLE_ANNUAL}.get(kind) or _free_example(
        tmp_path
    )
    [docx] = build_report(workbook, output_dir=tmp_path / "out", options=VARIANTS[variant]).outputs
    back = tmp_path / "back.xlsx"
    result, schema = import_document(docx, back)
    assert schema.name == kind and result.leftovers == ()
    assert diff_workbooks(workbook, back).equal
    # Fields the document does not show (extra, such as 拟稿人) are not compared: an example
    # workbook made before a template gained one lacks its row.
    assert _shown(validate(back).report) == _shown(validate(workbook).report)


def _shown(report: Report | None) -> Report:
    assert report is not None
    return dataclasses.replace(report, extra={})


def test_a_letterhead_with_its_doc_number_is_not_part_of_the_title(tmp_path: Path) -> None:
    book = load_workbook(EXAMPLE)
    book["基本信息"]["B6"] = "杭公函〔2018〕12号"
    numbered = tmp_path / "numbered.xlsx"
    book.save(numbered)
    options = BuildOptions(letterhead=True)
    [docx] = build_report(numbered, output_dir=tmp_path / "out", options=options).outputs
    back = tmp_path / "back.xlsx"
    result, _schema = import_document(docx, back)
    assert result.report.title == "杭州市公安局关于2018年度法治政府建设工作情况的函"
    assert result.report.doc_number == "杭公函〔2018〕12号"
    assert diff_workbooks(numbered, back).equal


def test_a_two_line_title_broken_at_the_issuer_is_still_the_title() -> None:
    text = "杭州市公安局\n关于2018年度法治政府建设工作情况的函\n单位：\n开头。\n一、基本数据\n（一）情况。（略）\n"
    lines = [Line(t, n, "行") for n, t in enumerate(text.splitlines(), 1)]
    result = read_lines(lines, load_schema("letter"))
    assert result.report.title == "杭州市公安局关于2018年度法治政府建设工作情况的函"


def test_a_kind_that_cannot_take_the_year_is_not_chosen(tmp_path: Path) -> None:
    [docx] = build_report(EXAMPLE_ANNUAL, output_dir=tmp_path / "out").outputs
    lines = [
        dataclasses.replace(line, text=line.text.replace("2023", "2018").replace("2024", "2019"))
        for line in read_source(docx).lines
    ]
    schemas = [load_schema(name) for name in ("letter", "annual-report", "annual-free")]
    result, schema = best_fit(lines, schemas)
    # the five parts' shape, but 2018 is before the 2019 规定 (annual-report's 年度 starts there)
    assert schema.name == "annual-free" and result.report.year == 2018
    assert len(result.report.parts) == 5 and result.leftovers == ()


def test_a_heading_with_nothing_under_it_is_said_not_dropped() -> None:
    text = HEAD + "一、加强组织领导\n二、规范行政执法\n一是评查案卷。评查案卷100卷。\n" + TAIL
    lines = [Line(t, n, "行") for n, t in enumerate(_source_lines(text), 1)]
    result, schema = best_fit(lines, [load_schema("annual-report"), load_schema("annual-free")])
    assert schema.name == "annual-free" and not result.faithful
    [left] = result.leftovers
    assert (left.place, left.text, left.reason) == (
        "第4行",
        "一、加强组织领导",
        "标题“一、加强组织领导”下没有文字",
    )
    [part] = result.report.parts
    assert part.title == "规范行政执法" and [p.title for p in part.points] == ["评查案卷"]


def test_the_import_command_names_each_renamed_heading(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.cli.app import main

    source = _write(tmp_path, "duty", HEAD + "一、第一责任人职责履行情况\n区长带头述法。\n" + TAIL)
    args = ["--lang", "en", "import", str(source), "-t", "annual-report"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (
        "第4行: the heading '一、第一责任人职责履行情况' was taken for the part "
        "'党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况', and the "
        "workbook has the template's title." in result.stdout
    )
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(source), "--force"])
    assert "(template annual-free): 1 of 1 parts recognised" in result.stdout
