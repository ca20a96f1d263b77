"""Benchmark of the Excel export: ``build_workbook`` on the engine benchmark's large case.

The case is :func:`bench_calculation.build_case`: 200 line items (100 costs, 100 gains with
ramp-ups, confidences, margins, start and end months) over 60 months with discounting, i.e.
about 18 000 formula cells in "Monthly flows". The time includes the engine run the export does
for the warnings and writing the .xlsx bytes.

Run: ``uv run python bench/bench_xlsx.py`` (prints a markdown snippet for docs/).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

# Runnable as a script from the repository root or from bench/.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench_calculation import build_case  # noqa: E402

from roi.documents.workbook import build_workbook  # noqa: E402

RUNS = 10
BUDGET_MS = 1500.0


def run(runs: int = RUNS) -> dict:
    """Time ``build_workbook`` on the 200-line × 60-month case; figures in ms."""
    case = build_case()
    data = build_workbook(case)  # warm-up (imports, catalogue cache)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        build_workbook(case)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "items": len(case.costs) + len(case.gains),
        "horizon_months": case.horizon_months,
        "runs": runs,
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "max_ms": max(timings),
        "budget_ms": BUDGET_MS,
        "size_kb": len(data) / 1024,
        "python": platform.python_version(),
    }


def markdown(figures: dict) -> str:
    return "\n".join([
        "| Benchmark | Items | Horizon | Runs | Median | Min | Max | File | Budget |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| `build_workbook` (.xlsx, live formulas) | {figures['items']} "
        f"| {figures['horizon_months']} months | {figures['runs']} "
        f"| {figures['median_ms']:.0f} ms | {figures['min_ms']:.0f} ms "
        f"| {figures['max_ms']:.0f} ms | {figures['size_kb']:.0f} KB "
        f"| {figures['budget_ms']:.0f} ms |",
        "",
        f"Python {figures['python']}, `{platform.machine()}`; `time.perf_counter`, median of "
        f"{figures['runs']} runs after one warm-up.",
    ])


if __name__ == "__main__":
    print(markdown(run()))
