"""The .docx as Word and WPS on an office PC read it: the font table, compatibility mode 15,
no stale parts, app.xml naming reportgen, and letterhead shapes with a VML fallback."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reportgen.api import BuildOptions, build_report
from reportgen.schema.load import load_schema

from .conftest import EXAMPLE, EXAMPLE_ANNUAL
from .pdf_layout import ink_bands

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
VML = "urn:schemas-microsoft-com:vml"
APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS = {"w": W, "mc": MC, "v": VML, "ap": APP}
# Each Chinese face and the face Word falls back to (altName) when it is not installed.
ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
    "宋体": "SimSun",
}
FONTS = {*ALT_NAMES, "Times New Roman"}
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
STALE = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml")
SHIPPED = [load_schema(name).docx_path for name in ("letter", "annual-report")]


def parts(path: Path) -> dict[str, bytes]:
    """Every member of a zip, by name."""
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def xml(path: Path, name: str) -> etree._Element:
    """The root element of part ``name`` of ``path``."""
    return etree.fromstring(parts(path)[name])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two examples as built, plain, and the 2018 letter in the 信函格式."""
    root = tmp_path_factory.mktemp("word")
    made = {}
    for name, (workbook, options) in {
        "plain": (EXAMPLE, BuildOptions()),
        "letterhead": (EXAMPLE, BuildOptions(letterhead=True)),
        "annual": (EXAMPLE_ANNUAL, BuildOptions()),
    }.items():
        [made[name]] = build_report(workbook, output_dir=root / name, options=options).outputs
    return made


def documents(built: dict[str, Path]) -> list[Path]:
    """The built documents and the shipped templates they come from."""
    return [*built.values(), *SHIPPED]


def test_font_table_declares_each_chinese_font_with_charset_86_and_its_fallback(
    built: dict[str, Path],
) -> None:
    for path in documents(built):
        fonts = {f.get(f"{{{W}}}name"): f for f in xml(path, "word/fontTable.xml")}
        assert set(fonts) == FONTS, path  # exactly the faces used, none of Cambria, ＭＳ 明朝 …
        for name, alt in ALT_NAMES.items():
            font = fonts[name]
            assert font.find("w:charset", NS).get(f"{{{W}}}val") == "86", (path, name)
            assert font.find("w:altName", NS).get(f"{{{W}}}val") == alt, (path, name)
            assert re.fullmatch("[0-9A-F]{20}", font.find("w:panose1", NS).get(f"{{{W}}}val"))
            sig = font.find("w:sig", NS)
            # csb0 bit 18: the face covers code page 936 (GB2312)
            assert int(sig.get(f"{{{W}}}csb0"), 16) & 1 << 18, (path, name)
            children = [etree.QName(c).localname for c in font]
            assert children == ["altName", "panose1", "charset", "family", "pitch", "sig"]


def test_every_font_a_document_names_is_in_its_font_table(built: dict[str, Path]) -> None:
    for path in built.values():
        named = set()
        for name, content in parts(path).items():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                for fonts in etree.fromstring(content).iter(f"{{{W}}}rFonts"):
                    named.update(fonts.get(f"{{{W}}}{slot}") for slot in SLOTS)
        named.discard(None)
        table = {f.get(f"{{{W}}}name") for f in xml(path, "word/fontTable.xml")}
        assert named and named <= table, (path, named - table)


def test_opens_in_compatibility_mode_15(built: dict[str, Path]) -> None:
    for path in documents(built):
        settings = xml(path, "word/settings.xml")
        [mode] = settings.xpath("//w:compatSetting[@w:name='compatibilityMode']", namespaces=NS)
        assert mode.get(f"{{{W}}}val") == "15", path
        assert settings.find("w:compat/w:useFELayout", NS) is not None  # the rest is kept


def test_no_thumbnail_or_styles_with_effects(built: dict[str, Path]) -> None:
    for path in documents(built):
        package = parts(path)
        for stale in STALE:
            assert stale not in package, path
            assert stale not in package["[Content_Types].xml"].decode(), path
            for name, content in package.items():
                if name.endswith(".rels"):
                    assert stale.rsplit("/", 1)[1] not in content.decode(), (path, name)
        assert 'Extension="jpeg"' not in package["[Content_Types].xml"].decode()


def test_app_properties_name_reportgen_and_count_nothing(built: dict[str, Path]) -> None:
    for path in documents(built):
        app = xml(path, "docProps/app.xml")
        assert app.findtext("ap:Application", namespaces=NS) == "reportgen", path
        # XX.YYYY, the only form ISO/IEC 29500 allows (0.1.0 → 00.0100)
        assert re.fullmatch(r"\d\d\.\d{4}", app.findtext("ap:AppVersion", namespaces=NS))
        for stale in ("Pages", "Words", "Characters", "Lines", "Paragraphs", "Template"):
            assert app.find(f"ap:{stale}", NS) is None, (path, stale)
        assert b"Microsoft" not in parts(path)["docProps/app.xml"]


def test_letterhead_shapes_are_alternate_content_with_a_vml_fallback(
    built: dict[str, Path],
) -> None:
    root = xml(built["letterhead"], "word/document.xml")
    drawings = list(root.iter(f"{{{W}}}drawing"))
    assert len(drawings) == 5  # the name and two double lines
    fallbacks = []
    for drawing in drawings:
        choice = drawing.getparent()
        assert choice.tag == f"{{{MC}}}Choice" and choice.get("Requires") == "wps"
        assert choice.nsmap["wps"] == WPS  # the prefix Requires names is declared
        alternate = choice.getparent()
        assert alternate.tag == f"{{{MC}}}AlternateContent"
        assert [etree.QName(c).localname for c in alternate] == ["Choice", "Fallback"]
        [pict] = alternate[1]
        assert pict.tag == f"{{{W}}}pict"
        fallbacks.append(etree.QName(pict[0]).localname)
    assert fallbacks == ["rect", "line", "line", "line", "line"]
    [box] = root.xpath("//mc:Fallback//v:textbox/w:txbxContent", namespaces=NS)
    assert "".join(box.itertext()) == "杭州市公安局"


def test_every_part_parses_and_ignorable_prefixes_are_declared(built: dict[str, Path]) -> None:
    for path in built.values():
        for name, content in parts(path).items():
            if not name.endswith((".xml", ".rels")):
                continue
            element = etree.fromstring(content)
            ignorable = element.get(f"{{{MC}}}Ignorable")
            for prefix in (ignorable or "").split():
                assert prefix in element.nsmap, (path, name, prefix)
    root = xml(built["letterhead"], "word/document.xml")
    assert root.nsmap["mc"] == MC and root.nsmap["v"] == VML
    assert root.xpath("//mc:AlternateContent", namespaces=NS)


def _with_thumbnail(source: Path, target: Path) -> None:
    """``source`` with a preview picture, as Word saves one, and Word's app.xml."""
    relationship = (
        '<Relationship Id="rIdThumb" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>'
    )
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for name in src.namelist():
            content = src.read(name)
            if name == "_rels/.rels":
                content = content.replace(b"</Relationships>", relationship.encode())
            elif name == "[Content_Types].xml":
                jpeg = b'<Default Extension="jpeg" ContentType="image/jpeg"/>'
                content = content.replace(b"<Default ", jpeg + b"<Default ", 1)
            elif name == "docProps/app.xml":
                content = content.replace(b">reportgen<", b">Microsoft Office Word<")
            out.writestr(name, content)
        out.writestr("docProps/thumbnail.jpeg", b"\xff\xd8\xff\xe0 a stale preview")


@pytest.mark.parametrize("letterhead", [False, True])  # the compiled path and the fresh one
def test_a_user_templates_stale_thumbnail_is_dropped_its_own_parts_kept(
    tmp_path: Path, letterhead: bool
) -> None:
    from reportgen.rendering import compiled

    folder = tmp_path / "mine"
    shutil.copytree(load_schema("letter").folder, folder)
    _with_thumbnail(SHIPPED[0], folder / "template.docx")
    compiled._compile.cache_clear()
    [docx] = build_report(
        EXAMPLE,
        output_dir=tmp_path / "out",
        template=str(folder),
        options=BuildOptions(letterhead=letterhead),
    ).outputs
    package = parts(docx)
    assert "docProps/thumbnail.jpeg" not in package
    assert b"thumbnail" not in package["_rels/.rels"]
    assert b"jpeg" not in package["[Content_Types].xml"]
    assert b">Microsoft Office Word<" in package["docProps/app.xml"]  # the template's own


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_vml_fallback_alone_draws_the_letterhead_of_section_10_1(
    built: dict[str, Path], tmp_path: Path
) -> None:
    """A reader that takes the Fallback (LibreOffice, made to) draws what test_pdf measures."""
    from reportgen.conversion import convert_to_pdf

    vml_only = tmp_path / "vml.docx"
    with zipfile.ZipFile(built["letterhead"]) as src, zipfile.ZipFile(vml_only, "w") as out:
        for name in src.namelist():
            content = src.read(name)
            if name == "word/document.xml":  # each AlternateContent → its Fallback's content
                content, count = re.subn(
                    rb"<mc:AlternateContent><mc:Choice .*?</mc:Choice><mc:Fallback>(.*?)"
                    rb"</mc:Fallback></mc:AlternateContent>",
                    rb"\1",
                    content,
                    flags=re.S,
                )
                assert count == 5
            out.writestr(name, content)
    [pdf] = convert_to_pdf([vml_only], tmp_path / "pdf")
    *name, upper_thick, upper_thin, lower_thin, lower_thick = ink_bands(pdf, 1, "red")
    assert name[0].top == pytest.approx(30, abs=0.5)  # the name's top 30 mm down
    assert (name[0].left + name[0].right) / 2 == pytest.approx(105, abs=0.5)
    assert upper_thick.top - name[-1].bottom == pytest.approx(4, abs=0.5)
    assert upper_thick.bottom - upper_thick.top > upper_thin.bottom - upper_thin.top
    assert lower_thick.bottom - lower_thick.top > lower_thin.bottom - lower_thin.top
    assert 297 - lower_thick.bottom == pytest.approx(20, abs=0.5)
    for rule in (upper_thick, upper_thin, lower_thin, lower_thick):
        assert (rule.left, rule.right) == (pytest.approx(20, abs=0.3), pytest.approx(190, abs=0.3))
