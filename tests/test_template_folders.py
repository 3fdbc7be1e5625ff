"""templates list/show/new, and a copied template edited and used with no Python change."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from reportgen.cli.app import main
from reportgen.core.errors import OutputError, TemplateError
from reportgen.schema.folders import describe, list_text, new_template, shipped_templates
from reportgen.schema.load import load_schema

from .conftest import EXAMPLE, docx_paragraphs


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_list_names_each_shipped_template_with_its_description() -> None:
    assert list_text(shipped_templates()).splitlines() == [
        "annual-free    报告：年度法治政府建设情况（自定标题）",
        "annual-report  报告：年度法治政府建设情况（五部分，GB/T 9704-2012 报告）",
        "letter         函告：年度法治政府建设工作情况（GB/T 9704-2012 函）",
    ]


def test_describe_shows_fields_with_required_and_parts_in_order() -> None:
    text = describe(load_schema("annual-report"), "zh")
    assert "  发文字号  doc_number · docnumber · 选填" in text
    assert "  结束语    closing · text · 必填 · 默认 特此报告。 · 可选 特此报告。" in text
    assert "  5. 其他需要报告的情况\n     other · points · 工作表 其他需要报告的情况 · 选填" in text
    assert text.index("1. {year}年度") < text.index("4. {next_year}年度")


def test_new_copies_and_renames_and_never_overwrites(tmp_path: Path) -> None:
    folder = new_template("mine", "annual-report", tmp_path)
    assert folder == tmp_path / "mine"
    schema = load_schema(folder)
    assert schema.name == "mine" and len(schema.parts) == 5
    text = (folder / "schema.toml").read_text(encoding="utf-8")
    assert text.startswith("# The annual report")  # comments kept
    with pytest.raises(OutputError):
        new_template("mine", "letter", tmp_path)
    assert load_schema(folder).document_kind == "报告"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]  # no temporary folder left


@pytest.mark.parametrize("name", ["letter", "../up", "my template", "", "a" * 65, "a" * 300])
def test_new_refuses_shipped_or_unusable_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(TemplateError):
        new_template(name, "letter", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_for_a_folder_is_refused_plainly(tmp_path: Path) -> None:
    # 300 letters made the file system's "File name too long" escape as a traceback
    with pytest.raises(TemplateError) as caught:
        new_template("a" * 300, "letter", tmp_path)
    assert caught.value.text("en").endswith(
        "cannot be a template name: use up to 64 letters, digits, - and _."
    )
    assert new_template("a" * 64, "letter", tmp_path).name == "a" * 64


@pytest.mark.parametrize(
    "name", ["CON", "nul", "Prn", "aux", "COM1", "lpt9", "con.txt", "NUL.tar.gz"]
)
def test_a_name_windows_reserves_for_a_device_is_refused(tmp_path: Path, name: str) -> None:
    # Linux makes the folder, but on Windows no folder can be called CON or NUL.txt
    with pytest.raises(TemplateError) as caught:
        new_template(name, "letter", tmp_path)
    assert caught.value.text("en") == (
        f"'{name}' is a device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9, also with "
        "an extension); no folder can have it there. Choose another name."
    )
    assert list(tmp_path.iterdir()) == []
    assert new_template("CONTRACT", "letter", tmp_path).name == "CONTRACT"  # only the names


def test_templates_new_con_through_the_cli(tmp_path: Path) -> None:
    code, _out, err = run("templates", "new", "con", "-o", str(tmp_path))
    assert code == 2
    assert err.strip() == (
        "reportgen: “con”是 Windows 的设备名（CON、PRN、AUX、NUL、COM1–9、LPT1–9，带扩展名也一样），"
        "在 Windows 上不能用作文件夹名。请另选一个名称。"
    )


def _fill(workbook: Path, contact: str) -> None:
    """Fill a fresh workbook from the example letter's cells, sheet by sheet, plus 联系人."""
    source, book = load_workbook(EXAMPLE), load_workbook(workbook)
    values = {row[0].value: row[1].value for row in source["基本信息"].iter_rows(min_row=2)}
    values["联系人"] = contact
    for row in book["基本信息"].iter_rows(min_row=2):
        row[1].value = values.get(row[0].value, row[1].value)
    for old, new in (
        ("基本数据", "基本数据"),
        ("主要工作", "主要工作"),
        ("存在不足", "问题与不足"),
    ):
        for row in source[old].iter_rows(min_row=2):
            for cell in row:
                book[new][cell.coordinate] = cell.value
    book.save(workbook)


def test_a_copied_and_edited_template_works_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("templates", "new", "mine", "--from", "letter")[0] == 0
    schema = Path("mine/schema.toml")
    text = schema.read_text(encoding="utf-8").replace('title = "存在不足"', 'title = "问题与不足"')
    schema.write_text(
        text + '\n[[fields]]\nkey = "contact"\nlabel = "联系人"\nhelp = "联系人和电话。"\n',
        encoding="utf-8",
    )
    code, out, _err = run("templates", "lint", "mine")
    assert code == 1 and "必填项目联系人（contact）没有出现在模板中。" in out
    document = Document("mine/template.docx")
    closing = next(p for p in document.paragraphs if p.text == "{{ closing }}")
    closing.insert_paragraph_before("（联系人：{{ fields.contact }}）")
    document.save("mine/template.docx")
    code, out, _err = run("templates", "lint", "mine")
    assert code == 0 and out.strip() == "mine：没有发现问题。"

    assert run("init", "2018.xlsx", "-t", "mine")[0] == 0
    _fill(Path("2018.xlsx"), "张三，0571-00000000")
    code, out, err = run("build", "2018.xlsx", "-o", "out")  # finds ./mine by the workbook's tag
    assert code == 0, err
    paragraphs = docx_paragraphs(Path(out.strip()))
    assert "三、问题与不足" in paragraphs
    assert "（联系人：张三，0571-00000000）" in paragraphs
    assert paragraphs.index("（联系人：张三，0571-00000000）") == paragraphs.index("特此函告。") - 1
