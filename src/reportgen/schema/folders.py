"""The shipped templates and copies of them (模板管理): list, describe, copy as a starting point.

``reportgen templates`` lists, ``templates show`` describes and ``templates new`` copies; a
copy is a folder like the shipped ones, renamed in its schema.toml, ready to edit in Word.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from reportgen.core.errors import OutputError, TemplateError
from reportgen.core.files import is_reserved_name, write_error
from reportgen.core.i18n import _, fill
from reportgen.core.text import display_width
from reportgen.schema.load import builtin_template_names, load_schema
from reportgen.schema.problems import key_line
from reportgen.schema.spec import DEFAULT_TEMPLATE, Schema, is_template_name


def shipped_templates() -> list[Schema]:
    """The schemas of the templates that ship with reportgen, by name."""
    return [load_schema(name) for name in builtin_template_names()]


def list_text(schemas: list[Schema]) -> str:
    """One line a template: its name, then its one-line description."""
    width = max((len(s.name) for s in schemas), default=0)
    return "\n".join(f"{s.name.ljust(width)}  {s.description}" for s in schemas)


def describe(schema: Schema, lang: str) -> str:
    """A template's title pattern, fields (type, required or not) and parts, in order."""

    def say(message: str, **params: object) -> str:
        return fill(message, params, lang)

    lines = [
        say(
            _("{name} (version {version}, {kind}): {description}"),
            name=schema.name,
            version=schema.version,
            kind=schema.document_kind,
            description=schema.description,
        ),
        say(_("Folder: {folder}"), folder=schema.folder),
        say(_("Title: {title}"), title=schema.default_title),
        "",
        say(_("Fields, on sheet {sheet}:"), sheet=schema.info_sheet),
    ]
    width = max(display_width(f.label) for f in schema.fields)
    for spec in schema.fields:
        facts = [spec.key, spec.type, say(_("required") if spec.required else _("optional"))]
        facts += [say(_("default {value}"), value=spec.default)] if spec.default else []
        facts += [say(_("choices {values}"), values=" ".join(spec.choices))] if spec.choices else []
        lines.append(f"  {_pad(spec.label, width)}  " + " · ".join(facts))
    lines += ["", say(_("Parts, in order:"))]
    for number, part in enumerate(schema.parts, start=1):
        needed = say(_("required") if part.required else _("optional"))
        lines.append(f"  {number}. {part.title}")
        sheet = say(_("sheet {sheet}"), sheet=part.sheet)
        lines.append(f"     {part.key} · {part.kind} · {sheet} · {needed}")
    return "\n".join(lines)


def _pad(text: str, width: float) -> str:
    """``text`` padded with spaces to ``width`` columns, a Chinese character counting two."""
    return text + " " * round(2 * (width - display_width(text)))


def new_template(name: str, source: str | Path = DEFAULT_TEMPLATE, into: Path = Path(".")) -> Path:
    """Copy template ``source`` to ``into/name`` as a new template called ``name``.

    Refuses a name that is not a plain name, that Windows keeps for a device (CON …) or that
    a shipped template has, and a folder that exists already; the copy appears whole or not
    at all.
    """
    if is_reserved_name(name):  # first: 'con.txt' is refused for this, not for its dot
        raise TemplateError(
            _(
                "'{name}' is a device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9, "
                "also with an extension); no folder can have it there. Choose another name."
            ),
            name=name,
        )
    if not is_template_name(name):
        raise TemplateError(
            _("'{name}' cannot be a template name: use up to 64 letters, digits, - and _."),
            name=name,
        )
    if name in builtin_template_names():
        raise TemplateError(
            _("'{name}' is the name of a shipped template; choose another name."), name=name
        )
    origin = load_schema(source)
    target = into / name
    if target.exists():
        raise OutputError(
            _("{file} already exists; choose another name or folder (-o)."), file=str(target)
        )
    _copy_whole(origin.folder, target, name)
    return target


def _copy_whole(origin: Path, target: Path, name: str) -> None:
    """Copy into a temporary folder beside ``target``, rename the schema, then move it in."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".reportgen-", dir=target.parent))
    except OSError as exc:
        raise write_error(target, exc) from exc
    try:
        shutil.copytree(
            origin,
            tmp,
            dirs_exist_ok=True,
            copy_function=shutil.copyfile,  # fresh permissions, not those of site-packages
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
        )
        _rename_schema(tmp / "schema.toml", name)
        tmp.chmod(0o755)
        os.rename(tmp, target)
    except OSError as exc:
        raise write_error(target, exc) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _rename_schema(path: Path, name: str) -> None:
    """Set the copy's ``name`` line, keeping every comment and the rest of the file as it is."""
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    index = key_line(text, ("name",)) - 1
    lines[index] = f'name = "{name}"\n'
    path.write_text("".join(lines), encoding="utf-8")
