"""Write inputs/example-2018.xlsx from the published 2018 letter (inputs/sources).

Run:  python tools/make_example.py inputs/sources/letter-2018.txt inputs/example-2018.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.yearly.importer import import_document

if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    result, _schema = import_document(source, target, template="letter", force=True)
    assert not result.leftovers, result.leftovers  # the example must place every line
    print(target)
