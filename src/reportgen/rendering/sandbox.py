"""The bounded sandbox (受限沙箱) every template runs in: nothing to load, and limits on work,
time, size and depth, so that a template an office brings can neither reach out nor run away.

Jinja's ImmutableSandboxedEnvironment already refuses private attributes, changes to lists
and dicts, and ranges of more than 100,000 (MAX_RANGE). It leaves the work a template does
unbounded: ``"x" * 10**9``, a loop of 100,000 inside another, a macro calling itself,
``"{:>100000000}".format(x)``, or a value doubled statement after statement. Here

- a template that includes, imports or extends is refused when it is parsed (there is no
  loader: a template is one Word document);
- the parsed template is rewritten so that every loop counts its turns and every ``~`` join,
  comparison and ``{% set %}`` block measures its values;
- every call, filter, test, attribute, operator and loop turn counts against one budget of
  steps and one deadline, per render, and the output is counted as it is produced;
- a value is measured (what ``str`` would print, containers followed through) before it is
  printed, joined, compared or handed to a filter, and an integer argument (a width, a count,
  a precision) may not exceed MAX_RANGE;
- the filters that only pad, wrap or serialise text (center, indent, wordwrap, tojson …) are
  left out, as is ``lipsum``: a Word template has no use for them.

Every limit ends in a ``TemplateLimit`` (a Jinja TemplateError carrying a message id), and any
other exception the template raises (``1/0``) in a Jinja error: ``jinja.template_error`` turns
both into one TemplateError line.
"""

from __future__ import annotations

import contextvars
import functools
import io
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from jinja2 import nodes, pass_context
from jinja2.environment import Template
from jinja2.exceptions import TemplateError as JinjaError
from jinja2.exceptions import TemplateRuntimeError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import (
    MAX_RANGE,
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import _PassArg
from markupsafe import Markup

from reportgen.core.i18n import _

# The limits, each with its reason. A letter of 10,000 paragraphs (far beyond any real one)
# takes about 100,000 steps, renders to about 10 million characters and runs in a second.
STEP_LIMIT = 1_000_000  # loop turns, calls, filters, attributes and operators in one render
SECONDS_LIMIT = 10.0  # wall-clock time of one render (the body, a header or a footer)
# The two size limits are beyond the report's own text (what the render is given): a big
# report may hold more than 4 million characters, and a template may pass all of it around.
OUTPUT_LIMIT = 32_000_000  # characters of XML one render produces, besides twice the data
VALUE_LIMIT = 4_000_000  # characters one value would print as (a list: all its items)
ARGUMENT_LIMIT = MAX_RANGE  # an integer argument: a width, a count, a precision
INT_BITS_LIMIT = 100_000  # an integer made by * or ** (about 30,000 digits)
DEPTH_LIMIT = 100  # lists inside lists, when a value is measured
_KEPT_LENGTH = 64  # a container this long is measured once per render (see measure)

# Tags that would need a loader; a template is one Word document.
REFUSED_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
}
# Filters that only pad, wrap or serialise text, whose arguments multiply their output.
_LEFT_OUT_FILTERS = ("center", "indent", "wordwrap", "tojson", "pprint", "xmlattr", "urlize")
# Filters that turn a text into a list of its characters.
_EXPLODING_FILTERS = ("list", "sort", "unique", "batch", "slice")
# Filters whose integer arguments are counts or precisions (round(10, -10**9) runs for hours).
_COUNTING_FILTERS = ("batch", "slice", "round", "truncate")
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")

# What stops a render, each a message without fields (lint shows it as it is, build after
# the file's name): the limits are written out, test_templates_hostile keeps them in step.
TOO_MANY_STEPS = _(
    "it takes more than 1,000,000 steps (a loop inside a loop over large ranges?). Make its "
    "loops go over the report's own parts and paragraphs."
)
TOO_SLOW = _(
    "it ran for more than 10 seconds. Make its loops go over the report's own parts and paragraphs."
)
TOO_LONG = _(
    "it would write 32,000,000 characters more than the report's own text. Make its loops go "
    "over the report's own parts and paragraphs."
)
TOO_BIG = _(
    "it makes a value 4,000,000 characters longer than the report's own text (a text repeated "
    "or joined too many times?)."
)
TOO_LARGE_NUMBER = _("it uses a width, count or precision above 100,000.")
TOO_DEEP = _("it goes too deep (a macro that calls itself, or lists inside lists?).")
REFUSED_TAG = _(
    "{file}: the template uses {{% {tag} %}}, which reportgen does not allow: a template is one "
    "Word document, with nothing to include, import or extend. Copy what it needs into "
    "template.docx (a piece used twice can be a {{% macro %}}); reportgen templates lint shows "
    "the paragraph."
)


class TemplateLimit(JinjaError):
    """A limit of the sandbox reached: ``problem`` is its message id (no fields)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class RefusedTag(JinjaError):
    """A tag that would need a loader (include, import, extends), found when parsing."""

    def __init__(self, tag: str) -> None:
        super().__init__(f"{{% {tag} %}} is not allowed")
        self.tag = tag


# ---------------------------------------------------------------- the budget of one render


@dataclass
class _Budget:
    """Steps taken, characters written and the deadline of the render under way."""

    deadline: float
    value_limit: int = VALUE_LIMIT
    output_limit: int = OUTPUT_LIMIT
    steps: int = 0
    written: int = 0
    sizes: dict[int, tuple[Any, int]] = field(default_factory=dict)  # see measure

    def step(self) -> None:
        self.steps += 1
        if self.steps > STEP_LIMIT:
            raise TemplateLimit(TOO_MANY_STEPS)
        if time.monotonic() > self.deadline:
            raise TemplateLimit(TOO_SLOW)

    def write(self, chunk: str) -> None:
        self.written += len(chunk)
        if self.written > self.output_limit:
            raise TemplateLimit(TOO_LONG)


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "reportgen_template_budget", default=None
)


def _step() -> None:
    """One step of the render under way (none outside a render: Jinja folding constants)."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()


class BoundedTemplate(Template):
    """A template whose render counts its steps, its time and its output."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The rendered text, or a Jinja error: a TemplateLimit, or what the template raised."""
        data = _size_of_data((*args, kwargs))
        budget = _Budget(
            deadline=time.monotonic() + SECONDS_LIMIT,
            value_limit=VALUE_LIMIT + data,
            output_limit=OUTPUT_LIMIT + 2 * data,
        )
        token = _BUDGET.set(budget)
        out = io.StringIO()
        try:
            for chunk in self.generate(*args, **kwargs):
                budget.write(chunk)
                out.write(chunk)
        except JinjaError:
            raise
        except RecursionError as exc:
            raise TemplateLimit(TOO_DEEP) from exc
        except MemoryError as exc:
            raise TemplateLimit(TOO_BIG) from exc
        except Exception as exc:  # 1/0, a wrong type: whatever the template's own code raises
            raise TemplateRuntimeError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            _BUDGET.reset(token)
        return out.getvalue()


# ---------------------------------------------------------------- measuring values


def measure(value: Any) -> int:
    """About how many characters ``str(value)`` prints, lists and dicts followed through
    (each shared one counted once per use, which is what printing does); TemplateLimit past
    VALUE_LIMIT. Within a render each container is measured once (the sandbox lets no
    template change one), so a filter on the report's parts in a loop stays cheap."""
    budget = _BUDGET.get()
    kept: dict[int, tuple[Any, int]] = budget.sizes if budget is not None else {}
    seen: dict[int, int] = {}  # this walk's: a list shared a thousand times is walked once
    limit = _value_limit()

    def walk(item: Any, depth: int) -> int:
        if isinstance(item, (str, bytes, bytearray)):
            return len(item)
        if isinstance(item, bool) or item is None or isinstance(item, float):
            return 24
        if isinstance(item, int):
            return item.bit_length() // 3 + 1
        if not isinstance(item, (list, tuple, dict, set, frozenset)):
            return 1
        known = kept.get(id(item))
        if known is not None and known[0] is item:  # the same object, kept alive by kept
            return known[1]
        if id(item) in seen:
            return seen[id(item)]
        if depth > DEPTH_LIMIT:
            raise TemplateLimit(TOO_DEEP)
        total = 2
        for child in (x for kv in item.items() for x in kv) if isinstance(item, dict) else item:
            total += walk(child, depth + 1) + 2
            if total > limit:
                raise TemplateLimit(TOO_BIG)
        seen[id(item)] = total
        if len(item) >= _KEPT_LENGTH:
            kept[id(item)] = (item, total)
        return total

    size = walk(value, 0)
    _limit_size(size)
    return size


def _value_limit() -> int:
    """VALUE_LIMIT beyond the size of the data the render under way was given."""
    budget = _BUDGET.get()
    return VALUE_LIMIT if budget is None else budget.value_limit


def _size_of_data(data: Any) -> int:
    """What the data a render is given would print as: the report's own text, measured
    without a limit (it is what it is)."""
    token = _BUDGET.set(_Budget(deadline=0.0, value_limit=1 << 62))
    try:
        return measure(data)
    finally:
        _BUDGET.reset(token)


def _limit_size(size: int) -> None:
    if size > _value_limit():
        raise TemplateLimit(TOO_BIG)


def _limit_numbers(values: Iterable[Any]) -> None:
    """Integer arguments (widths, counts, precisions) no larger than ARGUMENT_LIMIT."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > ARGUMENT_LIMIT:
            raise TemplateLimit(TOO_LARGE_NUMBER)


def _limit_printf(text: str, args: Any) -> None:
    """``text % args``: widths and precisions bounded, and the result's size."""
    specs = _PRINTF.findall(text)
    numbers = [int(n) for spec in specs for n in spec if n.isdigit()]
    _limit_numbers(numbers)
    if any("*" in spec for spec in specs):
        values = args.values() if isinstance(args, dict) else args
        _limit_numbers(values if isinstance(values, (tuple, list)) else [values])
    _limit_size(len(text) + len(specs) * measure(args) + sum(numbers))


def _limit_replace(text: str, old: Any, new: Any) -> None:
    """``text.replace(old, new)``: the result's size, before it is made."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        _limit_size(len(text) + count * max(0, len(new) - len(old)))


def _limit_join(items: Any, separator: Any) -> None:
    """``separator.join(items)``: the result's size, before it is made."""
    if isinstance(items, (list, tuple)):
        _limit_size(measure(items) + len(items) * len(str(separator)))


# ---------------------------------------------------------------- filters and tests


def _bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter or test that counts a step and measures what goes in and comes out."""
    skip = 0 if _PassArg.from_obj(func) is None else 1

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        _step()
        values = args[skip:]
        for value in (*values, *kwargs.values()):
            measure(value)
        if name in _COUNTING_FILTERS:
            _limit_numbers((*values[1:], *kwargs.values()))
        if values:
            _filter_checks(name, values, kwargs)
        result = func(*args, **kwargs)
        measure(result)
        return result

    return run


def _filter_checks(name: str, values: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The size a filter that multiplies its input would make, before it makes it."""
    value, rest = values[0], values[1:]
    if name == "format" and isinstance(value, str):
        _limit_printf(value, kwargs or rest)
    elif name == "replace" and len(rest) >= 2:
        _limit_replace(value, rest[0], rest[1])
    elif name == "join":
        _limit_join(value, rest[0] if rest else kwargs.get("d", ""))
    elif name in _EXPLODING_FILTERS and isinstance(value, str):
        _limit_size(len(value) * 5)
    elif name == "sum":
        start = kwargs.get("start", rest[-1] if len(rest) >= 2 else 0)
        if not isinstance(start, (int, float)):
            raise TemplateRuntimeError("sum adds numbers only")


@pass_context
def _counted_loop(_context: Any, iterable: Any) -> _Turns:
    """What a {% for %} goes over, each turn a step (the rewrite puts it on every loop)."""
    return _Turns(iterable)


@pass_context
def _measured(_context: Any, value: Any) -> Any:
    """A value checked against VALUE_LIMIT (the rewrite puts it on joins and comparisons)."""
    measure(value)
    return value


class _Turns:
    """An iterable whose every item is a step; its length is the iterable's own."""

    def __init__(self, iterable: Any) -> None:
        self._iterable = iterable

    def __iter__(self) -> Iterator[Any]:
        for item in self._iterable:
            _step()
            yield item

    def __len__(self) -> int:
        return len(self._iterable)


_LOOP_FILTER = "reportgen_loop"
_MEASURE_FILTER = "reportgen_measure"


# ---------------------------------------------------------------- the parsed template


def refused_tags(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """The line and name of each tag that would need a loader (include, import, extends)."""
    for node in tree.find_all(tuple(REFUSED_TAGS)):
        yield node.lineno, REFUSED_TAGS[type(node)]


def _rewrite(tree: nodes.Template) -> nodes.Template:
    """Every loop counted, every join, comparison and block set measured."""
    for loop in tree.find_all(nodes.For):
        loop.iter = _filter(loop.iter, _LOOP_FILTER)
    for join in list(tree.find_all(nodes.Concat)):
        join.nodes = [_filter(n, _MEASURE_FILTER) for n in join.nodes]
    for compare in tree.find_all(nodes.Compare):
        compare.expr = _filter(compare.expr, _MEASURE_FILTER)
        for operand in compare.ops:
            operand.expr = _filter(operand.expr, _MEASURE_FILTER)
    for block in tree.find_all(nodes.AssignBlock):
        block.filter = _filter(block.filter, _MEASURE_FILTER)
    return tree


def _filter(node: Any, name: str) -> nodes.Filter:
    """``node|name``, at the node's line."""
    return nodes.Filter(node, name, [], [], None, None, lineno=getattr(node, "lineno", 1))


# ---------------------------------------------------------------- the environment


class _SpecCheck:
    """A str.format formatter that bounds each field's width and size, and the whole text."""

    made = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        _limit_numbers(int(n) for n in re.findall(r"\d+", format_spec))
        self.made += measure(value) + sum(int(n) for n in re.findall(r"\d+", format_spec))
        _limit_size(self.made)
        return super().format_field(value, format_spec)  # type: ignore[misc]


class _Formatter(_SpecCheck, SandboxedFormatter):
    pass


class _EscapeFormatter(_SpecCheck, SandboxedEscapeFormatter):
    pass


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with no loader and every limit above."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    template_class = BoundedTemplate

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_printed, **options)
        self.globals.pop("lipsum", None)
        filters = {k: v for k, v in self.filters.items() if k not in _LEFT_OUT_FILTERS}
        self.filters = {k: _bounded(k, v) for k, v in filters.items()}
        self.filters[_LOOP_FILTER] = _counted_loop
        self.filters[_MEASURE_FILTER] = _measured
        self.tests = {k: _bounded(k, cast(Callable[..., Any], v)) for k, v in self.tests.items()}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The parsed template, refused if it needs a loader, rewritten to count its work."""
        tree = super()._parse(source, name, filename)
        for _line, tag in refused_tags(tree):
            raise RefusedTag(tag)
        return _rewrite(tree)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """A call from the template: a step, its arguments bounded, its result measured."""
        _step()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (_Turns(args[0]), *args[1:])
        elif not isinstance(__obj, Macro):
            for value in (*args, *kwargs.values()):
                measure(value)
            _method_checks(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        measure(result)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``+``, ``*``, ``**`` and ``%``: a step, and the result's size bounded before."""
        _step()
        _binop_checks(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``a.b``: a step."""
        _step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``a[b]``: a step."""
        _step()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``format_map`` through a formatter that bounds each field."""
        if not (
            isinstance(value, (types.MethodType, types.BuiltinMethodType))
            and value.__name__ in ("format", "format_map")
            and isinstance(value.__self__, str)
        ):
            return None
        text: str = value.__self__
        formatter = (
            _EscapeFormatter(self, escape=text.escape)
            if isinstance(text, Markup)
            else _Formatter(self)
        )

        def wrapper(*args: Any, **kwargs: Any) -> str:
            formatter.made = 0
            if value.__name__ != "format_map":
                return type(text)(formatter.vformat(text, args, kwargs))
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument")
            return type(text)(formatter.vformat(text, (), args[0]))

        return functools.update_wrapper(wrapper, value)


def _printed(value: Any) -> Any:
    """Every ``{{ … }}`` output, measured before it is turned into text."""
    measure(value)
    return value


def _method_checks(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Built-in methods: integer arguments (``"x".ljust(n)``, ``n.to_bytes(size)``) bounded,
    and the str methods that multiply their input (replace, join, translate)."""
    if not isinstance(obj, types.BuiltinMethodType):
        return
    _limit_numbers((*args, *kwargs.values()))
    text = obj.__self__
    if not isinstance(text, str):
        return
    if obj.__name__ == "replace" and len(args) >= 2:
        _limit_replace(text, args[0], args[1])
    elif obj.__name__ == "join" and args:
        _limit_join(args[0], text)
    elif obj.__name__ == "translate" and args and isinstance(args[0], dict):
        longest = max((measure(v) for v in args[0].values()), default=0)
        _limit_size(len(text) * max(1, longest))


def _binop_checks(operator: str, left: Any, right: Any) -> None:
    """The size ``left operator right`` would have, bounded before it is made."""
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(count, int) and isinstance(seq, (str, bytes, list, tuple)):
                _limit_size(measure(seq) * max(count, 0))
        if isinstance(left, int) and isinstance(right, int):
            _limit_bits(left.bit_length() + right.bit_length())
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
        _limit_bits(left.bit_length() * max(right, 0))
    elif operator == "+" and isinstance(left, (str, bytes, list, tuple)):
        _limit_size(measure(left) + measure(right))
    elif operator == "%" and isinstance(left, str):
        _limit_printf(left, right)


def _limit_bits(bits: int) -> None:
    if bits > INT_BITS_LIMIT:
        raise TemplateLimit(TOO_BIG)


def bounded_environment() -> BoundedEnvironment:
    """The sandboxed, autoescaping, strict environment with every limit of this module."""
    from jinja2 import StrictUndefined

    return BoundedEnvironment(undefined=StrictUndefined, autoescape=True)
