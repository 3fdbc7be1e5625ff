"""The command line through CliRunner: exit codes, exact messages, nothing written on failure."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main

from .conftest import EXAMPLE
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
    assert code == 0 and "Usage" in out


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
