"""The naive baseline: what a script without reportgen does for each workbook.

It loads the workbook with openpyxl (its default, full mode), picks the cells into a dict
shaped like the template expects, and renders the same Word template with a fresh
DocxTemplate per document. No validation, no reproducible zip: it does less than reportgen.
Run:  python benchmarks/naive.py OUT_DIR WORKBOOK...
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from openpyxl import load_workbook

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "letter" / "template.docx"
DIGITS = "零一二三四五六七八九"


def number(n: int) -> str:
    """1 → 一, 12 → 十二 (up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[ones] if ones else "")


def stop(text: str) -> str:
    return text if text.endswith(("。", "！", "？", "；", "：")) else text + "。"


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [r for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]


def points(items: list[tuple[Any, ...]]) -> str:
    return "".join(f"{number(i)}是{stop(t)}{b}" for i, (t, b) in enumerate(items, start=1))


def context(path: Path) -> dict[str, Any]:
    """The template's data from the workbook's cells."""
    book = load_workbook(path, data_only=True)
    info = {r[0]: r[1] for r in rows(book["基本信息"])}
    date = info["成文日期"]
    title = info.get("标题") or f"{info['发文机关']}关于{info['年度']}年度法治政府建设工作情况的函"
    data = [
        {"lead": f"（{number(r[0])}）{stop(r[1])}", "body": r[2] or ""}
        for r in rows(book["基本数据"])
    ]
    sections: dict[int, dict[str, Any]] = {}
    for r in rows(book["主要工作"]):
        section = sections.setdefault(r[0], {"title": r[1], "points": []})
        section["points"].append((r[3], r[4]))
    work = [
        {"lead": f"（{number(n)}）{stop(s['title'])}", "body": points(s["points"])}
        for n, s in sections.items()
    ]
    short = rows(book["存在不足"])
    lead = short[0][2] if short and short[0][0] == "导语" else ""
    gaps = [{"lead": "", "body": lead + points([(r[1], r[2]) for r in short[1:]])}]
    parts = [("基本数据", data), ("主要工作", work), ("存在不足", gaps)]
    return {
        "title_lines": [title],
        "doc_number": info.get("发文字号") or "",
        "recipient": info["主送机关"] + "：",
        "intro": info["开头"],
        "parts": [
            {"heading": f"{number(n)}、{t}", "paragraphs": p}
            for n, (t, p) in enumerate(parts, start=1)
        ],
        "closing": info.get("结束语") or "特此函告。",
        "signature": {
            "issuer": info["发文机关"],
            "date": f"{date.year}年{date.month}月{date.day}日",
        },
    }


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(sys.argv[2:]):
        template = DocxTemplate(str(TEMPLATE))  # fresh per document, as a script would
        template.render(context(Path(path)), autoescape=True)
        template.save(str(out / f"{n}.docx"))


if __name__ == "__main__":
    main()
