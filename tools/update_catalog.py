"""Refresh src/reportgen/locale/zh/LC_MESSAGES/reportgen.po from the messages in the code.

Messages are sorted, so that moving code between modules leaves the catalog as it is.
The help texts of the commands and options (--help) are collected from the command tree.
Existing translations are kept; new message ids are added untranslated and listed, so that a
translator (or the test that checks every message has Chinese) finds them.
Run:  python tools/update_catalog.py
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from reportgen.cli.app import main as cli
from reportgen.cli.usage import help_texts

PO = Path("src/reportgen/locale/zh/LC_MESSAGES/reportgen.po")
# The Python code, and the page's Jinja templates (their words are written _("…") too).
METHODS = [("**.py", "python"), ("**/web/templates/**.html", "jinja2.ext:babel_extract")]


def main() -> None:
    old = read_po(PO.open("rb")) if PO.exists() else Catalog(locale="zh")
    new = Catalog(locale="zh", project="reportgen", fuzzy=False)
    for _file, _line, message, _comments, _context in extract_from_dir(
        "src/reportgen", METHODS, keywords={"_": None}
    ):
        existing = old.get(message)
        new.add(message, existing.string if existing else "")
    for message in help_texts(cli):  # --help: the commands' docstrings and options' help
        existing = old.get(message)
        new.add(message, existing.string if existing else "")
    with PO.open("wb") as handle:
        write_po(handle, new, omit_header=False, no_location=True, width=0, sort_output=True)
    missing = [m.id for m in new if m.id and not m.string]
    for message_id in missing:
        print("untranslated:", message_id)


if __name__ == "__main__":
    main()
