"""信函格式 distances (GB/T 9704 §10.1), from the anchors of the letterhead's shapes.

The 发文机关标志 is a text box and the two red double lines are line shapes, anchored to the page
(DrawingML ``wp:anchor``, written alone or as the ``mc:Choice`` of an ``mc:AlternateContent``
whose VML fallback Word ignores when it reads the choice). Their offsets say where Word draws
them: the name's top 30 mm from the page top; the upper double line (thick over thin) 4 mm
under the name; the lower one (thin over thick) with its foot 20 mm above the page bottom; both
lines 170 mm long and centred on the page. A document without such shapes is no 信函格式 and
has nothing here to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportgen.checking.document import Checker, parse_number, w
from reportgen.checking.parts import CheckedParagraph
from reportgen.core.i18n import _
from reportgen.wordml.styles import lookup

_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
EMU_PER_MM = 36000
EMU_PER_PT = 12700
MM_PER_PT = 25.4 / 72
TWIPS_PER_MM = 56.6929
NAME_TOP_MM = 30.0
RULE_GAP_MM = 4.0
BOTTOM_RULE_MM = 20.0
RULE_LENGTH_MM = 170.0
TOLERANCE_MM = 1.0
# Where the ink of a CJK name sits in its line: its top 0.05 em above the line's top, 0.94 em
# tall (measured on the rendered letterhead, as rendering/letterhead.py places it).
NAME_INK_TOP, NAME_INK_HEIGHT = -0.05, 0.94
_NAME_PT = 26  # 一号, the name's usual size
_DEFAULT_INSET_EMU = 45720  # a text box's inner margin when bodyPr sets none (0.127 cm)
_DEFAULT_LINE_EMU = 9525  # a line's width when a:ln sets none (0.75 pt)
_PLACE = "信函格式"
_UNFIXED = "unfixed"
_NO_TITLE = 7  # without a title, shapes in the first six paragraphs are taken as the letterhead


@dataclass(frozen=True)
class Shape:
    """One anchored shape: where it is on the page (mm) and what it is."""

    top: float  # mm from the page's top edge to the shape's top (a line's centre)
    left: float  # mm from the page's left edge
    width: float  # mm
    weight: float  # a line's width in points (0 for a text box)
    name_size: float  # a text box's type size in points (0 for a line)


def check_letterhead(checker: Checker, parts: list[CheckedParagraph]) -> None:
    """The name 30 mm from the top, the double lines 4 mm under it and 20 mm above the
    bottom, 170 mm long and centred; thick over thin above, thin over thick below. The
    letterhead is the shapes anchored above the title."""
    anchors = [a for p in _above_title(checker, parts) for a in p.iter(f"{_WP}anchor")]
    found = [_shape(checker, anchor) for anchor in anchors]
    if _UNFIXED in found:  # nothing can be measured from a shape that moves with the text
        _report_unfixed(checker)
        return
    shapes = [shape for shape in found if isinstance(shape, Shape)]
    names = [s for s in shapes if s.name_size]
    lines = sorted((s for s in shapes if not s.name_size), key=lambda s: s.top)
    if not names and not lines:
        return
    paper_width, paper_height = _paper_mm(checker)
    upper = [s for s in lines if s.top < paper_height / 2]
    lower = [s for s in lines if s.top >= paper_height / 2]
    if names:
        _check_name(checker, names[0], paper_width)
    _check_rule(checker, upper, names[0] if names else None, paper_width, upper=True)
    _check_rule(checker, lower, None, paper_width, upper=False, paper_height=paper_height)


def _above_title(checker: Checker, parts: list[CheckedParagraph]) -> list[Any]:
    """The body paragraphs above the title (the first ones, when no title was found)."""
    paragraphs = checker.body.findall(w("p")) if checker.body is not None else []
    title = next((part.number for part in parts if part.role == "标题"), _NO_TITLE)
    return paragraphs[: title - 1]


def _paper_mm(checker: Checker) -> tuple[float, float]:
    """The paper's width and height in mm (A4 when the page setup does not say)."""
    size = checker.section.find(w("pgSz")) if checker.section is not None else None
    width = parse_number(size.get(w("w")) or "") if size is not None else None
    height = parse_number(size.get(w("h")) or "") if size is not None else None
    return (width or 11906) / TWIPS_PER_MM, (height or 16838) / TWIPS_PER_MM


def _shape(checker: Checker, anchor: Any) -> Shape | str | None:
    """The letterhead shape ``anchor`` holds (a line, or a text box with text), None for
    any other drawing, ``_UNFIXED`` for one placed relative to the text, whose place on the
    page check cannot know."""
    shape = anchor.find(f".//{_WPS}wsp")
    if shape is None:
        return None
    is_line = shape.find(f"{_WPS}cNvCnPr") is not None or _preset(shape) == "line"
    box = shape.find(f".//{_WPS}txbx")
    if not is_line and box is None:
        return None
    top, left = _offset(checker, anchor, "V"), _offset(checker, anchor, "H")
    if top is None or left is None:
        return _UNFIXED
    extent = anchor.find(f"{_WP}extent")
    cx = parse_number(extent.get("cx") or "") if extent is not None else None
    cy = parse_number(extent.get("cy") or "") if extent is not None else None
    width, height = (cx or 0) / EMU_PER_MM, (cy or 0) / EMU_PER_MM
    if is_line:
        return Shape(top + height / 2, left, width, _line_weight(shape), 0.0)
    size = _name_size(checker, box)
    return Shape(top + _inset(shape) / EMU_PER_MM, left, width, 0.0, size) if size else None


def _preset(shape: Any) -> str:
    """The shape's preset geometry (line, rect …), or empty."""
    geometry = shape.find(f".//{_A}prstGeom")
    return str(geometry.get("prst") or "") if geometry is not None else ""


def _offset(checker: Checker, anchor: Any, axis: str) -> float | None:
    """The anchor's offset on ``axis`` (H, V) from the page's edge in mm, or None when it is
    placed relative to the text (paragraph, line, column, character) or by alignment other
    than centring across the page."""
    position = anchor.find(f"{_WP}position{axis}")
    if position is None:
        return None
    relative = position.get("relativeFrom") or ""
    offset = position.find(f"{_WP}posOffset")
    if offset is not None:
        value = parse_number(offset.text or "")
        base = _margin_mm(checker, "top" if axis == "V" else "left", relative)
        return None if value is None or base is None else base + value / EMU_PER_MM
    align = position.find(f"{_WP}align")
    centred = align is not None and (align.text or "") == "center"
    if axis == "H" and centred and relative == "page":
        extent = anchor.find(f"{_WP}extent")
        cx = parse_number(extent.get("cx") or "") if extent is not None else None
        return (_paper_mm(checker)[0] - (cx or 0) / EMU_PER_MM) / 2
    return None


def _margin_mm(checker: Checker, side: str, relative: str) -> float | None:
    """Where ``relative`` (page, margin …) starts from the page's edge on ``side``, in mm;
    None for a base that moves with the text."""
    if relative == "page":
        return 0.0
    if relative not in ("margin", "topMargin", "leftMargin"):
        return None
    if relative in ("topMargin", "leftMargin"):
        return 0.0
    margins = checker.section.find(w("pgMar")) if checker.section is not None else None
    value = parse_number(margins.get(w(side)) or "") if margins is not None else None
    return (value or 0) / TWIPS_PER_MM


def _line_weight(shape: Any) -> float:
    """A line's width in points (a:ln/@w, 0.75 pt when unset)."""
    line = shape.find(f".//{_A}ln")
    value = parse_number(line.get("w") or "") if line is not None else None
    return (value if value is not None else _DEFAULT_LINE_EMU) / EMU_PER_PT


def _inset(shape: Any) -> float:
    """A text box's top inner margin in EMU (bodyPr/@tIns, 0.127 cm when unset)."""
    body = shape.find(f"{_WPS}bodyPr")
    value = parse_number(body.get("tIns") or "") if body is not None else None
    return value if value is not None else _DEFAULT_INSET_EMU


def _name_size(checker: Checker, box: Any) -> float:
    """The type size in points of the first run with text in text box ``box``, 0 if none."""
    for p in box.iter(w("p")):
        for run in p.iter(w("r")):
            if any((t.text or "").strip() for t in run.iter(w("t"))):
                size = lookup(checker.styles.rpr_levels(p, run), "sz", "val")
                return (parse_number(size or "") or 20) / 2
    return 0.0


def _check_name(checker: Checker, name: Shape, paper_width: float) -> None:
    """The 发文机关标志's top 30 mm from the page top, centred."""
    ink_top = name.top + NAME_INK_TOP * name.name_size * MM_PER_PT
    hint = _("Move the name's text box back: top 30 mm from the page top, centred.")
    if abs(ink_top - NAME_TOP_MM) > TOLERANCE_MM:
        checker.add(
            "letterhead",
            _(
                "The issuer's name (发文机关标志) starts {top} mm from the top of the page; "
                "GB/T 9704 §10.1 wants 30 mm."
            ),
            hint,
            _PLACE,
            top=f"{ink_top:.1f}",
        )
    offset = name.left + name.width / 2 - paper_width / 2
    if abs(offset) > TOLERANCE_MM:
        checker.add(
            "letterhead",
            _(
                "The issuer's name (发文机关标志) is {offset} mm off the page's centre; "
                "GB/T 9704 §10.1 centres it."
            ),
            hint,
            _PLACE,
            offset=_signed(offset),
        )


def _check_rule(
    checker: Checker,
    lines: list[Shape],
    name: Shape | None,
    paper_width: float,
    *,
    upper: bool,
    paper_height: float = 0.0,
) -> None:
    """One red double line: two lines, thick over thin above (thin over thick below), 4 mm
    under the name (its foot 20 mm above the page bottom), 170 mm long and centred."""
    message = _RULE_MESSAGES[upper]
    if len(lines) != 2:
        checker.add("letterhead", message["count"], _RULE_HINT, _PLACE, count=len(lines))
        return
    first, second = lines
    if (first.weight > second.weight) != upper or first.weight == second.weight:
        checker.add("letterhead", message["order"], _RULE_HINT, _PLACE)
    if upper:  # from where the name belongs, so that a moved name is one finding, not two
        actual = first.top - first.weight / 2 * MM_PER_PT
        wanted = _name_foot(name) + RULE_GAP_MM
    else:
        actual = paper_height - (second.top + second.weight / 2 * MM_PER_PT)
        wanted = BOTTOM_RULE_MM
    if abs(actual - wanted) > TOLERANCE_MM:
        checker.add(
            "letterhead",
            message["distance"],
            _RULE_HINT,
            _PLACE,
            actual=f"{actual:.1f}",
            wanted=f"{wanted:.1f}",
        )
    _check_rule_span(checker, lines, paper_width, message["span"])


def _name_foot(name: Shape | None) -> float:
    """Where the name's ink ends when its top is where §10.1 puts it, 30 mm from the page
    top, in mm from the page top (a 一号 name's when there is no name)."""
    size = name.name_size if name is not None else _NAME_PT
    return NAME_TOP_MM + NAME_INK_HEIGHT * size * MM_PER_PT


def _check_rule_span(
    checker: Checker, lines: list[Shape], paper_width: float, message: str
) -> None:
    """Both lines of a double line 170 mm long and centred on the page."""
    for line in lines:
        centre = line.left + line.width / 2
        if (
            abs(line.width - RULE_LENGTH_MM) > TOLERANCE_MM
            or abs(centre - paper_width / 2) > TOLERANCE_MM
        ):
            checker.add(
                "letterhead",
                message,
                _RULE_HINT,
                _PLACE,
                length=f"{line.width:.1f}",
                offset=_signed(centre - paper_width / 2),
            )
            return


def _signed(mm: float) -> str:
    """A signed distance in mm to a tenth (+0.0, not -0.0)."""
    return f"{round(mm, 1) + 0.0:+.1f}"


def _report_unfixed(checker: Checker) -> None:
    """One finding: a letterhead shape placed relative to the text moves with it."""
    checker.add(
        "letterhead",
        _(
            "A shape of the letterhead is placed relative to the text, so it moves when the "
            "text does; GB/T 9704 §10.1 fixes its distances from the page's edges."
        ),
        _("Set the shape's position relative to the page (Layout → Position → Page)."),
        _PLACE,
    )


_RULE_HINT = _(
    "Rebuild the document with --letterhead, or move the lines back: 170 mm long, centred, "
    "the upper pair 4 mm under the name (thick over thin), the lower pair 20 mm above the "
    "page bottom (thin over thick)."
)
_RULE_MESSAGES = {
    True: {
        "count": _(
            "The upper red double line has {count} lines; GB/T 9704 §10.1 wants two, "
            "thick over thin."
        ),
        "order": _("The upper red double line is not thick over thin (GB/T 9704 §10.1)."),
        "distance": _(
            "The upper red double line is {actual} mm from the top of the page; GB/T 9704 "
            "§10.1 puts it 4 mm under the issuer's name, at {wanted} mm."
        ),
        "span": _(
            "A line of the upper red double line is {length} mm long, its centre {offset} mm "
            "off the page's; GB/T 9704 §10.1 wants 170 mm, centred."
        ),
    },
    False: {
        "count": _(
            "The lower red double line has {count} lines; GB/T 9704 §10.1 wants two, "
            "thin over thick."
        ),
        "order": _("The lower red double line is not thin over thick (GB/T 9704 §10.1)."),
        "distance": _(
            "The lower red double line ends {actual} mm above the bottom of the page; "
            "GB/T 9704 §10.1 wants {wanted} mm."
        ),
        "span": _(
            "A line of the lower red double line is {length} mm long, its centre {offset} mm "
            "off the page's; GB/T 9704 §10.1 wants 170 mm, centred."
        ),
    },
}
