"""Write inputs/example-free.xlsx: an annual report with headings of its own (annual-free).

示例县人民政府 and everything it reports are invented. The headings are the county's own, in
the shapes published reports use: thematic headings each with a lead and 一是、二是 points,
a heading with （一）（二） sections, the 第一责任人 part as a heading of its own.
Run:  python tools/make_example_free.py inputs/example-free.xlsx
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from reportgen.core.model import Part, Point, Report, Section
from reportgen.schema.load import load_schema
from reportgen.workbook.write import write_workbook

ISSUER = "示例县人民政府"
YEAR = 2023
KEY = "body"  # the annual-free schema's one part, of kind headings

INTRO = (
    "2023年，县政府围绕建设人民满意的法治政府，把依法行政贯穿政府工作全过程，"
    "各项任务有序推进。现将有关情况报告如下："
)

HEADINGS = (
    Part(
        KEY,
        "把牢政治方向，压实法治建设责任",
        lead="县政府把法治政府建设列入年度重点工作，与经济社会发展同部署、同考核。",
        points=(
            Point(
                "健全推进机制",
                "成立由县长任组长的工作领导小组，全年召开专题会议3次，"
                "将年度任务细化为36项并逐项明确牵头单位。",
            ),
            Point(
                "抓实考核督导",
                "把法治建设成效纳入乡镇和部门综合考核，权重提高到8%，对考核靠后的2个单位进行约谈。",
            ),
        ),
    ),
    Part(
        KEY,
        "规范权力运行，提升依法行政水平",
        sections=(
            Section(
                "严格决策程序",
                text="重大行政决策一律履行法定程序。",
                points=(
                    Point(
                        "落实合法性审查",
                        "县政府常务会议审议的议题全部经司法局审查，全年出具审查意见54份。",
                    ),
                    Point(
                        "扩大公众参与",
                        "对涉及群众切身利益的4项决策公开征求意见，收到意见建议127条。",
                    ),
                ),
            ),
            Section(
                "规范行政执法",
                points=(
                    Point(
                        "推行说理式执法",
                        "在市场监管、交通运输领域制作说理式文书范本，当事人主动履行率明显提高。",
                    ),
                    Point(
                        "开展案卷评查",
                        "抽查执法案卷210卷，发现问题43个，已全部反馈整改。",
                    ),
                ),
            ),
        ),
    ),
    Part(
        KEY,
        "县政府主要负责人履行推进法治建设第一责任人职责情况",
        lead="县长带头履行第一责任人职责，做到重要工作亲自部署、重大问题亲自过问。",
        points=(
            Point("带头学法", "主持县政府常务会议会前学法6次，带头参加年度述法。"),
            Point("带头督办", "对群众反映集中的5件执法问题逐件批示，跟踪办理到位。"),
        ),
    ),
    Part(
        KEY,
        "存在的不足和下一步打算",
        lead="对照上级要求，我县还存在基层执法力量不足、普法针对性不强等问题。",
        points=(
            Point("充实基层力量", "2024年向乡镇综合执法队下沉编制20名，开展轮训两期。"),
            Point("推进精准普法", "围绕企业和新业态从业人员编印普法手册，开展送法上门活动。"),
        ),
    ),
)


def example_report() -> Report:
    """The fictional 示例县人民政府 report for 2023, with headings of its own."""
    return Report(
        template="annual-free",
        issuer=ISSUER,
        recipient="示例市人民政府",
        year=YEAR,
        title="",  # left empty: the schema's default title applies
        signature_date=dt.date(2024, 2, 20),
        intro=INTRO,
        closing="特此报告。",
        parts=HEADINGS,
    )


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "inputs/example-free.xlsx")
    write_workbook(target, load_schema("annual-free"), example_report())
    print(target)
