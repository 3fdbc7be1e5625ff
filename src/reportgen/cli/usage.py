"""Click's own usage errors (用法错误) in the language chosen with ``--lang``.

Click words its errors (a missing argument, an unknown option, a folder given for a file …)
in English, through gettext and no catalog of ours. The command group catches them, and under
Chinese shows them again: the usage line, the help hint and the common message shapes through
reportgen's catalog. Only click's public API and the text of its messages are read; a message
of another shape keeps click's English, with Chinese around it. English is click's own output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

import click

from reportgen.core.i18n import _, default_language, translate

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


class LocalizedGroup(click.Group):
    """A click group whose usage errors, and those of its commands, speak the language of
    its ``--lang`` option (else the locale's)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the group's own options; --lang is not known yet, so it is looked up in
        ``args`` for an error."""
        try:
            return super().parse_args(ctx, list(args))
        except click.UsageError as exc:
            raise localized(exc, _lang_in(args)) from exc

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an unknown command or a command's usage error is re-raised in
        the chosen language."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise localized(exc, ctx.params.get("lang") or default_language()) from exc


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


def _lang_in(args: Sequence[str]) -> str:
    """The value of ``--lang`` in raw arguments, else the locale's language."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return default_language()
