"""Write inputs/example-2018.xlsx from the published 2018 letter (../shared/reference).

Run:  python tools/make_example.py ../shared/reference/letter-2018.txt inputs/example-2018.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.importer import parse_letter_text
from reportgen.schema import load_schema
from reportgen.workbook import write_workbook

if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    schema = load_schema("letter")
    report = parse_letter_text(source.read_text(encoding="utf-8"), schema)
    write_workbook(target, schema, report)
    print(target)
