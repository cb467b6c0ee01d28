"""The source lines each job family of issue 15 took: ``python benchmarks/family_lines.py``.

A new family should be a declaration and a few handlers on the shared engine, not a copy of
an existing module. This prints, per family, the lines of the modules that are its own (all
lines, and code lines: without blank lines, comments and docstrings), then the shared parts
they stand on, and checks the budget: at most 120 lines per Forecast export family on average.
"""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "importmock" / "services"
FORECAST_EXPORTS = {
    "ForecastExportJob": ["forecast/forecast_export_jobs.py"],
    "PredictorBacktestExportJob": ["forecast/predictor_backtest_export_jobs.py"],
    "ExplainabilityExport": ["forecast/explainability_exports.py"],
    "WhatIfForecastExport": ["forecast/what_if_forecast_exports.py"],
}
OTHERS = {"DynamoDB bulk operations": ["dynamodb/bulk_operations.py", "dynamodb/bulk_work.py"]}
SHARED = {
    "Forecast job engine (every Forecast kind)": ["forecast/jobs.py"],
    "Forecast exports' common part": ["forecast/exports.py"],
}
BUDGET = 120  # lines per Forecast export family, on average


def counts(path: Path) -> tuple[int, int]:
    """(all lines, code lines) of one module."""
    text = path.read_text()
    prose: set[int] = set()  # lines holding only a comment or a docstring
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        docstring = token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT)
        if token.type == tokenize.COMMENT or docstring:
            prose.update(range(token.start[0], token.end[0] + 1))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    lines = text.splitlines()
    code = sum(1 for number, line in enumerate(lines, 1) if line.strip() and number not in prose)
    return len(lines), code


def report(title: str, families: dict[str, list[str]]) -> list[int]:
    print(title)
    totals = []
    for family, files in families.items():
        every, code = map(sum, zip(*(counts(SOURCE / name) for name in files), strict=True))
        totals.append(every)
        print(f"  {family:<44}{every:>5} lines {code:>5} code   {', '.join(files)}")
    return totals


def main() -> int:
    exports = report("Forecast export families (their own modules)", FORECAST_EXPORTS)
    report("Other new families", OTHERS)
    report("Shared parts they stand on", SHARED)
    average = sum(exports) / len(exports)
    ok = average <= BUDGET
    verdict = "ok" if ok else "MISSED"
    print(f"Forecast export families: {average:.1f} lines on average, budget {BUDGET}: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
