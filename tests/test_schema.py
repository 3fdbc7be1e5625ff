"""Template folders and their schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.errors import TemplateError
from reportgen.schema import builtin_templates_dir, load_schema


def test_letter_schema() -> None:
    schema = load_schema("letter")
    assert [p.title for p in schema.parts] == ["基本数据", "主要工作", "存在不足"]
    assert schema.field("closing").default == "特此函告。"
    assert schema.docx_path.is_file()


def test_template_by_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    assert load_schema(folder).folder == folder


def test_unknown_template_names_the_known_ones() -> None:
    with pytest.raises(TemplateError) as info:
        load_schema("memo")
    assert "letter" in str(info.value)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(builtin_templates_dir() / "letter", folder)
    schema = folder / "schema.toml"
    schema.write_text(schema.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return folder


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as info:
        load_schema(_broken(tmp_path, 'name = "letter"', 'name = "letter'))
    assert "schema.toml" in str(info.value) and "line" in str(info.value)


def test_unknown_field_type(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as info:
        load_schema(_broken(tmp_path, 'type = "integer"', 'type = "money"'))
    assert "money" in str(info.value)


def test_missing_word_template(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "", "")
    (folder / "template.docx").unlink()
    with pytest.raises(TemplateError, match="template.docx"):
        load_schema(folder)
