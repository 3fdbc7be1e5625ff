"""Templates brought by an office that try to reach out or run away: each ends in one clean line.

Every case goes through the command line: ``templates lint`` reports it (exit code 1), and
``build`` refuses it with one TemplateError line (exit code 2) and writes nothing. The hostile
template.docx files are made by rewriting a copy of the letter template with zipfile.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from reportgen.cli.app import main
from reportgen.rendering import sandbox
from reportgen.schema.titles import fill_title

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A template folder copied from the letter: reportgen templates new mine --from letter."""
    assert run("templates", "new", "mine", "--from", "letter", "-o", str(tmp_path))[0] == 0
    return tmp_path / "mine"


def rewrite(docx: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Rewrite the package's members in place through ``change``."""
    with zipfile.ZipFile(docx) as package:
        members = {name: package.read(name) for name in package.namelist()}
    change(members)
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)


def add_relationship(folder: Path, rels: str, rel_id: str, kind: str, target: str) -> None:
    """An external relationship added to one .rels part (made if the package lacks it)."""
    relationship = (
        f'<Relationship Id="{rel_id}" Type="{_R}{kind}" Target="{target}" TargetMode="External"/>'
    )

    def change(members: dict[str, bytes]) -> None:
        xml = members.get(rels, f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"/>'.encode())
        text = xml.decode()
        if text.endswith("/>"):  # an empty <Relationships/>
            text = text[:-2] + "></Relationships>"
        members[rels] = text.replace("</Relationships>", relationship + "</Relationships>").encode()

    rewrite(folder / "template.docx", change)


def use_jinja(folder: Path, tags: str) -> None:
    """The letter's {{ closing }} paragraph made to hold ``tags`` as well."""

    def change(members: dict[str, bytes]) -> None:
        xml = members["word/document.xml"].decode()
        assert "{{ closing }}" in xml
        members["word/document.xml"] = xml.replace(
            "{{ closing }}", escape(tags) + "{{ closing }}"
        ).encode()

    rewrite(folder / "template.docx", change)


def build(example: Path, folder: Path) -> tuple[int, str]:
    """``build`` with the template folder; the error output, and nothing written."""
    out = folder.parent / "out"
    code, _out, err = run("build", str(example), "-t", str(folder), "-o", str(out))
    assert not out.exists() or not any(out.rglob("*.docx"))
    return code, err.strip()


# ---------------------------------------------------------------- links outside the package

LINKS = [
    ("word/_rels/document.xml.rels", "rId90", "image", "file:///etc/passwd"),
    ("word/_rels/document.xml.rels", "rId91", "image", "http://example.invalid/logo.png"),
    ("word/_rels/document.xml.rels", "rId92", "hyperlink", "file:///etc/passwd"),
    ("word/_rels/settings.xml.rels", "rId1", "attachedTemplate", "http://example.invalid/a.dotm"),
    ("word/_rels/document.xml.rels", "rId93", "oleObject", "file:///C:/data/book.xlsx"),
]
FIXES = {
    "image": "Embed the picture instead of linking it: in Word delete it and insert it again "
    "with Insert › Pictures, Insert (not Link to File).",
    "hyperlink": "Point the hyperlink to an http(s) or mailto address, or remove it "
    "(right-click › Remove Hyperlink).",
    "attachedTemplate": "Remove the attached template in Word: Developer › Document Template, "
    "clear the template name, OK, and save.",
    "oleObject": "Break the link in Word (File › Info › Edit Links to Files › Break Link) so "
    "the object is held in the document, or replace it by a picture.",
}


@pytest.mark.parametrize(("rels", "rel_id", "kind", "target"), LINKS)
def test_a_link_outside_the_template_is_reported_by_lint_and_refused_by_build(
    example: Path, folder: Path, rels: str, rel_id: str, kind: str, target: str
) -> None:
    add_relationship(folder, rels, rel_id, kind, target)
    docx = folder / "template.docx"
    part = rels.replace("_rels/", "").removesuffix(".rels")
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert (
        f"  error {docx}: {part} links outside the document, to {target} (relationship "
        f"{rel_id}, {kind}); Word or LibreOffice would fetch or open it, so build refuses the "
        f"template. — {FIXES[kind]}"
    ) in out.splitlines()
    code, err = build(example, folder)
    assert code == 2
    assert err == (
        f"reportgen: {docx}: {part} links outside the document, to {target} (relationship "
        f"{rel_id}, {kind}); Word or LibreOffice would fetch or open it, so reportgen does not "
        f"build from this template. {FIXES[kind]}"
    )


def test_every_link_is_listed_by_lint(folder: Path) -> None:
    for rels, rel_id, kind, target in LINKS:
        add_relationship(folder, rels, rel_id, kind, target)
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert out.count("links outside the document") == len(LINKS)


@pytest.mark.parametrize("target", ["https://www.gov.cn/", "http://example.org/a", "mailto:a@b.cn"])
def test_a_web_or_mail_hyperlink_is_allowed(example: Path, folder: Path, target: str) -> None:
    add_relationship(folder, "word/_rels/document.xml.rels", "rId90", "hyperlink", target)
    assert run("templates", "lint", str(folder))[0] == 0
    code, out, _err = run("build", str(example), "-t", str(folder), "-o", str(folder.parent))
    assert code == 0 and out.strip().endswith(".docx")


def add_to_body(folder: Path, xml: str) -> None:
    """A paragraph of raw WordprocessingML put first in the body."""

    def change(members: dict[str, bytes]) -> None:
        document = members["word/document.xml"].decode()
        members["word/document.xml"] = document.replace("<w:body>", f"<w:body>{xml}", 1).encode()

    rewrite(folder / "template.docx", change)


def complex_field(instruction: str) -> str:
    """A paragraph holding one complex field (begin, instruction, separate, result, end)."""
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


_V = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
FIELDS = [
    (
        complex_field('INCLUDEPICTURE "file:///etc/passwd" \\* MERGEFORMAT \\d'),
        "file:///etc/passwd",
        "INCLUDEPICTURE field",
    ),
    (
        "<w:p><w:fldSimple w:instr=' INCLUDETEXT \"http://example.invalid/a.docx\" '>"
        "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>",
        "http://example.invalid/a.docx",
        "INCLUDETEXT field",
    ),
    (complex_field('HYPERLINK "file:///etc/passwd"'), "file:///etc/passwd", "hyperlink"),
    (
        f'<w:p><w:r><w:pict {_V}><v:shape><v:imagedata o:href="file:///C:/seal.png"/></v:shape>'
        "</w:pict></w:r></w:p>",
        "file:///C:/seal.png",
        "image",
    ),
]


@pytest.mark.parametrize(("xml", "target", "kind"), FIELDS)
def test_a_field_or_picture_that_fetches_is_refused(
    example: Path, folder: Path, xml: str, target: str, kind: str
) -> None:
    add_to_body(folder, xml)
    docx = folder / "template.docx"
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert (
        f"  error {docx}: word/document.xml links outside the document, to {target} ({kind} in "
        "the text); Word or LibreOffice would fetch or open it, so build refuses the template."
    ) in [line.split(" — ")[0] for line in out.splitlines()]
    code, err = build(example, folder)
    assert code == 2
    assert err.startswith(
        f"reportgen: {docx}: word/document.xml links outside the document, to {target} ({kind} "
        "in the text); Word or LibreOffice would fetch or open it, so reportgen does not build "
        "from this template."
    )


def test_a_hyperlink_to_a_bookmark_and_a_page_field_are_allowed(folder: Path) -> None:
    add_to_body(folder, complex_field('HYPERLINK \\l "_Toc1"') + complex_field("PAGE"))
    assert run("templates", "lint", str(folder))[0] == 0


# ---------------------------------------------------------------- include, import, extends


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ('{% include "other.xml" %}', "include"),
        ('{% import "macros.xml" as m %}', "import"),
        ('{% from "macros.xml" import m %}', "from … import"),
        ('{% extends "base.xml" %}', "extends"),
    ],
)
def test_include_import_and_extends_are_refused(
    example: Path, folder: Path, tag: str, name: str
) -> None:
    use_jinja(folder, tag)
    docx = folder / "template.docx"
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert (
        f"{{% {name} %}} is not allowed: a template is one Word document, with nothing to "
        "include, import or extend." in out
    )
    code, err = build(example, folder)
    assert code == 2
    assert err == (
        f"reportgen: {docx}: the template uses {{% {name} %}}, which reportgen does not allow: a "
        "template is one Word document, with nothing to include, import or extend. Copy what it "
        "needs into template.docx (a piece used twice can be a {% macro %}); reportgen templates "
        "lint shows the paragraph."
    )


# ---------------------------------------------------------------- bounded evaluation

FILL = "the template cannot be filled: "
STEPS = (
    FILL + "it takes more than 1,000,000 steps (a loop inside a loop over large ranges?). Make "
    "its loops go over the report's own parts and paragraphs."
)
TOO_BIG = (
    FILL + "it makes a value 4,000,000 characters longer than the report's own text (a text "
    "repeated or joined too many times?)."
)
TOO_DEEP = FILL + "it goes too deep (a macro that calls itself, or lists inside lists?)."
TOO_LARGE = FILL + "it uses a width, count or precision above 100,000."
TOO_LONG = (
    FILL + "it would write 32,000,000 characters more than the report's own text. Make its "
    "loops go over the report's own parts and paragraphs."
)
DOUBLED = "{% set a = '0123456789' %}" + "{% set a = a ~ a %}" * 30 + "{{ a|length }}"


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("{{ 1/0 }}", "the template cannot be filled: ZeroDivisionError: division by zero"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", TOO_DEEP),
        ('{{ "x" * 10**9 }}', TOO_BIG),
        ('{{ ["x"] * 10**9 }}', TOO_BIG),
        ("{{ 7 ** (10 ** 9) }}", TOO_BIG),
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
            STEPS,
        ),
        ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", STEPS),
        (DOUBLED, TOO_BIG),
        ("{% set a = [1] %}" + "{% set a = [a, a] %}" * 40 + "{{ a }}", TOO_BIG),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            TOO_BIG,
        ),
        ('{{ "{:>100000000}".format(1) }}', TOO_LARGE),
        ('{{ "%100000000d" % 1 }}', TOO_LARGE),
        ('{{ "x".ljust(10**9) }}', TOO_LARGE),
        ('{% for a in range(100000) %}{{ "x" * 1000 }}{% endfor %}', TOO_LONG),
        ('{{ "x"|center(10**9) }}', "the template cannot be filled: No filter named 'center'."),
    ],
)
def test_template_work_is_bounded_and_ends_in_one_line(
    example: Path, folder: Path, tags: str, message: str
) -> None:
    use_jinja(folder, tags)
    code, err = build(example, folder)
    assert code == 2
    assert err == f"reportgen: {folder / 'template.docx'}: {message}"


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("{{ 1/0 }}", "the template cannot be filled: ZeroDivisionError: division by zero"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", TOO_DEEP),
        ('{{ "x" * 10**9 }}', TOO_BIG),
        ('{{ "{:>100000000}".format(1) }}', TOO_LARGE),
    ],
)
def test_lint_fills_the_template_once_with_sample_data(
    folder: Path, tags: str, message: str
) -> None:
    use_jinja(folder, tags)
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert f"  error {folder / 'template.docx'}: Filled with sample data, {message}" in (
        out.splitlines()
    )


def test_a_macro_that_doubles_its_work_meets_the_step_limit(
    example: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "STEP_LIMIT", 10_000)  # 2**40 calls; 10,000 is enough to see
    use_jinja(
        folder,
        "{% macro d(n) %}{% if n %}{{ d(n-1) }}{{ d(n-1) }}{% endif %}{% endmacro %}{{ d(40) }}",
    )
    code, err = build(example, folder)
    assert (code, err) == (2, f"reportgen: {folder / 'template.docx'}: {STEPS}")


def test_the_limits_are_the_ones_the_messages_name() -> None:
    assert f"{sandbox.STEP_LIMIT:,} steps" in sandbox.TOO_MANY_STEPS
    assert f"{sandbox.SECONDS_LIMIT:.0f} seconds" in sandbox.TOO_SLOW
    assert f"{sandbox.OUTPUT_LIMIT:,} characters more" in sandbox.TOO_LONG
    assert f"{sandbox.VALUE_LIMIT:,} characters longer" in sandbox.TOO_BIG
    assert f"{sandbox.ARGUMENT_LIMIT:,}." in sandbox.TOO_LARGE_NUMBER


def test_ordinary_jinja_still_works(example: Path, folder: Path) -> None:
    use_jinja(
        folder,
        '{{ "{:,}".format(123456789) }}|{{ [1, 2, 3]|join("、") }}|{{ "a-b".replace("-", "+") }}|'
        '{{ 3.14159|round(2) }}|{{ "%05.1f" % 3.14159 }}|{% for x in "ab" %}{{ loop.index }}/'
        "{{ loop.length }}{% endfor %}|{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(2 ** 10) }}|",
    )
    code, out, _err = run("build", str(example), "-t", str(folder), "-o", str(folder.parent))
    assert code == 0
    from .conftest import docx_text

    assert "123,456,789|1、2、3|a+b|3.14|003.1|1/22/2|[1024]|特此函告。" in docx_text(
        Path(out.strip())
    )


def test_the_size_limits_are_beyond_the_reports_own_text() -> None:
    paragraphs = [{"lead": "（一）", "body": "正" * 500} for _ in range(2000)]
    data = {"parts": [{"heading": "一、", "paragraphs": paragraphs} for _ in range(5)]}
    with pytest.raises(sandbox.TemplateLimit):  # a report may hold more than one value may
        sandbox.measure(data)
    template = sandbox.bounded_environment().from_string(
        "{% for p in parts %}{% for q in p.paragraphs %}{{ q.body }}{% endfor %}{% endfor %}"
        '{{ parts|selectattr("heading")|list|length }}'
    )
    assert template.render(data).endswith("正5")


def test_tags_nested_thousands_deep_end_in_one_line(example: Path, folder: Path) -> None:
    use_jinja(folder, "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}")
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert (
        f"  error {folder / 'template.docx'}: The tags are nested deeper than reportgen reads "
        "(brackets or blocks inside each other hundreds of times); build refuses it too."
    ) in out.splitlines()
    code, err = build(example, folder)
    assert (code, err) == (2, f"reportgen: {folder / 'template.docx'}: {TOO_DEEP}")


def test_lint_knows_a_macro_may_call_itself(folder: Path) -> None:
    use_jinja(folder, "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(2) }}")
    code, out, _err = run("templates", "lint", str(folder))
    assert (code, out.strip()) == (0, f"{folder}: no problems found.")


# ---------------------------------------------------------------- schema.toml


def edit_schema(folder: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in schema.toml; the line it is on."""
    path = folder / "schema.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    "written", ["{issuer:>100000000}", "{year!r}", "{issuer.__class__}", "{issuer[0]}", "{}"]
)
def test_a_title_pattern_takes_only_plain_placeholders(
    example: Path, folder: Path, written: str
) -> None:
    line = edit_schema(folder, 'default_title = "{issuer}', f'default_title = "{written}{{issuer}}')
    schema = folder / "schema.toml"
    problem = (
        f"The title uses {written}: a title may use only plain placeholders such as {{issuer}}, "
        "without a format spec, conversion, attribute or index."
    )
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    assert f"  error {schema}:{line}: {problem}" in out.splitlines()
    code, err = build(example, folder)
    assert (code, err) == (2, f"reportgen: {schema}:{line}: {problem}")


def test_fill_title_uses_names_only() -> None:
    info = {"issuer": "某局", "year": 2018}
    assert fill_title("{issuer}关于{year}年度{{}}", info) == "某局关于2018年度{}"
    assert fill_title("{issuer:>100000000}{year!r}", info) == "某局2018"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'label = "年度"\ntype = "integer"',
            'label = "年度"\ntype = "text"',
            "Field 'year' must be of type integer, not 'text'",
        ),
        (
            'label = "成文日期"\ntype = "date"',
            'label = "成文日期"\ntype = "integer"',
            "Field 'signature_date' must be of type date, not 'integer'",
        ),
        (
            'key = "issuer"\nlabel = "发文机关"',
            'key = "issuer"\nlabel = "发文机关"\ntype = "date"',
            "Field 'issuer' must be of type text / docnumber / percent, not 'date'",
        ),
        (
            'label = "年度"\ntype = "integer"',
            'label = "年度"\ntype = "integer"\ndefault = "2018"',
            "Field 'year' is of type integer and cannot have a default",
        ),
    ],
)
def test_a_core_field_of_another_type_is_a_schema_problem_at_its_line(
    example: Path, folder: Path, old: str, new: str, problem: str
) -> None:
    line = edit_schema(folder, old, new) + new.count("\n")  # the line of type = / default =
    schema = folder / "schema.toml"
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    [finding] = [row for row in out.splitlines() if row.startswith("  error")]
    assert finding.startswith(f"  error {schema}:{line}: {problem}")
    code, err = build(example, folder)
    assert code == 2
    assert err.startswith(f"reportgen: {schema}:{line}: {problem}")
