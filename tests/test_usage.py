"""Click's own usage errors: the common ones in Chinese under --lang zh, click's English otherwise."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reportgen.cli.app import main
from reportgen.cli.usage import LocalizedGroup


def _usage_error(lang: str, *args: str) -> list[str]:
    result = CliRunner().invoke(main, ["--lang", lang, *args], prog_name="reportgen")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr.splitlines()


def test_a_missing_argument_in_chinese() -> None:
    assert _usage_error("zh", "validate") == [
        "用法：reportgen validate [OPTIONS] PATH",
        "查看帮助请运行：reportgen validate --help",
        "",
        "错误：缺少参数 'PATH'。",
    ]


def test_english_is_clicks_own() -> None:
    assert _usage_error("en", "validate") == [
        "Usage: reportgen validate [OPTIONS] PATH",
        "Try 'reportgen validate --help' for help.",
        "",
        "Error: Missing argument 'PATH'.",
    ]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["build"], "缺少参数 'PATHS...'。"),
        (["validate", "--bogus", "x.xlsx"], "没有 '--bogus' 这个选项。"),
        (
            ["build", "x.xlsx", "--tempalte", "letter"],
            "没有 '--tempalte' 这个选项。是否想用 '--html', '--seal', '--template'？",
        ),
        (["valdate", "x.xlsx"], "没有 'valdate' 这个命令。是否想用 'validate'？"),
        (["templates", "bogus"], "没有 'bogus' 这个命令。"),
        ([], "缺少命令。"),
        (["init", "x.xlsx", "--year"], "选项 '--year' 后面缺少值。"),
        (
            ["validate", "x.xlsx", "--format", "xml"],
            "'--format' 的值有误：'xml' 不在可选值 'text', 'json' 之中。",
        ),
        (
            ["validate", "2018", "年报.xlsx"],
            "多余的参数：年报.xlsx。文件名中有空格时，请给整个文件名加上引号。",
        ),
        (["--bogus"], "没有 '--bogus' 这个选项。"),
    ],
)
def test_common_usage_errors_in_chinese(args: list[str], error: str) -> None:
    assert _usage_error("zh", *args)[-1] == f"错误：{error}"


def test_a_folder_given_for_a_file_and_a_file_for_a_folder(tmp_path: Path) -> None:
    book = tmp_path / "a.xlsx"
    book.write_bytes(b"")
    assert _usage_error("zh", "validate", str(tmp_path))[-1] == (
        f"错误：'PATH' 的值有误：'{tmp_path}' 是文件夹，不是文件。"
    )
    assert _usage_error("zh", "build", str(book), "-o", str(book))[-1] == (
        f"错误：'-o' / '--output' 的值有误：'{book}' 是文件，不是文件夹。"
    )


def test_a_file_that_does_not_exist(tmp_path: Path) -> None:
    # no reportgen command lets click check existence (its own message says more), so a
    # group of the same kind with a command that does
    @click.group(cls=LocalizedGroup)
    @click.option("--lang")
    def group(lang: str | None) -> None:
        """A group like reportgen's."""

    @group.command()
    @click.argument("path", type=click.Path(exists=True))
    def probe(path: str) -> None:
        """A command whose argument must exist."""

    missing = tmp_path / "nope.xlsx"
    result = CliRunner().invoke(group, ["--lang", "zh", "probe", str(missing)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"错误：'PATH' 的值有误：'{missing}' 不存在。"


def test_other_errors_keep_clicks_english_with_chinese_framing() -> None:
    lines = _usage_error("zh", "build", "x.xlsx", "-j", "0")
    assert lines[0] == "用法：reportgen build [OPTIONS] PATHS..."
    assert lines[-1] == "错误：Invalid value for '-j' / '--jobs': 0 is not in the range x>=1."


# ---------------------------------------------------------------- help in Chinese


def _help(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], env=env, prog_name="reportgen")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_help_text_has_its_chinese() -> None:
    from reportgen.cli.usage import help_texts
    from reportgen.core.i18n import translate

    missing = [text for text in help_texts(main) if translate(text, "zh") == text]
    assert missing == [], "run `make catalog` and translate: " + "; ".join(missing)


def test_build_help_is_chinese_under_lang_zh() -> None:
    out = _help("--lang", "zh", "build")
    assert out.startswith("用法：reportgen build")
    assert "选项：" in out
    assert "同时生成 PDF（需要 LibreOffice）。" in out
    assert "显示本帮助并退出。" in out
    assert "[默认：build]" in out
    assert "Also write a PDF" not in out


def test_help_follows_a_chinese_locale() -> None:
    out = _help("templates", env={"REPORTGEN_LANG": "", "LC_ALL": "zh_CN.UTF-8"})
    assert "列出自带的模板" in out and "命令：" in out


def test_english_help_after_a_chinese_one_in_the_same_process() -> None:
    _help("--lang", "zh", "check")
    out = _help("--lang", "en", "check")
    assert "Template to check against." in out and "Usage: reportgen check" in out


@pytest.mark.parametrize("args", [["--lang", "fr", "--help"], ["--lang=fr", "check", "--help"]])
def test_a_language_reportgen_does_not_speak_is_a_usage_error(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
