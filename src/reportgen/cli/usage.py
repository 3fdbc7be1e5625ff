"""Click's own words in the language chosen with ``--lang``: usage errors (用法错误) and help.

Click words its errors (a missing argument, an unknown option, a folder given for a file …)
in English, through gettext and no catalog of ours. The command group catches them, and under
Chinese shows them again: the usage line, the help hint and the common message shapes through
reportgen's catalog. Only click's public API and the text of its messages are read; a message
of another shape keeps click's English, with Chinese around it. English is click's own output.

Help texts (``--help``) are our own: every command's docstring and every option's help is a
message id of the catalog (``tools/update_catalog.py`` collects them from the command tree),
put in place before click reads the arguments, since ``--help`` acts before ``--lang`` is
parsed. The headings and click's own option texts go through the help formatter.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import click

from reportgen.core.i18n import LANGUAGES, _, default_language, translate

# Click 8.5's message shapes → our message ids; the named groups fill the fields. A shape
# click words differently (older or newer click) simply stays English.
_SHAPES = [
    (re.compile(r"Missing argument (?P<name>.+)\."), _("Missing argument {name}.")),
    (re.compile(r"Missing option (?P<name>.+)\."), _("Missing option {name}.")),
    (re.compile(r"Missing command\."), _("Missing command.")),
    (
        re.compile(r"Option (?P<name>.+) requires an argument\."),
        _("Option {name} requires an argument."),
    ),
    (re.compile(r"No such option (?P<name>.+?)\."), _("No such option {name}.")),
    (re.compile(r"No such command (?P<name>.+?)\."), _("No such command {name}.")),
    (
        re.compile(
            r"Invalid value for (?P<name>.+?): (?:file|path) (?P<value>.+) is a directory\.", re.I
        ),
        _("Invalid value for {name}: {value} is a folder, not a file."),
    ),
    (
        re.compile(r"Invalid value for (?P<name>.+?): directory (?P<value>.+) is a file\.", re.I),
        _("Invalid value for {name}: {value} is a file, not a folder."),
    ),
    (
        re.compile(
            r"Invalid value for (?P<name>.+?): (?:file|directory|path) (?P<value>.+) does not exist\.",
            re.I,
        ),
        _("Invalid value for {name}: {value} does not exist."),
    ),
    (
        re.compile(
            r"Invalid value for (?P<name>.+?): (?P<value>'.*') is not (?:one of )?(?P<choices>'.*')\."
        ),
        _("Invalid value for {name}: {value} is not one of {choices}."),
    ),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)"),
        _("Got unexpected extra argument(s): {args}. Put a file name with spaces in quotes."),
    ),
]
# "Did you mean …?" after an unknown option or command: one suggestion, or several.
_SUGGESTION = re.compile(
    r"(?P<message>.+?) (?:Did you mean (?P<one>.+)\?|\(Did you mean one of: (?P<many>.+)\?\))"
)


# Click's own words in a help page, and the markers it adds after an option's help.
_CLICK_WORDS = {
    "Options": _("Options"),
    "Commands": _("Commands"),
    "Show this message and exit.": _("Show this message and exit."),
}
_MARKERS = [
    (re.compile(r"\[default: (?P<value>[^\]]*)\]"), _("[default: {value}]")),
    (re.compile(r"\[required\]"), _("[required]")),
]


class LocalizedGroup(click.Group):
    """A click group whose usage errors and help, and those of its commands, speak the
    language of its ``--lang`` option (else the locale's)."""

    help_lang = "en"

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        """Put the help of every command in the chosen language, then run as click does."""
        import sys

        given = list(sys.argv[1:] if args is None else args)
        localize_help(self, lang_in(given))
        return super().main(given, *rest, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the group's own options; --lang is not known yet, so it is looked up in
        ``args`` for an error."""
        try:
            return super().parse_args(ctx, list(args))
        except click.UsageError as exc:
            raise localized(exc, lang_in(args)) from exc

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an unknown command or a command's usage error is re-raised in
        the chosen language."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise localized(exc, ctx.params.get("lang") or default_language()) from exc


def commands_in(command: click.Command) -> Iterator[click.Command]:
    """``command`` and every command under it, depth first."""
    yield command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from commands_in(command.commands[name])


def help_texts(command: click.Command) -> Iterator[str]:
    """Every help text in the tree of ``command`` as its message id (English)."""
    for item in commands_in(command):
        for text in (_original_help(item), *(_original_help(p) for p in item.params)):
            if text:
                yield text


def localize_help(root: click.Command, lang: str) -> None:
    """Give ``root``, its commands and their options their help in ``lang``."""
    if isinstance(root, LocalizedGroup):
        root.help_lang = lang
    for command in commands_in(root):
        command.context_class = LocalizedContext
        items: list[click.Command | click.Parameter] = [command, *command.params]
        for item in items:
            original = _original_help(item)
            if original:
                setattr(item, "help", translate(original, lang))  # noqa: B010 (Argument has none)


def _original_help(item: click.Command | click.Parameter) -> str | None:
    """The English help of a command or option (kept aside the first time it is translated)."""
    if not hasattr(item, "_help_en"):
        text = getattr(item, "help", None)
        setattr(item, "_help_en", inspect.cleandoc(text) if text else None)  # noqa: B010
    original: str | None = getattr(item, "_help_en")  # noqa: B009
    return original


class LocalizedContext(click.Context):
    """A context whose help pages are written by a LocalizedFormatter."""

    def make_formatter(self) -> click.HelpFormatter:
        """The formatter of this help page, in the root group's language."""
        root = self.find_root().command
        return LocalizedFormatter(
            getattr(root, "help_lang", "en"),
            width=self.terminal_width,
            max_width=self.max_content_width,
        )


class LocalizedFormatter(click.HelpFormatter):
    """Click's help formatter with its own words (Usage, Options …) in ``lang``."""

    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line, its prefix translated."""
        super().write_usage(prog, args, translate(_("Usage: "), self.lang))

    def write_heading(self, heading: str) -> None:
        """A section heading, translated (in Chinese with a full-width colon)."""
        if self.lang == "en":
            super().write_heading(heading)
            return
        words = translate(_CLICK_WORDS.get(heading, heading), self.lang)
        self.write(f"{'':>{self.current_indent}}{words}：\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        """Options or commands with their help; click's own texts and markers translated."""
        super().write_dl([(term, self._help(text)) for term, text in rows], *args, **kwargs)

    def _help(self, text: str) -> str:
        text = translate(_CLICK_WORDS.get(text, text), self.lang)
        for pattern, message in _MARKERS:
            text = pattern.sub(functools.partial(_fill, translate(message, self.lang)), text)
        return text


def _fill(wording: str, found: re.Match[str]) -> str:
    return wording.format(**found.groupdict())


def localized(exc: click.UsageError, lang: str) -> click.UsageError:
    """``exc`` as shown in ``lang``: itself in English, a Chinese copy otherwise."""
    # an error that shows itself its own way (the help text, for a bare group) stays as it is
    if lang == "en" or type(exc).show is not click.UsageError.show:
        return exc
    return LocalizedUsageError(exc, lang)


class LocalizedUsageError(click.UsageError):
    """A usage error shown in ``lang``: usage line, help hint and message."""

    def __init__(self, original: click.UsageError, lang: str) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.lang = lang

    def format_message(self) -> str:
        """The message in ``lang`` when its shape is known, else click's English."""
        return message_in(self.message, self.lang)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print usage, help hint and message as click does, in ``lang`` (stderr by default)."""
        ctx = self.ctx
        color = ctx.color if ctx is not None else None
        if ctx is not None:
            usage = f"{_usage(ctx, self.lang)}\n{_help_hint(ctx, self.lang)}"
            click.echo(usage, file=file, err=True, color=color)
        error = translate(_("Error: {message}"), self.lang).format(message=self.format_message())
        click.echo(error, file=file, err=True, color=color)


def message_in(message: str, lang: str) -> str:
    """Click's English ``message`` in ``lang``, when its shape is one of the common ones."""
    suggestion = ""
    matched = _SUGGESTION.fullmatch(message)
    if matched is not None:
        message = matched["message"]
        names = matched["one"] or matched["many"]
        suggestion = translate(_("Did you mean {names}?"), lang).format(names=names)
    for shape, message_id in _SHAPES:
        found = shape.fullmatch(message)
        if found is not None:
            return translate(message_id, lang).format(**found.groupdict()) + suggestion
    return message + (f" {suggestion}" if suggestion else "")


def _usage(ctx: click.Context, lang: str) -> str:
    """The usage line with a translated prefix (what ``ctx.get_usage()`` gives in English)."""
    formatter = ctx.make_formatter()
    pieces = ctx.command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), translate(_("Usage: "), lang))
    return formatter.getvalue().rstrip("\n")


def _help_hint(ctx: click.Context, lang: str) -> str:
    """'Try … --help' in ``lang``, with its line break; empty when there is no help option."""
    if ctx.command.get_help_option(ctx) is None:
        return ""
    option = max(ctx.command.get_help_option_names(ctx), key=len)
    hint = translate(_("Try '{command} {option}' for help."), lang)
    return hint.format(command=ctx.command_path, option=option) + "\n"


def lang_in(args: Sequence[str]) -> str:
    """The value of ``--lang`` in raw arguments, else the locale's language; a language
    reportgen does not speak (click will refuse it) counts as not given."""
    for index, arg in enumerate(args):
        given = ""
        if arg == "--lang" and index + 1 < len(args):
            given = args[index + 1]
        elif arg.startswith("--lang="):
            given = arg.removeprefix("--lang=")
        if given:
            return given if given in LANGUAGES else default_language()
    return default_language()
