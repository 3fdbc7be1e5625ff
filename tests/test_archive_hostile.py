"""archive --verify on tampered and malformed bags: one line per problem naming the file,
nothing read outside the bag, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.archive import verify as verifying
from reportgen.archive.bag import archive_report, make_pdf
from reportgen.archive.verify import verify_bag
from reportgen.cli.app import main

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bag, made without LibreOffice (no PDF): each test tampers with a copy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shutil, "which", lambda _name: None)
        return archive_report(EXAMPLE, tmp_path_factory.mktemp("archive")).bag


@pytest.fixture
def bag(made: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bag"
    shutil.copytree(made, copy, symlinks=True)
    return copy


def _verify(bag: Path) -> tuple[int, list[str]]:
    """The exit code and the lines --verify printed, the bag's path shown as BAG."""
    result = CliRunner().invoke(main, ["--lang", "en", "archive", "--verify", str(bag)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = (result.stdout + result.stderr).replace(str(bag), "BAG").splitlines()
    return result.exit_code, lines


def _failed(*problems: str) -> list[str]:
    return [*(f"reportgen: BAG: {p}" for p in problems), _summary(len(problems))]


def _summary(count: int) -> str:
    return f"reportgen: BAG: verification failed ({count} problem(s))."


def _edit_metadata(bag: Path, edit: Callable[[dict], object]) -> None:
    path = bag / "data" / "metadata.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text("utf-8")))), encoding="utf-8")


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text("utf-8") + line + "\n", encoding="utf-8")


METADATA_CHANGED = (
    "data/metadata.json: changed since it was archived: its checksums (sha256 / sm3) differ."
)


@pytest.mark.parametrize("outside", ["/etc/passwd", "../../../../etc/passwd", "data/../../x"])
def test_metadata_naming_a_file_outside_the_bag_is_not_read(
    bag: Path, monkeypatch: pytest.MonkeyPatch, outside: str
) -> None:
    opened: list[str] = []
    digest = verifying._digest
    monkeypatch.setattr(verifying, "_digest", lambda p, a: opened.append(str(p)) or digest(p, a))
    entry = {"路径": outside, "SHA-256": "0" * 64}
    _edit_metadata(bag, lambda m: {**m, "文件": [*m["文件"], entry]})
    assert _verify(bag) == (
        1,
        _failed(
            METADATA_CHANGED,
            f"data/metadata.json: entry 3 names “{outside}”, outside the bag's data/; "
            "it was not read.",
        ),
    )
    assert all(path.startswith(str(bag.resolve())) for path in opened)


def test_a_file_added_at_the_top_level_is_named(bag: Path) -> None:
    (bag / "notes.txt").write_text("added later")
    (bag / "extra").mkdir()
    (bag / "extra" / "more.txt").write_text("added later")
    assert _verify(bag) == (
        1,
        _failed(
            "extra/more.txt: not in the manifest: added after archiving.",
            "notes.txt: not in the manifest: added after archiving.",
        ),
    )


def test_a_bag_without_bagit_txt(bag: Path) -> None:
    (bag / "bagit.txt").unlink()
    assert _verify(bag) == (
        1,
        _failed(
            "bagit.txt: missing: every bag begins with it.",
            "bagit.txt: listed in the manifest but missing.",
        ),
    )


def test_a_manifest_line_without_a_path(bag: Path) -> None:
    _append(bag / "manifest-sha256.txt", "0" * 64)
    assert _verify(bag) == (
        1,
        _failed(
            "manifest-sha256.txt: line 5 is not a sha256 checksum and a file name.",
            "manifest-sha256.txt: changed since it was archived: its sha256 differs.",
        ),
    )


def test_a_manifest_naming_a_folder(bag: Path) -> None:
    (bag / "data" / "sub").mkdir()
    _append(bag / "manifest-sha256.txt", "0" * 64 + "  data/sub")
    assert _verify(bag) == (
        1,
        _failed(
            "data/sub: listed in the manifest, but it is a folder, not a file.",
            "manifest-sha256.txt: changed since it was archived: its sha256 differs.",
        ),
    )


@pytest.mark.parametrize("path", ["/etc/passwd", "data/../../../etc/passwd", "bagit.txt"])
def test_a_manifest_naming_a_file_it_may_not_list(bag: Path, path: str) -> None:
    _append(bag / "manifest-sha256.txt", "0" * 64 + "  " + path)
    code, lines = _verify(bag)
    assert code == 1
    assert lines[0] == (
        f"reportgen: BAG: manifest-sha256.txt: line 5 names “{path}”, which this manifest "
        "may not list (outside data/ or the bag); it was not read."
    )


def test_binary_garbage_in_bag_info(bag: Path) -> None:
    (bag / "bag-info.txt").write_bytes(b"\xff\xfe\x00garbage\x80\x81")
    assert _verify(bag) == (
        1,
        _failed("bag-info.txt: changed since it was archived: its sha256 differs."),
    )
    (bag / "tagmanifest-sha256.txt").unlink()  # then it is read, for Payload-Oxum
    assert _verify(bag) == (
        1,
        _failed("bag-info.txt: is not UTF-8 text, as a bag's tag files must be."),
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "cannot be read: JSONDecodeError"),
        ("[1, 2]", "is not an object with a “文件” list, as reportgen writes it."),
        ('{"文件": "x"}', "is not an object with a “文件” list, as reportgen writes it."),
        (
            '{"文件": [{"路径": 5, "SHA-256": null}]}',
            "entry 1 of “文件” has no “路径” and “SHA-256” text.",
        ),
        ('{"文件": ["x"]}', "entry 1 of “文件” has no “路径” and “SHA-256” text."),
    ],
)
def test_metadata_that_is_not_reportgens(bag: Path, content: str, problem: str) -> None:
    (bag / "data" / "metadata.json").write_text(content, encoding="utf-8")
    assert _verify(bag) == (1, _failed(METADATA_CHANGED, f"data/metadata.json: {problem}"))


def test_a_link_in_data_pointing_outside(bag: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the bag")
    os.symlink(secret, bag / "data" / "secret.txt")
    (bag / "data" / EXAMPLE.name).unlink()
    os.symlink(secret, bag / "data" / EXAMPLE.name)
    assert _verify(bag) == (
        1,
        _failed(
            f"data/{EXAMPLE.name}: is a symbolic link; a bag holds plain files, so it was not "
            "followed.",
            "data/secret.txt: is a symbolic link; a bag holds plain files, so it was not followed.",
        ),
    )


def test_data_as_a_link_to_another_folder(bag: Path, made: Path) -> None:
    shutil.rmtree(bag / "data")
    os.symlink(made / "data", bag / "data")
    assert _verify(bag) == (
        1,
        _failed("data: is a symbolic link; a bag holds plain files, so it was not followed."),
    )


def test_a_pipe_in_data_is_not_opened(bag: Path) -> None:
    os.mkfifo(bag / "data" / "pipe")  # opening it would wait for a writer for ever
    assert _verify(bag) == (
        1,
        _failed("data/pipe: is not a plain file (a device, socket or pipe); it was not read."),
    )


def test_an_oversized_tag_file_is_not_read(bag: Path) -> None:
    (bag / "tagmanifest-sha256.txt").write_bytes(b"a" * (verifying.MAX_TAG_BYTES + 1))
    assert _verify(bag) == (
        1,
        _failed(
            "tagmanifest-sha256.txt: is 1048577 bytes, more than the 1048576 a tag file may "
            "have; it was not read."
        ),
    )


def test_a_manifest_of_an_unknown_algorithm(bag: Path) -> None:
    (bag / "manifest-foo.txt").write_text("x data/a\n")
    assert _verify(bag) == (
        1,
        _failed("manifest-foo.txt: uses the checksum “foo”, which --verify cannot check."),
    )


def test_a_changed_payload_oxum(bag: Path) -> None:
    (bag / "tagmanifest-sha256.txt").unlink()
    info = bag / "bag-info.txt"
    text = info.read_text("utf-8")
    start = text.index("Payload-Oxum: ") + len("Payload-Oxum: ")
    end = text.index("\n", start)
    info.write_text(text[:start] + "1.1" + text[end:], encoding="utf-8")
    code, lines = _verify(bag)
    assert code == 1 and lines[0].startswith(
        "reportgen: BAG: bag-info.txt: Payload-Oxum is 1.1 but data/ holds "
    )


def test_an_untouched_copy_is_intact(bag: Path) -> None:
    assert verify_bag(bag).ok


def test_a_pdf_that_is_no_pdf_is_not_archived(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from reportgen import conversion

    def convert_to_pdf(docx_paths: list[Path], out_dir: Path, **_kwargs: object) -> list[Path]:
        made = out_dir / "letter.pdf"
        made.write_bytes(b"PK\x03\x04 not a pdf")
        return [made]

    monkeypatch.setattr(conversion, "convert_to_pdf", convert_to_pdf)
    outcome = make_pdf(tmp_path / "letter.docx", tmp_path)
    assert outcome.path is None and not (tmp_path / "letter.pdf").exists()
    assert outcome.reason_text("en") == "LibreOffice wrote a file that is not a PDF."
