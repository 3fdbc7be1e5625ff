"""validate --fix: a corrected copy for the mechanical problems; the input is never touched."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.api import validate
from reportgen.cli.app import main
from reportgen.core.errors import OutputError
from reportgen.validation.fix import fix_workbook

MESSY = {
    ("基本信息", "B2"): " 杭州市公安局\u3000",
    ("主要工作", "E2"): "贯彻落实党中央部署,出台《实施细则》(杭公通〔2018〕27号)。",
    ("存在不足", "B3"): "工作氛围需要进一步浓厚\u200b",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def messy(edited: Callable[..., Path]) -> Path:
    return edited(MESSY, name="messy.xlsx")


def test_fix_writes_a_corrected_copy_and_leaves_the_input(messy: Path, tmp_path: Path) -> None:
    before = _digest(messy)
    target = tmp_path / "fixed.xlsx"
    result = fix_workbook(messy, target)
    assert (result.output, result.cells) == (target, 3)
    assert _digest(messy) == before
    book = load_workbook(target)
    assert book["基本信息"]["B2"].value == "杭州市公安局"
    assert book["主要工作"]["E2"].value == (
        "贯彻落实党中央部署，出台《实施细则》（杭公通〔2018〕27号）。"
    )
    assert book["存在不足"]["B3"].value == "工作氛围需要进一步浓厚"
    assert book["主要工作"]["A1"].comment is not None  # the rest of the workbook kept
    assert validate(target).findings == []


def test_fix_through_the_cli(messy: Path, tmp_path: Path) -> None:
    target = tmp_path / "fixed.xlsx"
    code, out, _err = run("validate", str(messy), "--fix", str(target))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[-2] == "0 个错误，3 个警告"
    assert (
        lines[-1] == f"已写出 {target}：修正了 3 个单元格（标点全半角、空格、标题前手写的编号）。"
    )


def test_fix_refuses_to_overwrite_without_force(messy: Path, tmp_path: Path) -> None:
    target = tmp_path / "fixed.xlsx"
    target.write_bytes(b"keep me")
    code, _out, err = run("validate", str(messy), "--fix", str(target))
    assert code == 2
    assert err.strip() == f"reportgen: {target} 已存在。如要覆盖，请加 --force。"
    assert target.read_bytes() == b"keep me"
    code, _out, _err = run("validate", str(messy), "--fix", str(target), "--force")
    assert code == 0 and load_workbook(target)["基本信息"]["B2"].value == "杭州市公安局"


def test_fix_never_writes_the_input_itself(messy: Path) -> None:
    before = _digest(messy)
    for force in (False, True):
        with pytest.raises(OutputError, match="never the workbook itself"):
            fix_workbook(messy, messy.parent / "." / messy.name, force=force)
    assert _digest(messy) == before


def test_fix_wants_an_xlsx_name(messy: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"must end in \.xlsx"):
        fix_workbook(messy, tmp_path / "fixed.xls")


def test_nothing_to_fix_writes_nothing(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "fixed.xlsx"
    code, out, _err = run("validate", str(example), "--fix", str(target))
    assert code == 0
    assert out.strip().splitlines()[-1] == "没有可自动修正的内容，未写出副本。"
    assert not target.exists()


def test_fix_with_json_keeps_stdout_json(messy: Path, tmp_path: Path) -> None:
    import json

    target = tmp_path / "fixed.xlsx"
    code, out, err = run("validate", str(messy), "--format", "json", "--fix", str(target))
    assert code == 0
    assert len(json.loads(out)) == 3
    assert "已写出" in err


def test_fix_still_reports_errors_and_exits_1(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited({**MESSY, ("基本信息", "B7"): "明天"})
    target = tmp_path / "fixed.xlsx"
    code, out, _err = run("validate", str(path), "--fix", str(target))
    assert code == 1
    assert "错误 基本信息!B7" in out and target.exists()
