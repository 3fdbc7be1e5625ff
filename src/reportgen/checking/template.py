"""Checking a template folder (模板检查, ``reportgen templates lint``): every problem at its place.

schema.toml is checked key by key, each problem at its line. template.docx is read the way
docxtpl reads it (see lint_tags): tags placed where docxtpl can handle them, every variable
provided by the render context, every field of the schema shown somewhere, and the styles
the layout needs present with their East Asian fonts. Render-side module: python-docx and
Jinja are imported here and in lint_tags only.

A field counts as shown when the template reads ``fields.<key>`` or a context variable that
carries it (``context.field_carriers``): 发文机关 through ``signature.issuer``, 年度 through
``title_lines`` when the default title names {year}, and so on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reportgen.checking.template_tags import (
    Problem,
    TemplateParagraph,
    VariableCheck,
    block_problems,
    placement_problems,
    read_story,
)
from reportgen.core.errors import Finding, Severity, TemplateError
from reportgen.core.filekind import what_it_is
from reportgen.core.i18n import _
from reportgen.core.model import Part, Point, Report, Section
from reportgen.gbt9704.styles import LAYOUT_STYLES
from reportgen.rendering.context import RENDERER_PLACED, field_carriers
from reportgen.rendering.jinja import REPLACE_TEMPLATE_DOCX
from reportgen.schema.load import read_schema, resolve_template
from reportgen.schema.problems import key_line
from reportgen.schema.spec import FieldSpec, Schema
from reportgen.schema.titles import fill_title
from reportgen.wordml.open import open_docx

_STYLE_KIND_MESSAGES = {
    "paragraph": _("Style '{name}' must be a paragraph style."),
    "character": _("Style '{name}' must be a character style."),
}

UNREADABLE_DOCX = "docx-unreadable"  # the finding for a template.docx that will not open


def lint_template(name_or_dir: str | Path) -> list[Finding]:
    """Every problem of a template folder (or shipped template), schema and Word file."""
    folder = Path(name_or_dir) if Path(name_or_dir).is_dir() else resolve_template(name_or_dir)
    schema, findings = _schema_findings(folder)
    docx = folder / "template.docx"
    document = _open_docx(docx, findings)
    if document is not None:
        findings += _link_findings(docx)
        findings += _docx_findings(document, docx, schema)
        findings += _style_findings(document, docx)
        if schema is not None and not any(f.severity is Severity.ERROR for f in findings):
            findings += _fill_findings(schema, docx)
    return findings


def _error(code: str, message: str, file: Path, hint: str = "", **params: Any) -> Finding:
    return Finding(Severity.ERROR, code, message, hint, file=str(file), params=params)


# ---------------------------------------------------------------- schema.toml


def _schema_findings(folder: Path) -> tuple[Schema | None, list[Finding]]:
    """The schema (None if unusable), its problems at their lines, and a name that differs
    from the folder's."""
    path = folder / "schema.toml"
    if not path.is_file():
        message = _("{name} is missing from the template folder.")
        return None, [_error("file-missing", message, path, name=path.name)]
    schema, problems = read_schema(folder)
    findings = [
        Finding(Severity.ERROR, "schema", p.message, file=str(path), params=p.params, line=p.line)
        for p in problems
    ]
    if schema is not None and schema.name != folder.resolve().name:
        findings.append(
            Finding(
                Severity.WARNING,
                "name-not-folder",
                _("name is '{name}' but the folder is '{folder}'."),
                _("Workbooks find their template by name, so give both the same name."),
                file=str(path),
                params={"name": schema.name, "folder": folder.resolve().name},
                line=key_line(path.read_text(encoding="utf-8-sig"), ("name",)),
            )
        )
    return schema, findings


# ---------------------------------------------------------------- template.docx


def _open_docx(path: Path, findings: list[Finding]) -> Any:
    """The python-docx Document of ``path``, or None with a finding saying why not."""
    if not path.is_file():
        findings.append(
            _error(
                "file-missing",
                _("{name} is missing from the template folder."),
                path,
                name=path.name,
            )
        )
        return None
    try:
        return open_docx(path, TemplateError, REPLACE_TEMPLATE_DOCX)
    except (TemplateError, OSError):  # OSError: unreadable, or a folder of that name
        findings.append(_error(UNREADABLE_DOCX, what_it_is(path), path, REPLACE_TEMPLATE_DOCX))
        return None


def _link_findings(path: Path) -> list[Finding]:
    """Each link outside the package that a letter may not keep (pictures, attached
    templates, OLE objects, fields that fetch, hyperlinks other than http(s) and mailto):
    build refuses them."""
    from reportgen.wordml.relations import refused_links

    return [
        _error(
            "external-link",
            _LINK_MESSAGE if link.rel_id else _FIELD_MESSAGE,
            path,
            link.fix,
            part=link.part,
            target=link.target,
            rel_id=link.rel_id,
            kind=link.kind,
        )
        for link in refused_links(path)
    ]


_LINK_MESSAGE = _(
    "{part} links outside the document, to {target} (relationship {rel_id}, {kind}); Word or "
    "LibreOffice would fetch or open it, so build refuses the template."
)
_FIELD_MESSAGE = _(
    "{part} links outside the document, to {target} ({kind} in the text); Word or LibreOffice "
    "would fetch or open it, so build refuses the template."
)


def _stories(document: Any) -> Iterator[tuple[str, Any]]:
    """The body, then each header and footer part, by name (footer1 …): each is one template."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    yield "", document.element.body
    parts = [
        r.target_part for r in document.part.rels.values() if r.reltype in (RT.HEADER, RT.FOOTER)
    ]
    for part in sorted(parts, key=lambda p: str(p.partname)):
        yield Path(str(part.partname)).stem, part.element


def _docx_findings(document: Any, path: Path, schema: Schema | None) -> list[Finding]:
    """Tag placement and variables in every story, then whether each field is shown."""
    from jinja2 import Environment

    env = Environment()
    keys = {f.key for f in schema.fields} if schema is not None else None
    check = VariableCheck(keys, set(env.globals))
    findings: list[Finding] = []
    for name, root in _stories(document):
        paragraphs = read_story(root)
        problems = [*placement_problems(paragraphs), *block_problems(paragraphs, env)]
        if not any(p.code == "tag-unclosed" for p in problems):
            problems += _variable_problems(paragraphs, env, check)
        where = f"{path} ({name})" if name else str(path)
        problems.sort(key=lambda p: p.paragraph)  # in reading order, as the user goes through
        findings += [_docx_finding(p, where, paragraphs) for p in problems]
    if schema is not None:
        findings += _shown_findings(schema, check.used, path)
    return findings


def _variable_problems(
    paragraphs: tuple[TemplateParagraph, ...], env: Any, check: VariableCheck
) -> list[Problem]:
    """Parse a story as Jinja (one line a paragraph) and check every name it reads."""
    from jinja2 import TemplateSyntaxError

    source = "\n".join(p.jinja_line() for p in paragraphs)
    check.problems = []
    try:
        tree = env.parse(source)
        check.statement(tree, {})
    except TemplateSyntaxError as exc:
        message = _("“{text}”: the tags cannot be read: {error}")
        return [Problem(exc.lineno, message, {"error": exc.message}, "jinja-syntax")]
    except RecursionError:  # (((((… or blocks inside blocks, hundreds deep
        message = _(
            "The tags are nested deeper than reportgen reads (brackets or blocks inside each "
            "other hundreds of times); build refuses it too."
        )
        return [Problem(0, message, {}, "jinja-too-deep")]
    return [*_refused_problems(tree), *check.problems]


def _refused_problems(tree: Any) -> Iterator[Problem]:
    """include, import and extends: there is nothing to load, a template is one document."""
    from reportgen.rendering.sandbox import refused_tags

    message = _(
        "“{text}”: {{% {tag} %}} is not allowed: a template is one Word document, with nothing to "
        "include, import or extend. Copy what it needs into template.docx (a piece used twice can "
        "be a {{% macro %}})."
    )
    for line, tag in refused_tags(tree):
        yield Problem(line, message, {"tag": tag}, "tag-refused")


def _docx_finding(
    problem: Problem, file: str, paragraphs: tuple[TemplateParagraph, ...]
) -> Finding:
    """A Finding at the problem's paragraph, quoting the paragraph unless it quotes a tag."""
    paragraph = next((p for p in paragraphs if p.number == problem.paragraph), None)
    params = {"text": paragraph.excerpt() if paragraph else "", **problem.params}
    severity = Severity.ERROR if problem.error else Severity.WARNING
    return Finding(
        severity, problem.code, problem.message, file=file, params=params, line=problem.paragraph
    )


def _shown_findings(schema: Schema, used: set[str], path: Path) -> Iterator[Finding]:
    """Fields the template never shows (an error if required), and body parts not shown."""
    carriers = field_carriers(schema)
    for spec in schema.fields:
        if not spec.in_document or spec.key in RENDERER_PLACED or carriers[spec.key] & used:
            continue
        yield Finding(
            Severity.ERROR if spec.required else Severity.WARNING,
            "field-not-shown",
            _("Required field {label} ({key}) does not appear in the template.")
            if spec.required
            else _(
                "Optional field {label} ({key}) does not appear in the template; what staff type there is not shown."
            ),
            _(
                "Show it with {{{{ fields.{key} }}}} where it belongs, or remove it from schema.toml."
            ),
            file=str(path),
            params={"label": spec.label, "key": spec.key},
        )
    if schema.parts and "parts" not in used:
        yield _error(
            "parts-not-shown",
            _("The template never reads parts, so the body ({sheets}) would be missing."),
            path,
            _(
                "Copy the parts loop from a shipped template: reportgen templates new NAME --from letter."
            ),
            sheets="、".join(p.sheet for p in schema.parts),
        )


# ---------------------------------------------------------------- a trial fill


def _fill_findings(schema: Schema, path: Path) -> list[Finding]:
    """The template filled once with sample data, in the sandbox build uses: what only a
    render shows (``1/0``, a loop over huge ranges, a macro calling itself, broken XML)."""
    from reportgen.rendering.context import build_context
    from reportgen.rendering.render import render_package

    report = sample_report(schema)
    try:
        render_package(schema, report, build_context(report))
    except TemplateError as exc:
        problem = exc.params.get("problem", exc.params.get("error"))
        if problem is None:
            return [_error("template-fill", exc.message, path, **exc.params)]
        message = _("Filled with sample data, the template cannot be filled: {problem}")
        return [_error("template-fill", message, path, problem=problem)]
    return []


def sample_report(schema: Schema) -> Report:
    """A report for ``schema`` made of its fields' examples (or labels) and one sample
    section in every part: enough for every loop and field of a template to run."""
    info: dict[str, Any] = {f.key: _sample_value(f) for f in schema.fields}
    year = info.get("year")
    year = info["year"] = year if isinstance(year, int) else 2024
    info["signature_date"] = dt.date(year + 1, 1, 15)
    try:
        title = fill_title(schema.default_title, info)
    except (KeyError, ValueError):
        title = schema.description
    point = Point("示例要点", "示例内容。")
    section = Section("示例小节", "示例内容。", points=(point,))
    parts = tuple(Part(p.key, p.title, sections=(section,)) for p in schema.parts)
    named = {f.name for f in dataclasses.fields(Report)}
    return Report(
        template=schema.name,
        title=title,
        parts=parts,
        extra={k: v for k, v in info.items() if k not in named},
        **{k: v for k, v in info.items() if k in named and k not in ("title", "parts")},
    )


def _sample_value(spec: FieldSpec) -> str | int | dt.date:
    """A field's sample: its example, else its default or label; a number for an integer."""
    text = spec.example or spec.default or spec.label
    if spec.type == "integer":
        return int(text) if text.isdigit() else (spec.minimum or 1)
    if spec.type == "date":
        return dt.date(2024, 1, 15)
    return text


# ---------------------------------------------------------------- styles


def _style_findings(document: Any, path: Path) -> Iterator[Finding]:
    """The layout's styles: present, of the right kind, with a named East Asian font."""
    from docx.enum.style import WD_STYLE_TYPE

    styles = {s.name: s for s in document.styles}
    kinds = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "character": WD_STYLE_TYPE.CHARACTER}
    for name, kind in LAYOUT_STYLES:
        style = styles.get(name)
        if style is None:
            yield _error(
                "style-missing",
                _("Style '{name}' is missing; the layout needs it."),
                path,
                _(
                    "Add a {kind} style named {name} in Word, or start again from reportgen templates new."
                ),
                name=name,
                kind=kind,
            )
        elif style.type != kinds[kind]:
            yield _error("style-kind", _STYLE_KIND_MESSAGES[kind], path, name=name)
        else:
            yield from _font_findings(style, document, path)


def _font_findings(style: Any, document: Any, path: Path) -> Iterator[Finding]:
    """An error unless the style (or what it is based on) names its East Asian font."""
    font, themed = east_asian_font(style, document)
    if themed:
        yield _error(
            "style-theme-font",
            _("Style '{name}' takes its East Asian font from the theme, which Word may replace."),
            path,
            _(
                "In Word choose a named Chinese font for the style (Format → Font → Asian text font)."
            ),
            name=style.name,
        )
    elif not font:
        yield _error(
            "style-font",
            _("Style '{name}' has no East Asian font."),
            path,
            _(
                "In Word choose a named Chinese font for the style (Format → Font → Asian text font)."
            ),
            name=style.name,
        )


def east_asian_font(style: Any, document: Any) -> tuple[str, bool]:
    """The East Asian font a style ends up with, through its base styles to the defaults,
    and whether a theme font comes first (Word then uses the theme's, not the named one)."""
    from docx.oxml.ns import qn

    chain = []
    while style is not None:
        chain.append(style.element.rPr)
        style = style.base_style
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    chain.append(rpr_default.find(qn("w:rPr")) if rpr_default is not None else None)
    for rpr in chain:
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is None:
            continue
        if fonts.get(qn("w:eastAsiaTheme")):
            return "", True
        if fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia")), False
    return "", False
