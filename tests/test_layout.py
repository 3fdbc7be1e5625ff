"""The shape of the package: stages as subpackages, no import cycles, each library in its home."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "reportgen"

# Each third-party library and the subpackages allowed to import it (STYLE.md, point 2).
HOMES = {
    "openpyxl": ("workbook",),
    "python_calamine": ("workbook",),
    "docxtpl": ("rendering",),
    "jinja2": ("rendering", "checking"),
    "docx": ("wordml", "rendering", "checking"),
    "lxml": ("wordml", "rendering", "checking"),
    "click": ("cli",),
    "bagit": ("archive",),
    "cryptography": ("archive",),
    "babel": ("core",),
    "starlette": ("web",),
    "uvicorn": ("web",),
    "multipart": ("web",),
}
# What `reportgen --help` must not pay for.
HEAVY = (
    "docxtpl",
    "docx",
    "openpyxl",
    "python_calamine",
    "bagit",
    "lxml",
    "jinja2",
    "starlette",
    "uvicorn",
)


def module_name(path: Path) -> str:
    """reportgen.a.b for src/reportgen/a/b.py (and reportgen.a for a/__init__.py)."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imported(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The names every import statement of a module reaches, at any depth (lazy ones too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                if f"{node.module}.{alias.name}" in known:
                    yield f"{node.module}.{alias.name}"


def graph() -> dict[str, set[str]]:
    """Module → the project modules it imports, a package's __init__ counted for its modules."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for target in imported(path, known):
            parts = target.split(".")
            # importing a.b.c runs a/__init__ and a/b/__init__ as well
            targets |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)} & known.keys()
        edges[name] = targets - {name}
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_no_import_cycle_lazy_imports_included() -> None:
    assert cycle(graph()) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_a_dozen_modules_at_the_top_at_most() -> None:
    top = [p.name for p in SRC.glob("*.py")]
    assert len(top) <= 12, top


@pytest.mark.parametrize("library", sorted(HOMES))
def test_each_library_stays_in_its_home(library: str) -> None:
    known = modules()
    outside = [
        name
        for name, path in known.items()
        if any(t.split(".")[0] == library for t in imported(path, known))
        and name.split(".")[1] not in HOMES[library]
    ]
    assert outside == [], f"{library} is imported outside {HOMES[library]}"


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys; from reportgen.cli.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    packages = {module_name(p) for p in SRC.rglob("__init__.py")}
    assert packages - listed == set()
