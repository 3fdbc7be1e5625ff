"""Archive bags as the standards ask: GB/T 18894 metadata (JSON and XML), business activity,
SM3 beside SHA-256, and the letter as sent (archive --letterhead / --seal)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.etree import ElementTree

import bagit
import pytest
from click.testing import CliRunner

from reportgen import conversion
from reportgen.api import BuildOptions, build_report, validate
from reportgen.archive import digests
from reportgen.archive.bag import archive_report
from reportgen.archive.verify import verify_bag
from reportgen.cli.app import main

from .conftest import EXAMPLE

TITLE = "杭州市公安局关于2018年度法治政府建设工作情况的函"
NUMBER = "杭公函〔2018〕12号"
# GB/T 18894-2016's minimum metadata of a 文书类 electronic file, under its element names.
ELEMENTS = (
    "题名",
    "文件编号",
    "责任者",
    "日期",
    "机构或问题",
    "保管期限",
    "密级",
    "格式信息",
    "计算机文件名",
    "计算机文件大小",
    "文档创建程序",
)
# 基本信息 rows 12–17: the optional business-activity fields, typed as an office would.
ACTIVITY = {
    ("基本信息", "A12"): "拟稿人",
    ("基本信息", "B12"): "王小明",
    ("基本信息", "A13"): "拟稿日期",
    ("基本信息", "B13"): "2018-11-20",
    ("基本信息", "A14"): "审核人",
    ("基本信息", "B14"): "李华",
    ("基本信息", "A15"): "审核日期",
    ("基本信息", "B15"): "2018年11月26日",
    ("基本信息", "A16"): "签发人",
    ("基本信息", "B16"): "张伟",
    ("基本信息", "A17"): "签发日期",
    ("基本信息", "B17"): "2018/11/28",
}
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A conversion that writes a small two-page PDF (no LibreOffice needed, and fast)."""

    def convert_to_pdf(
        docx_paths: Sequence[Path], out_dir: Path, *, pdfa: bool = False, **_: object
    ) -> list[Path]:
        made = [out_dir / (Path(p).stem + ".pdf") for p in docx_paths]
        for pdf in made:
            pdf.write_bytes(b"%PDF-1.6\n3 0 obj\n<</Type/Pages/Count 2>>\nendobj\n%%EOF\n")
        return made

    monkeypatch.setattr(conversion, "convert_to_pdf", convert_to_pdf)


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One bag from ``reportgen archive --letterhead`` with a real PDF/A (LibreOffice), and
    the workbook it was made from (the example with a 发文字号 and the business activity)."""
    if shutil.which("soffice") is None:
        pytest.skip("needs LibreOffice")
    from openpyxl import load_workbook

    folder = tmp_path_factory.mktemp("sent")
    book = load_workbook(EXAMPLE)
    book["基本信息"]["B6"] = NUMBER
    for (sheet, cell), value in ACTIVITY.items():
        book[sheet][cell] = value
    workbook = folder / "工作情况.xlsx"
    book.save(workbook)
    code, out, err = run("archive", "--letterhead", str(workbook), "-o", str(folder / "a"))
    assert code == 0, err
    return Path(out.strip()), workbook


def _metadata(bag: Path) -> dict:
    return json.loads((bag / "data" / "metadata.json").read_text(encoding="utf-8"))


def _document_xml(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml").decode("utf-8")


def _all_text(docx: Path) -> str:
    """Every XML part of a .docx (body, headers, footers, properties) as one text."""
    with zipfile.ZipFile(docx) as package:
        return "".join(
            package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")
        )


# ---------------------------------------------------------------- the letter as sent


@needs_soffice
def test_a_letterhead_bag_holds_the_letter_as_sent_and_its_pdfa(sent: tuple[Path, Path]) -> None:
    bag, workbook = sent
    bagit.Bag(str(bag)).validate()  # the Library of Congress's own validation agrees
    docx, pdf = bag / "data" / f"{TITLE}.docx", bag / "data" / f"{TITLE}.pdf"
    body = _document_xml(docx)
    # 信函格式: the red issuer's name and double lines are shapes, 发文字号 under them.
    assert "<wps:wsp>" in body and 'w:val="FF0000"' in body and NUMBER in body
    rebuilt = build_report(workbook, bag.parent / "x", options=BuildOptions(letterhead=True))
    assert docx.read_bytes() == rebuilt.outputs[0].read_bytes()  # the same bytes build sends
    assert pdf.read_bytes().startswith(b"%PDF")
    assert re.search(rb"<pdfaid:part>2</pdfaid:part>", pdf.read_bytes())  # PDF/A-2
    metadata = _metadata(bag)
    assert metadata["文件形式"] == "信函格式" and metadata["文件编号"] == NUMBER
    assert metadata["PDF"] == {"已生成": True, "格式": "PDF/A-2b", "说明": None}
    assert "Document-Form: 信函格式\n" in (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert f"External-Identifier: {NUMBER}\n" in (bag / "bag-info.txt").read_text("utf-8")
    code, out, _err = run("archive", "--verify", str(bag))
    assert code == 0 and "intact" in out


@needs_soffice
def test_the_metadata_has_every_gbt18894_element_in_json_and_xml(sent: tuple[Path, Path]) -> None:
    bag, _workbook = sent
    metadata = _metadata(bag)
    assert all(name in metadata for name in ELEMENTS)
    assert (metadata["计算机文件名"], metadata["计算机文件大小"]) == (
        f"{TITLE}.docx",
        (bag / "data" / f"{TITLE}.docx").stat().st_size,
    )
    assert metadata["格式信息"].startswith("DOCX") and metadata["文档创建程序"].startswith(
        "reportgen"
    )
    assert metadata["机构或问题"] is None and metadata["机构或问题说明"]  # null, with the reason
    assert metadata["页数"] >= 2
    raw = (bag / "data" / "metadata.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ElementTree.fromstring(raw)  # well-formed
    children = {child.tag: child for child in root}
    assert all(name in children for name in ELEMENTS)
    assert children["题名"].text == TITLE and children["文件编号"].text == NUMBER
    unknown = children["机构或问题"]  # a null: an empty element saying why
    assert unknown.text is None and len(unknown) == 0
    assert unknown.get("说明") == metadata["机构或问题说明"]
    assert [d.findtext("SM3") for d in root.iter("文档")] == [f["SM3"] for f in metadata["文件"]]
    assert [e.findtext("业务行为") for e in root.iter("业务实体")] == ["拟稿", "审核", "签发"]


@pytest.mark.usefixtures("fake_pdf")
@pytest.mark.parametrize(
    ("flags", "form"),
    [((), "普通"), (("--seal",), "加盖印章"), (("--letterhead", "--seal"), "信函格式、加盖印章")],
)
def test_the_bag_says_which_form_it_holds(
    tmp_path: Path, flags: tuple[str, ...], form: str
) -> None:
    code, out, _err = run("archive", *flags, str(EXAMPLE), "-o", str(tmp_path / "a"))
    bag = Path(out.strip())
    assert code == 0 and _metadata(bag)["文件形式"] == form
    assert f"Document-Form: {form}\n" in (bag / "bag-info.txt").read_text(encoding="utf-8")
    shapes = "<wps:wsp>" in _document_xml(bag / "data" / f"{TITLE}.docx")
    assert shapes == ("--letterhead" in flags)  # only the 信函格式 letter has the letterhead


# ---------------------------------------------------------------- business activity


@pytest.mark.usefixtures("fake_pdf")
def test_business_activity_reaches_the_metadata_and_never_the_letter(
    edited: Callable[..., Path], tmp_path: Path
) -> None:
    bag = archive_report(edited(ACTIVITY), tmp_path / "a").bag
    assert _metadata(bag)["业务活动"] == [
        {"业务行为": "拟稿", "机构人员名称": "王小明", "行为时间": "2018-11-20"},
        {"业务行为": "审核", "机构人员名称": "李华", "行为时间": "2018-11-26"},
        {"业务行为": "签发", "机构人员名称": "张伟", "行为时间": "2018-11-28"},
    ]
    letter = _all_text(bag / "data" / f"{TITLE}.docx")
    assert not any(word in letter for word in ("王小明", "李华", "张伟", "拟稿", "签发人"))


@pytest.mark.usefixtures("fake_pdf")
def test_no_business_activity_is_an_empty_list_with_the_reason(
    example: Path, tmp_path: Path
) -> None:
    metadata = _metadata(archive_report(example, tmp_path / "a").bag)
    assert metadata["业务活动"] == [] and metadata["业务活动说明"]


def test_business_dates_parse_like_the_signature_date(edited: Callable[..., Path]) -> None:
    result = validate(edited({**ACTIVITY, ("基本信息", "B13"): "上周"}))
    [finding] = [f for f in result.findings if f.cell == "B13"]
    assert finding.severity.value == "error" and finding.sheet == "基本信息"
    assert finding.text("en") == "拟稿日期 is not a date: '上周'."  # as 成文日期 says it


def test_a_sign_off_before_the_draft_warns(edited: Callable[..., Path]) -> None:
    result = validate(edited({**ACTIVITY, ("基本信息", "B17"): "2018-11-01"}))
    assert result.report is not None  # a warning: the letter still builds
    [finding] = [f for f in result.findings if f.code == "date-order"]
    assert (finding.sheet, finding.cell) == ("基本信息", "B17")
    assert finding.severity.value == "warning"
    assert finding.text("en") == "签发日期 (2018-11-01) is before 拟稿日期 (2018-11-20)."


def test_dates_in_order_do_not_warn(edited: Callable[..., Path]) -> None:
    assert not [f for f in validate(edited(ACTIVITY)).findings if f.code == "date-order"]


# ---------------------------------------------------------------- SM3 beside SHA-256


@pytest.mark.usefixtures("fake_pdf")
def test_sm3_is_listed_for_every_payload_file(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    lines = (bag / "sm3-manifest.txt").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    payload = sorted(p.relative_to(bag).as_posix() for p in (bag / "data").iterdir())
    assert sorted(listed) == payload  # metadata.json and metadata.xml included
    for name, digest in listed.items():
        assert digest == digests.file_digest(bag / name, "sm3")
    tagged = (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    assert " sm3-manifest.txt\n" in tagged  # the SM3 list is itself under the tag manifest
    bagit.Bag(str(bag)).validate()


def test_sm3_is_the_gbt32905_digest() -> None:
    # GB/T 32905-2016, appendix A, example 1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    digest = digests.new_hash("sm3")
    digest.update(b"abc")
    assert digest.hexdigest() == expected


def test_sm3_without_it_in_openssl_comes_from_cryptography(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hashlib, "algorithms_available", {"sha256"})
    digest = digests.new_hash("sm3")
    assert type(digest).__name__ == "_CryptographySM3"
    digest.update(b"abc")
    assert digest.hexdigest().startswith("66c7f0f4")


@pytest.mark.usefixtures("fake_pdf")
def test_verify_names_a_tampered_file_by_sha256_and_sm3(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    pdf = bag / "data" / f"{TITLE}.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"Count 2", b"Count 3"))  # same size
    code, out, err = run("archive", "--verify", str(bag))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"reportgen: {bag}: data/{TITLE}.pdf: changed since it was archived: its checksums "
        "(sha256 / sm3) differ.",
        f"reportgen: {bag}: data/{TITLE}.pdf: its checksums (SHA-256 / SM3) differ from "
        "metadata.json.",
        f"reportgen: {bag}: verification failed (2 problem(s)).",
    ]


@pytest.mark.usefixtures("fake_pdf")
def test_verify_checks_sm3_on_its_own(example: Path, tmp_path: Path) -> None:
    # A forger who fixes SHA-256 everywhere but not SM3 is still caught.
    bag = archive_report(example, tmp_path / "a").bag
    manifest = bag / "sm3-manifest.txt"
    name = f"data/{TITLE}.docx"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    lines = [("0" * 64 + "  " + name) if line.endswith(name) else line for line in lines]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _retag(bag)
    assert [p.text("en") for p in verify_bag(bag).problems] == [
        f"{name}: changed since it was archived: its sm3 differs."
    ]


@pytest.mark.usefixtures("fake_pdf")
def test_a_bag_made_before_sm3_still_verifies(example: Path, tmp_path: Path) -> None:
    bag = archive_report(example, tmp_path / "a").bag
    (bag / "sm3-manifest.txt").unlink()
    metadata = _metadata(bag)
    metadata["发文字号"] = metadata.pop("文件编号")  # as bags made before named it
    for entry in metadata["文件"]:
        del entry["SM3"]
    (bag / "data" / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), "utf-8")
    _rehash_payload(bag)
    assert verify_bag(bag).ok


def _retag(bag: Path) -> None:
    """Recompute tagmanifest-sha256.txt, as a forger would."""
    lines = []
    for line in (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        name = line.split(" ", 1)[1].strip()
        if (bag / name).exists():
            lines.append(f"{digests.file_digest(bag / name, 'sha256')} {name}")
    (bag / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rehash_payload(bag: Path) -> None:
    """Recompute manifest-sha256.txt, Payload-Oxum and the tag manifest (an old bag's own)."""
    files = sorted(p for p in (bag / "data").iterdir())
    lines = [f"{digests.file_digest(p, 'sha256')}  {p.relative_to(bag).as_posix()}" for p in files]
    (bag / "manifest-sha256.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    oxum = f"{sum(p.stat().st_size for p in files)}.{len(files)}"
    info = re.sub(r"Payload-Oxum: \S+", f"Payload-Oxum: {oxum}", info)
    (bag / "bag-info.txt").write_text(info, encoding="utf-8")
    _retag(bag)


# ---------------------------------------------------------------- the page


@pytest.mark.usefixtures("fake_pdf")
def test_the_page_task_archives_the_form_asked_for(tmp_path: Path) -> None:
    from reportgen.web import tasks

    options = BuildOptions(letterhead=True, seal=True)
    archived = tasks.archive_zip(EXAMPLE, tmp_path, None, options)
    with zipfile.ZipFile(archived.path) as packed:
        [name] = [n for n in packed.namelist() if n.endswith("data/metadata.json")]
        assert json.loads(packed.read(name).decode("utf-8"))["文件形式"] == "信函格式、加盖印章"


@needs_soffice  # the page converts in a child process, with the real LibreOffice
def test_the_page_archives_the_letterhead_form_when_ticked() -> None:
    from starlette.testclient import TestClient

    from reportgen.web.app import create_app

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        form = client.get("/archive").text
        assert 'name="letterhead"' in form and 'name="seal"' in form
        done = client.post(
            "/archive",
            files={"workbook": ("w.xlsx", EXAMPLE.read_bytes(), xlsx)},
            data={"letterhead": "on"},
        )
    assert done.status_code == 200
    with zipfile.ZipFile(io.BytesIO(done.content)) as packed:
        [name] = [n for n in packed.namelist() if n.endswith("data/metadata.json")]
        metadata = json.loads(packed.read(name).decode("utf-8"))
        [docx] = [n for n in packed.namelist() if n.endswith(".docx")]
        assert b"<wps:wsp>" in zipfile.ZipFile(io.BytesIO(packed.read(docx))).read(
            "word/document.xml"
        )
    assert metadata["文件形式"] == "信函格式"


def test_a_schema_whose_not_before_names_no_date_is_refused(tmp_path: Path) -> None:
    from reportgen.core.errors import ReportgenError
    from reportgen.schema.load import builtin_templates_dir, load_schema

    folder = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    schema = folder / "schema.toml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(
        text.replace('not_before = "draft_date"', 'not_before = "drafter"', 1), "utf-8"
    )
    with pytest.raises(ReportgenError) as caught:
        load_schema(str(folder))
    assert "not_before of 'review_date' must be on a date field" in caught.value.text("en")
