"""The docs: the CLI reference is current, every command has help, every relative link resolves."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "make_cli_reference.py"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# [text](target) and ![alt](target), and reference definitions: [label]: target
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
FENCED_CODE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def _load_generator() -> ModuleType:
    """tools/make_cli_reference.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_cli_reference", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _load_generator()
COMMANDS = [(ctx.command_path, command) for ctx, command in generator.walk()]


def test_cli_reference_is_current() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == generator.reference(), (
        "docs/cli.md is out of date: run `python tools/make_cli_reference.py`"
    )


def test_the_reference_covers_nested_commands() -> None:
    paths = [path for path, _ in COMMANDS]
    assert paths[0] == "reportgen"
    assert {"reportgen build", "reportgen templates", "reportgen templates lint"} <= set(paths)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_has_help(path: str, command: click.Command) -> None:
    help_text = command.help or ""
    short_help = command.get_short_help_str()
    assert help_text.strip(), f"`{path}` has no help text (its docstring is empty)"
    assert short_help.strip(), f"`{path}` has no one-line help for the command list"


def _relative_links(markdown: str) -> list[str]:
    """The link targets in ``markdown`` that name a file of the repository."""
    prose = INLINE_CODE.sub("", FENCED_CODE.sub("", markdown))
    targets = INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    return [
        target
        for target in targets
        if not re.match(r"^([a-z][a-z0-9+.-]*:|#|//)", target, re.IGNORECASE)
    ]


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=[p.relative_to(ROOT).as_posix() for p in DOCUMENTS]
)
def test_relative_links_point_at_existing_files(document: Path) -> None:
    links = _relative_links(document.read_text(encoding="utf-8"))
    missing = [
        link for link in links if not (document.parent / link.split("#", 1)[0]).resolve().exists()
    ]
    assert not missing, f"{document.relative_to(ROOT)} links to missing files: {missing}"


def test_the_link_finder_sees_links_and_skips_code() -> None:
    text = "[a](docs/x.md) ![b](img.png#c) [w](https://x.org) [s](#top)\n`[c](no.md)`\n"
    text += "```\n[d](no.md)\n```\n  ```\n  [e](no.md)\n  ```\n[ref]: docs/y.md\n"
    assert _relative_links(text) == ["docs/x.md", "img.png#c", "docs/y.md"]
