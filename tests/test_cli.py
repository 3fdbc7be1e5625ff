"""The command line through CliRunner: exit codes, exact messages, nothing written on failure."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli.app import main

from .conftest import EXAMPLE, LETTER
from .test_xlsxfile import CATALOGUE


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command: str) -> None:
    assert main.commands[command].help
    code, out, _err = run(command, "--help")
    assert code == 0 and "用法：" in out  # --lang zh: the help is Chinese too


def test_init_writes_a_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "2019.xlsx"
    code, out, _err = run("init", str(target), "--year", "2019")
    assert code == 0 and target.exists()
    assert out.strip() == (
        f"已生成 {target}。请在 Excel 或 WPS 中填写，然后运行：reportgen validate {target}"
    )
    before = _digest(target)
    code, _out, err = run("init", str(target))
    assert code == 2
    assert err.strip() == f"reportgen: {target} 已存在。如要覆盖，请加 --force。"
    assert _digest(target) == before
    assert run("init", str(target), "--force")[0] == 0


def test_validate_clean_example() -> None:
    code, out, _err = run("validate", str(EXAMPLE))
    assert code == 0
    assert out.strip() == f"{EXAMPLE}：没有发现问题。"


def test_validate_lists_every_problem(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B7"): "明天", ("主要工作", "E7"): None})
    code, out, _err = run("validate", str(path))
    assert code == 1
    assert "错误 基本信息!B7: 成文日期不是日期：“明天”。" in out
    assert "错误 主要工作!E7: 要点内容为空。 — 填写该要点的正文，或删除整行。" in out
    assert out.strip().endswith("2 个错误，0 个警告")


def test_validate_json(edited: Callable[..., Path]) -> None:
    import json

    path = edited({("基本信息", "B2"): None})
    code, out, _err = run("validate", str(path), "--format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding == {
        "severity": "error",
        "file": str(path),
        "sheet": "基本信息",
        "cell": "B2",
        "line": None,
        "code": "required-empty",
        "message": "发文机关为空。",
        "hint": finding["hint"],
    }
    assert finding["hint"].startswith("填写发文机关")


def test_build_prints_the_path_and_leaves_the_input_alone(example: Path, tmp_path: Path) -> None:
    before = _digest(example)
    out_dir = tmp_path / "out"
    code, out, _err = run("build", str(example), "-o", str(out_dir))
    assert code == 0
    written = Path(out.strip())
    assert written.exists() and written.parent == out_dir / "2018"
    assert _digest(example) == before
    assert [p.name for p in written.parent.iterdir()] == [written.name]  # no temporary left


@pytest.mark.parametrize(
    ("edits", "delete", "place"),
    [
        ({("基本信息", "B2"): None}, (), "基本信息!B2"),
        ({("基本信息", "B7"): "十一月底"}, (), "基本信息!B7"),
        ({}, ("存在不足",), "[存在不足]"),
    ],
)
def test_build_refuses_an_invalid_workbook(
    edited: Callable[..., Path], tmp_path: Path, edits: dict, delete: tuple, place: str
) -> None:
    path = edited(edits, delete=delete)
    out_dir = tmp_path / "out"
    code, out, err = run("build", str(path), "-o", str(out_dir))
    assert code == 1 and out == ""
    assert place in err and "Traceback" not in err
    assert err.strip().endswith("工作簿有 1 个错误，未生成任何文件。")
    assert not out_dir.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "这是旧的 .xls 格式"),
        ("renamed.xlsx", b"a,b,c\n1,2,3\n", "这是文本文件（CSV？）"),
    ],
)
def test_unreadable_workbooks_get_one_clear_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("validate", "build"):
        code, _out, err = (
            run(command, str(path), "-o", str(tmp_path / "o"))
            if command == "build"
            else run(command, str(path))
        )
        assert code == 2
        assert err.startswith(f"reportgen: {path}：") and message in err
        assert len(err.strip().splitlines()) == 1


def test_missing_file(tmp_path: Path) -> None:
    code, _out, err = run("validate", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "找不到文件" in err


def test_english_messages(edited: Callable[..., Path]) -> None:
    path = edited({("基本信息", "B7"): "soon"})
    result = CliRunner().invoke(main, ["--lang", "en", "validate", str(path)])
    assert "error 基本信息!B7: 成文日期 is not a date: 'soon'." in result.stdout


@pytest.mark.parametrize("command", ["list", "show", "new", "lint"])
def test_every_templates_command_has_help(command: str) -> None:
    from reportgen.cli.templates import templates

    assert templates.commands[command].help
    code, out, _err = run("templates", command, "--help")
    assert code == 0 and "用法：" in out


def test_templates_lists_bare_and_with_list() -> None:
    code, out, _err = run("templates")
    assert code == 0
    assert (
        out.splitlines()[1]
        == "annual-report  报告：年度法治政府建设情况（五部分，GB/T 9704-2012 报告）"
    )
    assert run("templates", "list")[1] == out


def test_templates_show_and_an_unknown_name() -> None:
    code, out, _err = run("templates", "show", "annual-report")
    assert code == 0 and out.startswith("annual-report（版本 1，报告）：")
    code, _out, err = run("templates", "show", "memo")
    assert code == 2 and err.startswith("reportgen: 找不到模板“memo”")


def test_templates_new_says_what_to_do_next_and_refuses_to_overwrite(tmp_path: Path) -> None:
    code, out, _err = run(
        "templates", "new", "mine", "--from", "annual-report", "-o", str(tmp_path)
    )
    folder = tmp_path / "mine"
    assert code == 0 and out.strip() == (
        f"已生成 {folder}。请用 Word 编辑 {folder}/template.docx，并修改 {folder}/schema.toml，"
        f"然后运行：reportgen templates lint {folder}"
    )
    code, _out, err = run("templates", "new", "mine", "-o", str(tmp_path))
    assert code == 2 and err.strip() == f"reportgen: {folder} 已存在，请另选名称或文件夹（-o）。"


def test_templates_lint_exit_codes_and_the_place_named(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    run("templates", "new", "mine", "-o", str(tmp_path))
    folder = tmp_path / "mine"
    assert run("templates", "lint", str(folder))[0] == 0
    document = Document(str(folder / "template.docx"))
    document.add_paragraph("{{ fields.contatc }}")
    document.save(str(folder / "template.docx"))
    code, out, _err = run("templates", "lint", str(folder))
    assert code == 1
    # lint numbers every paragraph of the body, the template's table cells included
    last = len(list(document.element.body.iter(qn("w:p"))))
    assert (
        f"  错误 {folder / 'template.docx'}:{last}: “{{{{ fields.contatc }}}}”：fields.contatc "
        "不是 schema.toml 中的项目（项目：approval_date, approver, classification, closing, "
        "doc_number, draft_date, drafter, intro, issuer, recipient, retention, review_date, "
        "reviewer, signature_date, title, year）。"
    ) in out.splitlines()
    assert out.strip().endswith("1 个错误，0 个警告")


def test_a_template_docx_that_is_a_workbook_is_named_by_lint_and_build(
    example: Path, tmp_path: Path
) -> None:
    run("templates", "new", "mine", "-o", str(tmp_path))
    docx = tmp_path / "mine" / "template.docx"
    docx.write_bytes(example.read_bytes())
    advice = "请把 template.docx 换成 Word 文档（.docx），例如从 reportgen templates new NAME 新建的文件夹中复制一份。"
    code, out, _err = run("templates", "lint", str(tmp_path / "mine"))
    assert code == 2  # the template.docx could not be checked at all, as build says below
    assert f"  错误 {docx}: 这是 Excel 工作簿，不是 Word 文档（.docx）。 — {advice}" in out
    out_dir = tmp_path / "out"
    code, _out, err = run("build", str(example), "-t", str(tmp_path / "mine"), "-o", str(out_dir))
    assert code == 2
    assert err.strip() == f"reportgen: {docx}：这是 Excel 工作簿，不是 Word 文档（.docx）。{advice}"
    assert not out_dir.exists()


def test_templates_lint_json_gives_each_finding_with_its_line(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    run("templates", "new", "mine", "-o", str(tmp_path))
    folder = tmp_path / "mine"
    code, out, _err = run("templates", "lint", str(folder), "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    document = Document(str(folder / "template.docx"))
    document.add_paragraph("{{ fields.contatc }}")
    document.save(str(folder / "template.docx"))
    code, out, _err = run("templates", "lint", str(folder), "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "severity": "error",
            "file": str(folder / "template.docx"),
            "sheet": "",
            "cell": "",
            "line": len(list(document.element.body.iter(qn("w:p")))),  # table cells count
            "code": "unknown-field",
            "message": "“{{ fields.contatc }}”：fields.contatc 不是 schema.toml 中的项目（项目："
            "approval_date, approver, classification, closing, doc_number, draft_date, drafter, "
            "intro, issuer, recipient, retention, review_date, reviewer, signature_date, title, "
            "year）。",
            "hint": "",
        }
    ]


def test_build_the_annual_example_needs_no_template_option(tmp_path: Path) -> None:
    from .conftest import EXAMPLE_ANNUAL

    code, out, _err = run("build", str(EXAMPLE_ANNUAL), "-o", str(tmp_path))
    assert code == 0
    assert (
        Path(out.strip())
        == tmp_path / "2023" / "示例市司法局关于2023年度法治政府建设情况的报告.docx"
    )


def test_a_workbook_for_a_template_not_here_says_how_to_find_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("templates", "new", "mine", "-o", str(tmp_path))
    book = tmp_path / "w.xlsx"
    assert run("init", str(book), "-t", str(tmp_path / "mine"))[0] == 0
    code, _out, err = run("validate", str(book))
    assert code == 2
    assert err.strip() == (
        f"reportgen: {book} 是用模板“mine”生成的，但它既不是内置模板，当前目录下也没有这个文件夹。"
        "请在存放该模板的目录中运行，或用 --template 指定模板文件夹。"
    )
    monkeypatch.chdir(tmp_path)
    assert run("validate", str(book))[0] == 1  # found ./mine; the workbook is still empty


# ---------------------------------------------------------------- import, init --from, diff


def test_import_says_what_it_did_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "2018.xlsx"
    code, out, _err = run("import", str(LETTER), "-o", str(target))
    assert code == 0
    assert out.splitlines() == [
        f"已将 {LETTER} 导入 {target}（模板 letter）：识别出 3 个部分中的 3 个，8 个小节，21 个要点。",
        "略去 1 行网页导航，未导入：第1行",
        f"下一步：reportgen validate {target}",
    ]
    before = _digest(target)
    code, _out, err = run("import", str(LETTER), "-o", str(target))
    assert code == 2
    assert err.strip() == f"reportgen: {target} 已存在。如要覆盖，请加 --force。"
    assert _digest(target) == before


def test_import_never_writes_over_its_source(tmp_path: Path) -> None:
    source = tmp_path / "letter.txt"
    source.write_text("单位：\n开头。\n", "utf-8")
    code, _out, err = run("import", str(source), "-o", str(source), "--force")
    assert code == 2
    assert err.strip() == f"reportgen: {source} 是要导入的文档，请给工作簿另取一个名字。"
    assert source.read_text("utf-8") == "单位：\n开头。\n"


def test_import_reports_unplaced_lines(tmp_path: Path) -> None:
    source = tmp_path / "odd.txt"
    source.write_text(
        "单位：\n开头。\n一、附录\n文字。\n特此函告。\n某单位\n2019年1月2日\n", "utf-8"
    )
    # under the letter (without -t, the free-headings kind would keep 一、附录 as a heading)
    code, out, _err = run("import", str(source), "-t", "letter")
    assert code == 0
    assert "2 行内容无法归入任何部分，已放在工作表“未识别内容”：请移到相应位置后删除该表。" in out
    assert (tmp_path / "odd.xlsx").exists()


def test_import_of_an_unknown_kind_of_file(tmp_path: Path) -> None:
    path = tmp_path / "report.odt"
    path.write_bytes(b"PK\x03\x04")
    code, _out, err = run("import", str(path))
    assert code == 2
    assert err.strip() == f"reportgen: {path}：不能导入这种文件，请使用 .docx 或 .txt。"
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF")
    code, _out, err = run("import", str(path))
    assert code == 2
    assert err.strip() == (
        f"reportgen: {path}：不能导入 PDF。请打开它，把全部文字复制到一个 .txt 文件"
        "（或用 WPS 另存为 .docx），再导入那个文件。"
    )


def test_import_of_an_empty_text_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "2018.txt"
    path.write_bytes(b"")
    code, out, err = run("import", str(path))
    assert (code, out) == (2, "")
    assert err.strip() == f"reportgen: {path}：文件中没有可导入的文字。请确认选对了文件。"
    assert not (tmp_path / "2018.xlsx").exists()


def test_init_from_last_year(example: Path, tmp_path: Path) -> None:
    before = _digest(example)
    target = tmp_path / "2019.xlsx"
    code, out, _err = run("init", "--from", str(example), str(target))
    assert code == 0
    assert out.splitlines() == [
        f"已由 {example} 生成 2019 年度工作簿 {target}：26 行标为“待修改”，0 个数据移到“上年”列。",
        f"请填写成文日期和本年数据，改写标为“待修改”的各行，然后运行：reportgen validate {target}",
    ]
    assert _digest(example) == before
    code, _out, _err = run("init")
    assert code == 2


def test_diff_exit_codes_and_outputs(edited: Callable[..., Path], tmp_path: Path) -> None:
    code, out, _err = run("diff", str(EXAMPLE), str(EXAMPLE))
    assert code == 0
    assert out.strip() == f"没有差异：{EXAMPLE} 与 {EXAMPLE} 的报告内容相同。"
    changed = edited({("主要工作", "D2"): "强化党委领导"})
    code, out, _err = run("diff", str(EXAMPLE), str(changed))
    assert code == 1
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "  ~ 修改 （一）加强领导抓规划 · 一是强化党委领导: 一是强化[-组织-]{+党委+}领导。" in out
    assert out.strip().endswith("共 1 处变化：新增 0，删除 0，移动 0，修改 1")
    page = tmp_path / "diff.html"
    code, out, _err = run("diff", str(EXAMPLE), str(changed), "--html", str(page))
    assert code == 1
    assert out.splitlines() == ["共 1 处变化：新增 0，删除 0，移动 0，修改 1", f"已生成 {page}。"]
    assert "<del>组织</del><ins>党委</ins>" in page.read_text("utf-8")
    code, out, _err = run("diff", str(EXAMPLE), str(changed), "--format", "json")
    assert code == 1 and json.loads(out)["counts"]["changed"] == 1


def test_diff_names_a_sections_lead(edited: Callable[..., Path]) -> None:
    lead = {("主要工作", "A20"): 5, ("主要工作", "C20"): "导语", ("主要工作", "E20"): "全年培训。"}
    code, out, _err = run("diff", str(EXAMPLE), str(edited(lead)))
    assert code == 1
    assert out.splitlines() == [
        "[主要工作]",
        "  + 新增 （五）强化培训提素质 · 导语: 全年培训。",
        "共 1 处变化：新增 1，删除 0，移动 0，修改 0",
    ]


def test_diff_colours_a_terminal(edited: Callable[..., Path]) -> None:
    changed = edited({("主要工作", "D2"): "强化党委领导"})
    result = CliRunner().invoke(main, ["diff", str(EXAMPLE), str(changed)], color=True)
    assert result.exit_code == 1 and "\x1b[31m" in result.stdout


def test_diff_of_a_bad_file_is_exit_2(edited: Callable[..., Path], tmp_path: Path) -> None:
    broken = edited({("基本信息", "B7"): "明天"})
    code, _out, err = run("diff", str(EXAMPLE), str(broken))
    assert code == 2
    assert err.strip() == (
        f"reportgen: {broken} 有 1 个错误，还不能作为报告比对。请运行：reportgen validate {broken}"
    )
    code, _out, err = run("diff", str(EXAMPLE), str(tmp_path / "nope.xlsx"))
    assert code == 2 and "找不到文件" in err


def test_build_letterhead_without_number_warns(tmp_path: Path) -> None:
    code, out, err = run("build", str(EXAMPLE), "-o", str(tmp_path), "--letterhead", "--seal")
    assert code == 0 and out.strip().endswith(".docx")
    assert "警告 基本信息: 信函格式的版头没有发文字号：工作簿中发文字号为空。" in err


def _batch_folder(tmp_path: Path, copies: int = 6, broken: int = 4) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(1, copies + 1):
        (folder / f"unit{n}.xlsx").write_bytes(EXAMPLE.read_bytes())
    (folder / f"unit{broken}.xlsx").write_bytes(b"PK\x03\x04 cut short")
    return folder


def test_build_a_folder_skips_the_bad_workbook(tmp_path: Path) -> None:
    folder = _batch_folder(tmp_path)
    out_dir = tmp_path / "out"
    code, out, err = run("build", str(folder), "-o", str(out_dir), "-j", "2")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].split() == ["文件", "状态", "输出", "问题数"]
    assert lines[4].split() == [str(folder / "unit4.xlsx"), "失败", "-", "0"]
    assert lines[-1] == "已生成 5 个，失败 1 个"
    assert len(list((out_dir / "2018").iterdir())) == 5
    assert f"reportgen: {folder / 'unit4.xlsx'}：文件已损坏或不完整" in err
    assert f"reportgen: {folder / 'unit2.xlsx'}: 与 {folder / 'unit1.xlsx'} 年度和标题相同" in err
    assert "Building" not in err and "[#" not in err  # no progress bar when not a terminal


def test_build_several_workbooks_all_good_exits_0(tmp_path: Path) -> None:
    code, out, _err = run("build", str(EXAMPLE), str(EXAMPLE), "-o", str(tmp_path / "o"))
    assert code == 0  # the same file named twice is built once
    assert out.strip().splitlines()[-1] == "已生成 1 个，失败 0 个"


def test_build_an_empty_folder(tmp_path: Path) -> None:
    code, _out, err = run("build", str(tmp_path), "-o", str(tmp_path / "o"))
    assert code == 2
    assert err.strip() == f"reportgen: {tmp_path} 中没有 .xlsx 工作簿。"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import os
    import subprocess

    folder = _batch_folder(tmp_path, copies=3, broken=2)
    leader, follower = os.openpty()
    command = [sys.executable, "-c", "from reportgen.cli.app import main; main()"]
    args = ["--lang", "en", "build", str(folder), "-o", str(tmp_path / "out"), "-j", "2"]
    done = subprocess.run(command + args, stderr=follower, stdout=subprocess.PIPE, timeout=120)
    os.close(follower)
    screen = os.read(leader, 1 << 16).decode()
    os.close(leader)
    assert done.returncode == 1
    assert "Building" in screen and "3/3" in screen
    assert done.stdout.decode().strip().splitlines()[-1] == "2 built, 1 failed"


def _no_output_left(out_dir: Path) -> None:
    assert not out_dir.exists() or not any(out_dir.rglob("*"))


@pytest.mark.parametrize(("name", "content", "_phrase"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_every_unreadable_file_ends_cleanly(
    tmp_path: Path, name: str, content: bytes, _phrase: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("validate", "build"):
        out_dir = tmp_path / "out"
        extra = ["-o", str(out_dir)] if command == "build" else []
        code, out, err = run(command, str(path), *extra)
        assert code == 2 and out == ""
        assert err.startswith(f"reportgen: {path}：") and len(err.strip().splitlines()) == 1
        assert "Traceback" not in err
        _no_output_left(out_dir)


BROKEN = [
    ({("基本信息", "B4"): "二〇一八"}, "基本信息!B4"),
    ({("基本信息", "B7"): "下个月"}, "基本信息!B7"),
    ({("基本信息", "B8"): None}, "基本信息!B8"),
    ({("主要工作", "A1"): "节"}, "主要工作!A1"),
    ({("主要工作", "C4"): "二"}, "主要工作!C4"),
    ({("主要工作", "C4"): 2}, "主要工作!C4"),
    ({("主要工作", "A6"): 1}, "主要工作!B6"),
    ({("主要工作", "E2"): "长" * 6000}, "主要工作!E2"),
    ({("主要工作", "E2"): "#REF!"}, "主要工作!E2"),
    ({("基本数据", "E3"): 5}, "基本数据!D3"),
]


@pytest.mark.parametrize(("edits", "place"), BROKEN, ids=[p for _e, p in BROKEN])
def test_every_broken_workbook_names_the_place_and_writes_nothing(
    edited: Callable[..., Path], tmp_path: Path, edits: dict, place: str
) -> None:
    path = edited(edits)
    code, out, _err = run("validate", str(path))
    assert code == 1 and f"错误 {place}" in out
    out_dir = tmp_path / "out"
    code, out, err = run("build", str(path), "-o", str(out_dir))
    assert code == 1 and out == ""
    assert f"错误 {place}" in err and "Traceback" not in err
    _no_output_left(out_dir)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_build_several_with_pdf_writes_a_pdf_beside_each(tmp_path: Path) -> None:
    from .conftest import EXAMPLE_ANNUAL

    out_dir = tmp_path / "o"
    code, out, _err = run("build", str(EXAMPLE), str(EXAMPLE_ANNUAL), "-o", str(out_dir), "--pdf")
    assert code == 0, out
    for year in ("2018", "2023"):
        names = sorted(p.suffix for p in (out_dir / year).iterdir())
        assert names == [".docx", ".pdf"]
        assert (next((out_dir / year).glob("*.pdf"))).read_bytes().startswith(b"%PDF")


def test_diff_html_onto_a_compared_workbook_is_refused(
    edited: Callable[..., Path], example: Path
) -> None:
    changed = edited({("主要工作", "D2"): "强化党委领导"})
    before = _digest(example)
    code, out, err = run(
        "diff", str(example), str(changed), "--html", str(example), "--format", "json"
    )
    assert code == 2 and out == ""
    assert err.strip() == (
        f"reportgen: {example} 是参与比对的工作簿之一；请给网页另起一个名字，如 changes.html。"
    )
    assert _digest(example) == before


def test_init_without_xlsx_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "2019"
    code, out, err = run("init", str(target))
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"reportgen: {target}：工作簿的文件名必须以 .xlsx 结尾，否则 Excel 和 WPS 打不开。"
        f"可改为：{target}.xlsx"
    )
    assert list(tmp_path.iterdir()) == []
