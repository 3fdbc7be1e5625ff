"""The page to publish (网页版): the report as one self-contained HTML file for the website.

The 2019 规定 (art. 24) has every annual report published on the office's website. The page
is made from the same render context as the letter, so it holds the same words in the same
order: the title as ``<h1>``, the 发文字号 under it when the workbook gives one, the recipient,
the opening, each part as a ``<section>`` with its ``<h2>`` heading and its paragraphs (a
run-in （一） lead as ``<strong>``; an indicator table as a ``<table>`` after its paragraph,
figures right-aligned), the closing, and the 发文机关 and date at the end. No script, no
external resource (the faces are the reader's own), readable on a phone, and A4 when printed.
The layout is data: ``page.html`` beside this module, a Jinja template filled
in the one sandboxed, autoescaping environment.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

from reportgen.core.files import atomic_path
from reportgen.core.model import Report
from reportgen.rendering.context import RenderContext


def render_html(report: Report, context: RenderContext, target: Path) -> Path:
    """Write the page of ``report`` to ``target`` whole (a temporary file renamed into place)."""
    page = html_page(report, context)
    with atomic_path(target) as tmp:
        tmp.write_bytes(page.encode("utf-8"))
    return target


def html_page(report: Report, context: RenderContext) -> str:
    """The page's text: the same bytes for the same data and reportgen version."""
    from reportgen import __version__

    return str(
        _page_template().render(
            version=__version__,
            title="".join(context.title_lines),
            doc_number=context.doc_number,
            recipient=context.recipient,
            intro=context.intro,
            parts=context.as_template_data()["parts"],
            closing=context.closing,
            issuer=context.signature.issuer,
            date=context.signature.date,
            iso_date=report.signature_date.isoformat(),
        )
    )


@functools.lru_cache(maxsize=1)
def _page_template() -> Any:
    """``page.html`` compiled once per process."""
    from reportgen.rendering.jinja import jinja_env

    text = (resources.files("reportgen.rendering") / "page.html").read_text(encoding="utf-8")
    return jinja_env().from_string(text)
