"""Locating a schema problem in the TOML text."""

from __future__ import annotations

from reportgen.schema.problems import key_line


def test_key_line_counts_array_tables() -> None:
    text = 'name = "x"\n[[parts]]\nkey = "a"\n[[parts]]\nkey = "b"\nkind = "c"\n'
    assert key_line(text, ("name",)) == 1
    assert key_line(text, ("parts", 1, "kind")) == 6
    assert key_line(text, ("parts", 0, "kind")) == 2  # not there: the table's own line
