"""Write inputs/example-annual.xlsx: a filled annual report (报告) for a fictional body.

示例市司法局 and everything it reports are invented; the text has the shape and length of a
real annual 法治政府建设 report, so the example exercises every part of the annual-report
template (sections with points, points with a lead, the optional fifth part).
Run:  python tools/make_example_annual.py inputs/example-annual.xlsx
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from reportgen.core.model import Part, Point, Report, Section
from reportgen.schema.load import load_schema
from reportgen.workbook.write import write_workbook

ISSUER = "示例市司法局"
YEAR = 2023

INTRO = (
    "2023年，我局在市委、市政府的坚强领导下，以法治政府建设示范创建为抓手，统筹推进依法行政、"
    "严格执法、普法宣传和公共法律服务各项工作，法治政府建设取得新进展。"
    "根据《法治政府建设与责任落实督察工作规定》，现将我局2023年度法治政府建设情况报告如下："
)

MEASURES = (
    Section(
        "坚持党的领导，压紧压实法治建设责任",
        points=(
            Point(
                "健全领导机制",
                "局党组全年专题研究法治政府建设工作6次，制定年度工作要点，将28项任务分解到"
                "科室和直属单位，明确责任人和完成时限，实行季度调度、年终考核。",
            ),
            Point(
                "抓好学法用法",
                "坚持党组理论学习中心组集体学法制度，全年组织专题学法4次、法治讲座2场，"
                "组织全局干部参加年度学法考试，参考率、合格率均达到100%。",
            ),
        ),
    ),
    Section(
        "优化法治化营商环境，提升政务服务水平",
        points=(
            Point(
                "推进政务服务标准化",
                "梳理公布本部门政务服务事项52项，统一办事指南和申请材料，"
                "其中48项实现“一网通办”，平均办理时限压缩至法定时限的40%。",
            ),
            Point(
                "开展涉企法规清理",
                "对现行有效的规范性文件逐件审查，废止不利于公平竞争的文件3件、修改2件，"
                "清理结果向社会公布。",
            ),
        ),
    ),
    Section(
        "严格规范公正文明执法",
        points=(
            Point(
                "落实行政执法“三项制度”",
                "全面推行行政执法公示、执法全过程记录和重大执法决定法制审核制度，"
                "全年审核重大执法决定17件，提出修改意见9条，均已采纳。",
            ),
            Point(
                "加强执法监督",
                "组织行政执法案卷评查，抽查案卷120卷，对发现的文书不规范等问题逐项反馈整改，"
                "并举办执法人员轮训班2期。",
            ),
        ),
    ),
    Section(
        "发挥行政复议化解行政争议主渠道作用",
        points=(
            Point(
                "畅通复议渠道",
                "在各乡镇（街道）公共法律服务站设立行政复议咨询点，全年受理行政复议案件86件，"
                "审结81件，经调解和解后申请人撤回申请的21件。",
            ),
            Point(
                "做好行政应诉",
                "督促行政机关负责人出庭应诉，全市行政机关负责人出庭应诉率保持在95%以上。",
            ),
        ),
    ),
)

SHORTCOMINGS = Part(
    "shortcomings",
    "存在的不足和原因",
    lead="对照法治政府建设的目标要求，我局工作中还存在一些不足：",
    points=(
        Point(
            "基层执法规范化水平有待提高",
            "部分执法人员程序意识不强，个别案卷证据收集不够完整。"
            "主要原因是基层执法力量不足、培训覆盖面不够。",
        ),
        Point(
            "普法宣传针对性不强",
            "普法活动形式较为单一，面向企业和新业态从业人员的精准普法偏少，"
            "对普法效果的评估还不够。",
        ),
        Point(
            "数字化支撑仍显薄弱",
            "行政执法监督平台与业务系统尚未完全打通，数据共享和分析运用不够充分。",
        ),
    ),
)

LEADERSHIP = Part(
    "leadership",
    "党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
    lead="局党组书记、局长认真履行推进法治建设第一责任人职责，做到重要工作亲自部署、"
    "重大问题亲自过问、重点环节亲自协调、重要任务亲自督办。",
    points=(
        Point(
            "带头尊法学法",
            "带头参加中心组集体学法，讲授法治专题党课1次，在重大决策前坚持学习相关法律法规。",
        ),
        Point(
            "带头依法决策",
            "严格执行重大行政决策程序，全年提交局党组会审议的重大事项均经过合法性审查，"
            "未发生未经审查即作出决策的情况。",
        ),
        Point(
            "带头督促落实",
            "听取法治政府建设工作汇报4次，对年度考核中发现的问题逐项提出整改要求，"
            "并将法治建设情况纳入科室和直属单位年度考核。",
        ),
    ),
)

PLANS = Part(
    "plans",
    "下一年度推进法治政府建设的主要安排",
    lead="2024年，我局将重点做好以下工作：",
    points=(
        Point(
            "深化法治政府示范创建",
            "对照示范创建指标体系查漏补缺，推动创建工作与日常业务深度融合。",
        ),
        Point(
            "提升执法规范化水平",
            "分级分类开展执法人员培训，年内实现一线执法人员轮训全覆盖，完善执法案卷评查机制。",
        ),
        Point(
            "推进精准普法",
            "围绕企业和新业态从业人员开展“法律进园区”系列活动，建立普法效果评估机制。",
        ),
        Point(
            "加快数字法治建设",
            "推动行政执法监督平台与业务系统对接，实现执法数据实时汇聚和分析预警。",
        ),
    ),
)

OTHER = Part(
    "other",
    "其他需要报告的情况",
    lead="按照规定，本报告将于2024年4月1日前在示例市司法局门户网站向社会公开，接受社会监督。",
)


def example_report() -> Report:
    """The fictional 示例市司法局 report for 2023."""
    return Report(
        template="annual-report",
        issuer=ISSUER,
        recipient="示例市人民政府",
        year=YEAR,
        title="",  # left empty: the schema's default title applies
        signature_date=dt.date(2024, 2, 26),
        intro=INTRO,
        closing="特此报告。",
        parts=(
            Part("measures", "主要举措和成效", sections=MEASURES),
            SHORTCOMINGS,
            LEADERSHIP,
            PLANS,
            OTHER,
        ),
    )


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "inputs/example-annual.xlsx")
    write_workbook(target, load_schema("annual-report"), example_report())
    print(target)
