"""Showing a comparison (比对结果): terminal text, JSON, or one self-contained HTML page.

Text marks deletions ``[-…-]`` and insertions ``{+…+}`` (coloured red and green with ANSI
codes, which click.echo drops when the output is not a terminal) and shows only a few characters around each
change of a long paragraph. The HTML page is a redline: every changed paragraph in full, with
deleted characters struck through in red and inserted ones underlined in green; its styles are
inline and it loads nothing, so it can be mailed or opened offline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

from reportgen.core.errors import OutputError
from reportgen.core.files import atomic_path
from reportgen.core.i18n import _, translate
from reportgen.yearly.diff import ADDED, CHANGED, KINDS, MOVED, REMOVED, Change, Piece, ReportDiff

LABELS = {ADDED: _("added"), REMOVED: _("removed"), MOVED: _("moved"), CHANGED: _("changed")}
SIGNS = {ADDED: "+", REMOVED: "-", MOVED: "↕", CHANGED: "~"}
COLOURS = {ADDED: "green", REMOVED: "red", MOVED: "cyan", CHANGED: "yellow"}
CONTEXT = 12  # characters kept on each side of a change in the terminal
SHORT = 12  # values up to this long (years, dates, figures) are shown whole as "old → new"
EXCERPT = 60  # an added or removed paragraph is shown up to this many characters
_TAGS = {"delete": "del", "insert": "ins"}
_ANSI = {"red": 31, "green": 32, "yellow": 33, "cyan": 36}


def _style(text: str, fg: str | None = None, bold: bool = False) -> str:
    """``text`` in a terminal colour and/or bold, written as click.style writes it."""
    codes = ([f"\x1b[{_ANSI[fg]}m"] if fg else []) + (["\x1b[1m"] if bold else [])
    return "".join(codes) + text + "\x1b[0m" if codes else text


def _groups(diff: ReportDiff) -> Iterator[tuple[str, list[Change]]]:
    """Changes grouped by the sheet they concern, in document order."""
    groups: dict[str, list[Change]] = {}
    for change in diff.changes:
        groups.setdefault(change.part, []).append(change)
    yield from groups.items()


def summary(diff: ReportDiff, lang: str) -> str:
    """One line: how many changes of each kind, or that there are none."""
    if diff.equal:
        return translate(_("No differences: {old} and {new} give the same report."), lang).format(
            old=diff.old, new=diff.new
        )
    return translate(
        _("{count} change(s): {added} added, {removed} removed, {moved} moved, {changed} changed"),
        lang,
    ).format(
        count=len(diff.changes),
        added=diff.count(ADDED),
        removed=diff.count(REMOVED),
        moved=diff.count(MOVED),
        changed=diff.count(CHANGED),
    )


# ---------------------------------------------------------------- terminal text


def diff_text(diff: ReportDiff, lang: str) -> str:
    """The changes for a terminal, grouped by sheet, with a summary line last."""
    lines = []
    for part, changes in _groups(diff):
        lines.append(_style(f"[{part}]", bold=True))
        lines.extend(f"  {_text_line(change, lang)}" for change in changes)
    lines.append(summary(diff, lang))
    return "\n".join(lines)


def _text_line(change: Change, lang: str) -> str:
    colour = COLOURS[change.kind]
    head = _style(f"{SIGNS[change.kind]} {translate(LABELS[change.kind], lang)}", fg=colour)
    return f"{head} {change.place}: {_text_detail(change, lang)}"


def _text_detail(change: Change, lang: str) -> str:
    if change.kind == MOVED:
        return translate(_("moved from {place}"), lang).format(place=change.old_place)
    if change.kind == ADDED:
        return _style(_shorten(change.new), fg="green")
    if change.kind == REMOVED:
        return _style(_shorten(change.old), fg="red")
    if len(change.old) <= SHORT and len(change.new) <= SHORT:
        old, new = _style(change.old, fg="red"), _style(change.new, fg="green")
        return f"{old} → {new}"
    return "".join(
        _marked(piece, first=n == 0, last=n == len(change.pieces) - 1)
        for n, piece in enumerate(change.pieces)
    )


def _shorten(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def _marked(piece: Piece, first: bool, last: bool) -> str:
    """One run of a changed paragraph: marks on changes, long unchanged runs cut to context."""
    if piece.op == "delete":
        return _style(f"[-{piece.text}-]", fg="red")
    if piece.op == "insert":
        return _style(f"{{+{piece.text}+}}", fg="green")
    text = piece.text
    head = "" if first else text[:CONTEXT]
    tail = "" if last else text[-CONTEXT:]
    if len(text) <= len(head) + len(tail) + CONTEXT:  # cutting would save too little
        return text
    return f"{head}…{tail}"


# ---------------------------------------------------------------- JSON


def diff_json(diff: ReportDiff, lang: str) -> str:
    """The comparison as JSON: files, whether equal, counts, and every change with its marks."""
    data = {
        "old": str(diff.old),
        "new": str(diff.new),
        "equal": diff.equal,
        "counts": {kind: diff.count(kind) for kind in KINDS},
        "changes": [_change_dict(change) for change in diff.changes],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _change_dict(change: Change) -> dict[str, object]:
    item: dict[str, object] = {
        "kind": change.kind,
        "part": change.part,
        "place": change.place,
        "old": change.old,
        "new": change.new,
    }
    if change.kind == MOVED:
        item["old_place"] = change.old_place
    if change.kind == CHANGED:
        item["marks"] = [{"op": p.op, "text": p.text} for p in change.pieces]
    return item


# ---------------------------------------------------------------- HTML


_CSS = """
body { margin: 0; background: #f4f1ea; color: #222;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif; }
header, main { max-width: 58em; margin: 0 auto; padding: 0 1.5em; }
header { padding-top: 1.5em; }
h1 { font-size: 1.5em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .6em; padding-bottom: .2em; border-bottom: 2px solid #b9b2a4; }
.files { color: #555; margin: 0 0 .8em; word-break: break-all; }
.files code { font-size: .9em; background: #e8e3d8; padding: .1em .35em; border-radius: 3px; }
.summary span { display: inline-block; margin: 0 .4em .4em 0; padding: .15em .7em;
  border-radius: 1em; font-size: .9em; color: #fff; }
.legend { font-size: .9em; color: #555; }
article { background: #fff; border: 1px solid #ddd6c8; border-left: 5px solid #999;
  border-radius: 4px; margin: 0 0 .8em; padding: .6em 1em; }
article.added { border-left-color: #1a7f37; } article.removed { border-left-color: #cf222e; }
article.moved { border-left-color: #0969da; } article.changed { border-left-color: #bf8700; }
.badge { display: inline-block; font-size: .8em; color: #fff; border-radius: 3px;
  padding: .05em .5em; margin-right: .6em; vertical-align: .1em; }
.added .badge, span.added { background: #1a7f37; } .removed .badge, span.removed { background: #cf222e; }
.moved .badge, span.moved { background: #0969da; } .changed .badge, span.changed { background: #9a6700; }
.place { font-weight: bold; }
.text { margin: .5em 0 .2em; line-height: 1.9; text-indent: 2em; text-align: justify; }
.values { margin: .4em 0 .2em; font-size: 1.05em; }
ins { background: #dafbe1; color: #0a5c22; text-decoration: underline; text-decoration-color: #1a7f37; }
del { background: #ffebe9; color: #a40e26; text-decoration: line-through; }
.none { font-size: 1.1em; margin: 2em 0; }
footer { max-width: 58em; margin: 2em auto; padding: 0 1.5em; color: #888; }
footer p { font-size: .85em; }
"""


def write_html(diff: ReportDiff, target: Path, lang: str) -> Path:
    """Write the redline page to ``target``, whole or not at all."""
    check_html_target(diff, target)
    page = diff_html(diff, lang)
    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


def check_html_target(diff: ReportDiff, target: Path) -> None:
    """Refuse a page name that would overwrite a compared workbook or any non-.html file:
    `--html 2019.xlsx` typed in haste must not destroy the workbook."""
    if target.resolve() in (diff.old.resolve(), diff.new.resolve()):
        raise OutputError(
            _(
                "{file} is one of the workbooks being compared; give the page another name, "
                "such as changes.html."
            ),
            file=str(target),
        )
    if target.suffix.lower() not in (".html", ".htm"):
        raise OutputError(
            _("{file}: the page must end in .html (or .htm), so that a browser opens it."),
            file=str(target),
        )


def diff_html(diff: ReportDiff, lang: str) -> str:
    """The comparison as one self-contained HTML page (inline CSS, no scripts, no links)."""
    e = html.escape
    title = translate(_("Changes from {old} to {new}"), lang).format(
        old=diff.old.name, new=diff.new.name
    )
    body = [
        f"<header><h1>{e(title)}</h1>",
        f'<p class="files"><code>{e(str(diff.old))}</code> → <code>{e(str(diff.new))}</code></p>',
        _html_summary(diff, lang),
        "</header><main>",
    ]
    if diff.equal:
        body.append(f'<p class="none">{e(summary(diff, lang))}</p>')
    for part, changes in _groups(diff):
        body.append(f"<section><h2>{e(part)}</h2>")
        body.extend(_html_change(change, lang) for change in changes)
        body.append("</section>")
    body.append(f"</main><footer><p>{e(summary(diff, lang))} · reportgen diff</p></footer>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _html_summary(diff: ReportDiff, lang: str) -> str:
    chips = "".join(
        f'<span class="{kind}">{html.escape(translate(LABELS[kind], lang))} {diff.count(kind)}</span>'
        for kind in KINDS
    )
    legend = translate(_("Deleted text is struck through, inserted text underlined:"), lang)
    deleted, inserted = translate(_("deleted"), lang), translate(_("inserted"), lang)
    example = f"<del>{html.escape(deleted)}</del> <ins>{html.escape(inserted)}</ins>"
    return f'<p class="summary">{chips}</p><p class="legend">{html.escape(legend)} {example}</p>'


def _html_change(change: Change, lang: str) -> str:
    e = html.escape
    label = e(translate(LABELS[change.kind], lang))
    head = f'<span class="badge">{label}</span><span class="place">{e(change.place)}</span>'
    return f'<article class="{change.kind}">{head}{_html_detail(change, lang)}</article>'


def _html_detail(change: Change, lang: str) -> str:
    e = html.escape
    if change.kind == MOVED:
        moved = translate(_("moved from {place}"), lang).format(place=change.old_place)
        return f'<p class="values">{e(moved)}</p>'
    if change.kind == ADDED:
        return f'<p class="text"><ins>{e(change.new)}</ins></p>'
    if change.kind == REMOVED:
        return f'<p class="text"><del>{e(change.old)}</del></p>'
    if len(change.old) <= SHORT and len(change.new) <= SHORT:
        return f'<p class="values"><del>{e(change.old)}</del> → <ins>{e(change.new)}</ins></p>'
    marked = "".join(
        f"<{_TAGS[p.op]}>{e(p.text)}</{_TAGS[p.op]}>" if p.op in _TAGS else e(p.text)
        for p in change.pieces
    )
    return f'<p class="text">{marked}</p>'
