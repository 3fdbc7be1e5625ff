"""Speed figures for reportgen, as ratios against a naive baseline measured in the same run.

The baseline is what a script without reportgen would do: load the workbook with openpyxl and
render the same Word template with a fresh DocxTemplate. Figures print; nothing fails on time.
Run:  make bench
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "example-2018.xlsx"
TEMPLATE = ROOT / "templates" / "letter" / "template.docx"


def naive_build(out: Path) -> None:
    """The baseline: openpyxl + a fresh DocxTemplate, context taken from reportgen's model."""
    from docxtpl import DocxTemplate
    from openpyxl import load_workbook

    from reportgen.context import build_context
    from reportgen.schema import load_schema
    from reportgen.validate import validate_workbook

    load_workbook(EXAMPLE)  # what a script reading the cells would pay for
    report = validate_workbook(EXAMPLE, load_schema("letter")).report
    assert report is not None
    template = DocxTemplate(str(TEMPLATE))
    template.render(build_context(report).as_template_data())
    template.save(str(out / "naive.docx"))


def reportgen_build(out: Path) -> None:
    """One build through the library entry point, as `reportgen build` does."""
    from reportgen.api import build_report

    build_report(EXAMPLE, output_dir=out)


def timed(func: Callable[[Path], None], runs: int) -> float:
    """Median seconds of ``runs`` calls, after one warm-up call."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        func(out)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            func(out)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, runs: {runs} (median)"
    )
    base = timed(naive_build, runs)
    ours = timed(reportgen_build, runs)
    print(
        f"one build, in process: baseline {base * 1000:.0f} ms, reportgen {ours * 1000:.0f} ms,"
        f" ratio {ours / base:.2f}x (target <= 1.2x)"
    )


if __name__ == "__main__":
    main()
