"""Benchmark of the Excel export: ``build_workbook`` on the engine benchmark's case, at 200 and
at 2 000 lines.

The cases are :func:`bench_calculation.build_case` with 200 and 2 000 line items (half costs,
half gains with ramp-ups, confidences, margins, start and end months) over 60 months with
discounting: 12 000 and 120 000 line-month formulas on "Monthly flows", each stored with its
value. The time includes the engine run (every stored value is the engine's figure) and
writing the .xlsx bytes. Runs of the two sizes are interleaved, so that a noisy neighbour on
the machine weighs on both alike; the figures are medians, of wall time and of CPU time.

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

RUNS = 7
SIZES = (200, 2000)
BUDGET_MS = {200: 400.0, 2000: 2000.0}


def run(runs: int = RUNS) -> dict:
    """Time ``build_workbook`` on each size, runs interleaved; figures in ms."""
    cases = {size: build_case(size) for size in SIZES}
    sizes_kb = {size: len(build_workbook(case)) / 1024 for size, case in cases.items()}  # warm-up
    timings: dict[int, list[float]] = {size: [] for size in SIZES}
    cpu: dict[int, list[float]] = {size: [] for size in SIZES}
    for _ in range(runs):
        for size, case in cases.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            build_workbook(case)
            timings[size].append((time.perf_counter() - started) * 1000)
            cpu[size].append((time.process_time() - started_cpu) * 1000)
    return {
        "horizon_months": cases[SIZES[0]].horizon_months,
        "runs": runs,
        "sizes": [{
            "items": len(case.costs) + len(case.gains),
            "median_ms": statistics.median(timings[size]),
            "cpu_median_ms": statistics.median(cpu[size]),
            "min_ms": min(timings[size]),
            "max_ms": max(timings[size]),
            "budget_ms": BUDGET_MS[size],
            "size_kb": sizes_kb[size],
        } for size, case in cases.items()],
        "python": platform.python_version(),
    }


def markdown(figures: dict) -> str:
    lines = [
        "| Benchmark | Items | Horizon | Runs | Median | Min | Max | CPU (median) | File "
        "| Budget |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in figures["sizes"]:
        lines.append(
            f"| `build_workbook` (.xlsx, live formulas with stored values) | {size['items']} "
            f"| {figures['horizon_months']} months | {figures['runs']} "
            f"| {size['median_ms']:.0f} ms | {size['min_ms']:.0f} ms "
            f"| {size['max_ms']:.0f} ms | {size['cpu_median_ms']:.0f} ms "
            f"| {size['size_kb']:.0f} KB "
            f"| {size['budget_ms']:.0f} ms |")
    lines += [
        "",
        f"Python {figures['python']}, `{platform.machine()}`; `time.perf_counter`, median of "
        f"{figures['runs']} interleaved runs per size after one warm-up; CPU is the process's "
        "own time (`time.process_time`), which a busy machine does not inflate.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
