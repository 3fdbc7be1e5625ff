"""Write docs/cli.md, the command-line reference, from the ``--help`` of every reportgen command.

    python tools/make_cli_reference.py           # (re)write docs/cli.md
    python tools/make_cli_reference.py --check   # exit 1 if docs/cli.md is out of date

The help is rendered at a fixed width and under a fixed program name, so the page is the same
on every machine; tests/test_docs.py fails when it no longer matches the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from reportgen.cli.app import main
from reportgen.cli.usage import localize_help

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
PROGRAM = "reportgen"
WIDTH = 100
REGENERATE = "python tools/make_cli_reference.py"

HEADER = f"""# reportgen command-line reference

<!-- Generated from `reportgen --help` by tools/make_cli_reference.py: do not edit by hand.
     After changing a command, run `{REGENERATE}`. -->

Every command's `--help`, as printed at a width of {WIDTH} columns. `--lang zh|en` goes before
the command (`reportgen --lang zh validate FILE.xlsx`) and sets the language of messages; the
help itself is in English. How to use the commands, step by step, is in the
[user guide](user-guide.zh.md) (中文使用说明).
"""


def walk(
    command: click.Command = main, parent: click.Context | None = None, name: str = PROGRAM
) -> Iterator[tuple[click.Context, click.Command]]:
    """Every command of the tree under ``command``, depth first, each with its context."""
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=name, parent=parent, **settings)
    yield ctx, command
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, ctx, sub_name)


def anchor(title: str) -> str:
    """The fragment GitHub gives a Markdown heading (``reportgen templates lint`` → ``#…-lint``)."""
    return "#" + title.lower().replace(" ", "-")


def reference() -> str:
    """The whole of docs/cli.md, as text (the English help: a run in Chinese may have
    translated it in this process)."""
    localize_help(main, "en")
    entries = [(ctx.command_path, command.get_help(ctx)) for ctx, command in walk()]
    contents = "\n".join(f"- [`{path}`]({anchor(path)})" for path, _ in entries)
    sections = "\n".join(f"## {path}\n\n```text\n{text}\n```\n" for path, text in entries)
    return f"{HEADER}\n{contents}\n\n{sections}"


def write(target: Path = TARGET) -> None:
    """Write the reference whole: a temporary file beside ``target``, then renamed onto it."""
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(reference(), encoding="utf-8", newline="\n")
    temporary.replace(target)


def is_current(target: Path = TARGET) -> bool:
    """Whether ``target`` holds exactly what the commands' help would write now."""
    return target.exists() and target.read_text(encoding="utf-8") == reference()


def run(args: list[str]) -> int:
    """The script's command line: no argument writes, ``--check`` only compares."""
    if args == ["--check"]:
        if is_current():
            return 0
        print(f"{TARGET.relative_to(ROOT)} is out of date: run `{REGENERATE}`.", file=sys.stderr)
        return 1
    if args:
        print(f"usage: {REGENERATE} [--check]", file=sys.stderr)
        return 2
    write()
    print(TARGET.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
