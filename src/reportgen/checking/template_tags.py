"""The tags of a Word template as docxtpl will see them (模板标签检查): placement and variables.

Render-side module (python-docx elements, Jinja's own lexer and parser). Each story (the body,
each header and footer) becomes Jinja source with one line per paragraph, so a Jinja line
number is a paragraph number. docxtpl's own prefixes ({%p, {%tr, {%tc, {{r) are noted and
removed the way docxtpl removes them before Jinja parses the rest.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reportgen.core.i18n import _
from reportgen.rendering.context import RenderContext

_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
# docxtpl's prefixes: p, tr and tc replace their whole paragraph, row or cell with the tag;
# r replaces its run. Written straight after the opener: {%p for … %}, {{r rich }}.
_PREFIXES = ("tr", "tc", "p", "r")
_WHOLE = ("p", "tr", "tc")
# docxtpl's table-cell helpers, turned into plain Jinja before parsing, as docxtpl does.
_CELL_HELPERS = ("colspan", "cellbg")
_MERGE_HELPERS = ("vm", "hm")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_BLOCKS = ("for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set")
_MIDDLES = ("else", "elif")
ANY: Any = object()  # a value whose shape lint does not follow (a string, a Jinja global …)


@dataclass(frozen=True)
class Tag:
    """One {{ }}, {% %} or {# #} tag in a paragraph: where it is and its docxtpl prefix."""

    start: int
    end: int
    opener: str
    prefix: str  # "", "p", "tr", "tc" or "r"
    source: str  # the tag as Jinja will read it, prefix removed


@dataclass(frozen=True)
class TemplateParagraph:
    """One paragraph as docxtpl sees it: its text, the w:t elements it is made of, its tags."""

    number: int  # 1-based, in document order within its story
    text: str
    pieces: tuple[tuple[int, Any], ...]  # (offset of the piece in text, its w:t element)
    in_table: bool
    tags: tuple[Tag, ...]
    unclosed: int  # offset of a tag that opens and never closes in this paragraph, or -1

    def excerpt(self, limit: int = 40) -> str:
        """The paragraph's text, cut short for a message."""
        text = self.text.strip()
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def jinja_line(self) -> str:
        """The paragraph as one line of Jinja source: text as it is, tags without prefixes."""
        out, cursor = [], 0
        for tag in self.tags:
            out += [self.text[cursor : tag.start], tag.source]
            cursor = tag.end
        out.append(self.text[cursor:] if self.unclosed < 0 else self.text[cursor : self.unclosed])
        return "".join(out).replace("\n", " ")


@dataclass(frozen=True)
class Problem:
    """A problem in one paragraph (0 for the whole story): message id, params, severity."""

    paragraph: int
    message: str
    params: dict[str, Any]
    code: str
    error: bool = True


# ---------------------------------------------------------------- reading paragraphs


def read_story(root: Any) -> tuple[TemplateParagraph, ...]:
    """Every paragraph under ``root`` (a body, header or footer element), tables included."""
    from docx.oxml.ns import qn

    paragraphs = []
    for number, p in enumerate(root.iter(qn("w:p")), start=1):
        pieces, offset = [], 0
        for t in p.iter(qn("w:t")):
            if next(t.iterancestors(qn("w:p"))) is not p:
                continue  # a text box's own paragraph, read on its own
            pieces.append((offset, t))
            offset += len(t.text or "")
        text = "".join(t.text or "" for _o, t in pieces)
        in_table = next(p.iterancestors(qn("w:tc")), None) is not None
        tags, unclosed = scan_tags(text)
        paragraphs.append(
            TemplateParagraph(number, text, tuple(pieces), in_table, tuple(tags), unclosed)
        )
    return tuple(paragraphs)


def scan_tags(text: str) -> tuple[list[Tag], int]:
    """The tags of a paragraph's text, and the offset of one left open (-1 if none)."""
    tags: list[Tag] = []
    cursor = 0
    while True:
        starts = [(text.find(o, cursor), o) for o in _OPENERS if text.find(o, cursor) >= 0]
        if not starts:
            return tags, -1
        start, opener = min(starts)
        close = text.find(_OPENERS[opener], start + 2)
        if close < 0:
            return tags, start
        tags.append(_tag(text[start : close + 2], start, close + 2, opener))
        cursor = close + 2


def _tag(raw: str, start: int, end: int, opener: str) -> Tag:
    """A Tag with its docxtpl prefix noted and removed, Word's curly quotes made straight."""
    inner = raw[2:-2]
    prefix = next((p for p in _PREFIXES if inner.startswith(p + " ")), "")
    if prefix:
        inner = inner[len(prefix) :]
    words = inner.split()
    if opener == "{%" and words and words[0] in _CELL_HELPERS:
        return Tag(start, end, opener, prefix, "{{ " + " ".join(words[1:]) + " }}")
    if opener == "{%" and words and words[0] in _MERGE_HELPERS:
        return Tag(start, end, opener, prefix, "")
    return Tag(start, end, opener, prefix, opener + inner.translate(_QUOTES) + raw[-2:])


# ---------------------------------------------------------------- placement


def placement_problems(paragraphs: tuple[TemplateParagraph, ...]) -> Iterator[Problem]:
    """Tags docxtpl cannot handle where they are: open, split, doubled or out of place."""
    for paragraph in paragraphs:
        if paragraph.unclosed >= 0:
            piece = paragraph.text[paragraph.unclosed : paragraph.unclosed + 30]
            yield Problem(
                paragraph.number,
                _("“{text}”: the tag {tag} opens here but does not close in this paragraph."),
                {"text": paragraph.excerpt(), "tag": piece},
                "tag-unclosed",
            )
        yield from _prefix_problems(paragraph)
        for tag in paragraph.tags:
            yield from _run_problems(paragraph, tag)


def _prefix_problems(paragraph: TemplateParagraph) -> Iterator[Problem]:
    """{%p / {%tr / {%tc: one to a paragraph, alone in it, tr and tc only in a table."""
    whole = [t for t in paragraph.tags if t.prefix in _WHOLE]
    params = {"text": paragraph.excerpt()}
    if len(whole) > 1:
        yield Problem(
            paragraph.number,
            _(
                "“{text}”: {count} tags with {{%p, {{%tr or {{%tc in one paragraph; docxtpl keeps only the first. Put each in a paragraph of its own."
            ),
            {**params, "count": len(whole)},
            "tag-prefix-twice",
        )
    elif whole and _text_beside(paragraph, whole[0]).strip():
        yield Problem(
            paragraph.number,
            _(
                "“{text}”: a {{%{prefix} …%}} tag replaces its whole paragraph, so the other text and tags in it are lost."
            ),
            {**params, "prefix": whole[0].prefix},
            "tag-prefix-text",
        )
    for tag in whole:
        if tag.prefix in ("tr", "tc") and not paragraph.in_table:
            yield Problem(
                paragraph.number,
                _(
                    "“{text}”: {{%{prefix} …%}} belongs in a table cell; outside a table use {{%p …%}}."
                ),
                {**params, "prefix": tag.prefix},
                "tag-outside-table",
            )


def _text_beside(paragraph: TemplateParagraph, tag: Tag) -> str:
    """What else the paragraph holds, other tags included: docxtpl drops all of it."""
    return paragraph.text[: tag.start] + paragraph.text[tag.end :]


def _run_problems(paragraph: TemplateParagraph, tag: Tag) -> Iterator[Problem]:
    """A tag over several runs: an error if they sit in different places, else a warning."""
    from lxml import etree

    pieces = [
        t
        for offset, t in paragraph.pieces
        if offset < tag.end and offset + len(t.text or "") > tag.start
    ]
    if len(pieces) < 2:
        return
    runs = [t.getparent() for t in pieces]
    params = {"text": paragraph.text[tag.start : tag.end], "count": len(runs)}
    if len({r.getparent() for r in runs}) > 1:
        yield Problem(
            paragraph.number,
            _(
                "“{text}”: the tag is split over {count} runs that sit in different places (a link, a tracked change or a field); docxtpl cannot join them. Delete the tag and type it again in one go."
            ),
            params,
            "tag-split-places",
        )
        return
    formats = {etree.tostring(r.rPr) if r.rPr is not None else b"" for r in runs}
    if len(formats) > 1:
        yield Problem(
            paragraph.number,
            _(
                "“{text}”: Word split the tag over {count} runs with different formatting; docxtpl joins them but keeps only the first run's formatting."
            ),
            params,
            "tag-split-runs",
            error=False,
        )


def block_problems(paragraphs: tuple[TemplateParagraph, ...], env: Any) -> Iterator[Problem]:
    """Blocks ({% for %} … {% endfor %}) that span paragraphs must use one docxtpl prefix."""
    by_number = {p.number: p for p in paragraphs}
    for block in _blocks(paragraphs, env):
        opener = block[0]
        if len({number for number, _t in block}) == 1:
            continue
        paragraph, tag = by_number[opener[0]], opener[1]
        if tag.prefix not in _WHOLE:
            yield _across_problem(paragraph, tag)
            continue
        for number, other in block[1:]:
            if other.prefix != tag.prefix:
                yield Problem(
                    number,
                    _(
                        "“{text}”: write this tag with {{%{prefix} as well: its block starts with {opener} in paragraph {paragraph}."
                    ),
                    {
                        "text": other.source,
                        "prefix": tag.prefix,
                        "opener": paragraph.text[tag.start : tag.end],
                        "paragraph": opener[0],
                    },
                    "block-prefix-mismatch",
                )


def _across_problem(paragraph: TemplateParagraph, tag: Tag) -> Problem:
    params = {"text": paragraph.text[tag.start : tag.end]}
    if paragraph.in_table:
        return Problem(
            paragraph.number,
            _(
                "“{text}”: a block inside a table that ends in another paragraph needs {{%tr …%}} to repeat rows (or {{%tc …%}} for columns, {{%p …%}} for paragraphs)."
            ),
            params,
            "block-in-table",
        )
    return Problem(
        paragraph.number,
        _(
            "“{text}”: this block ends in another paragraph; write it {{%p …%}}, alone in its paragraph, and its end tag the same way."
        ),
        params,
        "block-across-paragraphs",
    )


def _blocks(paragraphs: tuple[TemplateParagraph, ...], env: Any) -> list[list[tuple[int, Tag]]]:
    """Each block's tags in order (opener, middles, end) with their paragraph numbers."""
    blocks: list[list[tuple[int, Tag]]] = []
    stack: list[list[tuple[int, Tag]]] = []
    for paragraph in paragraphs:
        tags = iter(t for t in paragraph.tags if t.source.startswith("{%"))
        for name, assigns in _block_names(paragraph.jinja_line(), env):
            tag = next(tags, None)
            if tag is None:
                break
            if name in _BLOCKS and not (name == "set" and assigns):
                stack.append([(paragraph.number, tag)])
            elif (name in _MIDDLES or name.startswith("end")) and stack:
                stack[-1].append((paragraph.number, tag))
                if name.startswith("end"):
                    blocks.append(stack.pop())
    return blocks


def _block_names(line: str, env: Any) -> Iterator[tuple[str, bool]]:
    """For each {% %} tag of a line: its name, and whether it assigns (set x = …)."""
    from jinja2 import TemplateSyntaxError

    name, assigns, inside = "", False, False
    try:
        for _lineno, kind, value in env.lex(line):
            if kind == "block_begin":
                name, assigns, inside = "", False, True
            elif inside and kind == "name" and not name:
                name = value
            elif inside and kind == "operator" and value == "=":
                assigns = True
            elif kind == "block_end":
                inside = False
                yield name, assigns
    except TemplateSyntaxError:
        return  # reported by the parse, with its message


# ---------------------------------------------------------------- variables


class VariableCheck:
    """Walks a parsed template: names and attributes checked against the render context."""

    def __init__(self, field_keys: set[str] | None, known_globals: set[str]) -> None:
        self.field_keys = field_keys  # None when the schema could not be read
        self.globals = known_globals
        self.top = typing.get_type_hints(RenderContext)
        self.used: set[str] = set()  # context paths the template reads: parts, fields.contact …
        self.problems: list[Problem] = []

    def statement(self, node: Any, scope: dict[str, Any]) -> None:
        """Check one statement node and everything under it."""
        from jinja2 import nodes

        if isinstance(node, nodes.For):
            element = _element(self.expr(node.iter, scope)[0])
            inner = {**scope, "loop": ANY}
            self.bind(node.target, element, inner)
            for child in [*node.body, *([node.test] if node.test else [])]:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
        elif isinstance(node, nodes.Assign):
            self.expr(node.node, scope)
            self.bind(node.target, ANY, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock, nodes.With, nodes.AssignBlock)):
            self.scoped(node, scope)
        else:
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def scoped(self, node: Any, scope: dict[str, Any]) -> None:
        """Macros, call blocks, with and block-set: their own names bound, then their body."""
        from jinja2 import nodes

        if isinstance(node, nodes.Macro):
            scope[node.name] = ANY  # before its body: a macro may call itself
        inner = {**scope, "caller": ANY, "varargs": ANY, "kwargs": ANY}
        if isinstance(node, nodes.AssignBlock):
            self.bind(node.target, ANY, scope)
        for value in getattr(node, "values", []) + getattr(node, "defaults", []):
            self.expr(value, scope)
        for target in getattr(node, "targets", []) + getattr(node, "args", []):
            self.bind(target, ANY, inner)
        if isinstance(node, nodes.CallBlock):
            self.expr(node.call, scope)
        for child in node.body:
            self.visit(child, inner)

    def visit(self, node: Any, scope: dict[str, Any]) -> None:
        """A statement or an expression."""
        from jinja2 import nodes

        if isinstance(node, nodes.Expr):
            self.expr(node, scope)
        else:
            self.statement(node, scope)

    def bind(self, target: Any, shape: Any, scope: dict[str, Any]) -> None:
        """Bind a loop or set target (a name, or a tuple of names) in ``scope``."""
        from jinja2 import nodes

        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY, scope)

    def expr(self, node: Any, scope: dict[str, Any]) -> tuple[Any, str | None]:
        """The shape of an expression and its context path (``signature.issuer``) if any."""
        from jinja2 import nodes

        if isinstance(node, nodes.Name):
            return self.name(node, scope)
        if isinstance(node, nodes.Getattr):
            return self.member(node, node.attr, scope)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            if isinstance(node.arg.value, str):
                return self.member(node, node.arg.value, scope)
            return _element(self.expr(node.node, scope)[0]), None
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return ANY, None

    def name(self, node: Any, scope: dict[str, Any]) -> tuple[Any, str | None]:
        """A bare name: a local, a context variable or a Jinja global; anything else is wrong."""
        if node.name in scope:
            return scope[node.name], None
        if node.name in self.top:
            self.used.add(node.name)
            return self.top[node.name], node.name
        if node.name not in self.globals:
            self.problems.append(
                Problem(
                    node.lineno,
                    _("“{text}”: {name} is not in the render context (it has: {known})."),
                    {"name": node.name, "known": ", ".join(self.top)},
                    "unknown-variable",
                )
            )
        return ANY, None

    def member(self, node: Any, attr: str, scope: dict[str, Any]) -> tuple[Any, str | None]:
        """``base.attr``: a field of a context dataclass, or a schema field under fields."""
        base, path = self.expr(node.node, scope)
        new_path = f"{path}.{attr}" if path else None
        if dataclasses.is_dataclass(base) and isinstance(base, type):
            hints = typing.get_type_hints(base)
            if attr in hints:
                self.used.add(new_path or "")
                return hints[attr], new_path
            message = _("“{text}”: {name} has no {attr} (it has: {known}).")
            self._problem(node, message, attr, hints, "unknown-attribute")
            return ANY, None
        if typing.get_origin(base) is dict:
            if self.field_keys is None or attr in self.field_keys:
                self.used.add(new_path or "")
                return str, new_path
            self._problem(
                node,
                _("“{text}”: {name}.{attr} is not a field in schema.toml (fields: {known})."),
                attr,
                sorted(self.field_keys),
                "unknown-field",
            )
        return ANY, None

    def _problem(self, node: Any, message: str, attr: str, known: Any, code: str) -> None:
        params = {"name": _dotted(node.node), "attr": attr, "known": ", ".join(known)}
        self.problems.append(Problem(node.lineno, message, params, code))


def _element(shape: Any) -> Any:
    """What iterating a value of ``shape`` gives: the element type of a tuple, else ANY."""
    args = typing.get_args(shape)
    return args[0] if typing.get_origin(shape) is tuple and args else ANY


def _dotted(node: Any) -> str:
    """``signature`` or ``part.paragraphs``: the expression as written, for a message."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return str(node.name)
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"
