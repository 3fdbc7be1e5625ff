"""The command line through CliRunner: exit codes, exact messages, nothing written on failure."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main

from .conftest import EXAMPLE


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
        ("renamed.xlsx", b"a,b,c\n1,2,3\n", "不是可读取的 .xlsx 工作簿"),
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
    assert f"reportgen: {folder / 'unit4.xlsx'}：不是可读取的 .xlsx 工作簿（BadZipFile）" in err
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
    command = [sys.executable, "-c", "from reportgen.cli import main; main()"]
    args = ["--lang", "en", "build", str(folder), "-o", str(tmp_path / "out"), "-j", "2"]
    done = subprocess.run(command + args, stderr=follower, stdout=subprocess.PIPE, timeout=120)
    os.close(follower)
    screen = os.read(leader, 1 << 16).decode()
    os.close(leader)
    assert done.returncode == 1
    assert "Building" in screen and "3/3" in screen
    assert done.stdout.decode().strip().splitlines()[-1] == "2 built, 1 failed"
