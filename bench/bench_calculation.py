"""Benchmark of the ROI engine: ``compute`` and ``item_totals`` on a large case.

The case: 200 line items (100 costs, 100 gains over every post, all recurrences, ramp-ups,
confidences, margins, start and end months) over a 60-month horizon with discounting, so that
every part runs: monthly flows, 6/12/24/36-month views, by-year table, three scenarios with
NPV and IRR, the tornado and the warnings. ``item_totals`` is what the wizard shows next to each
line. The timings are interleaved (one of each per round), so that a noisy machine slows them
alike.

Run: ``uv run python bench/bench_calculation.py`` (prints a markdown snippet for docs/).
``--before`` also times the engine as it was before the performance work (the test-only copy
in tests/calculation/reference/), interleaved with today's, and prints the ratios.
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

# Runnable as a script from the repository root or from bench/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from roi.calculation import (  # noqa: E402
    GAIN_CATEGORIES,
    Case,
    LineItem,
    Recurrence,
    compute,
    item_totals,
)

HORIZON_MONTHS = 60
ITEMS = 200
RUNS = 30
# The goal: the engine at most half a bare page (~4–7 ms here over HTTP), so ~2 ms.
BUDGET_MS = 2.0


def build_case(items: int = ITEMS, horizon_months: int = HORIZON_MONTHS) -> Case:
    """A large, plausible case: project costs up front, running costs and ramping gains after.

    Seeded, so every run measures the same work.
    """
    rng = random.Random(20260101)

    def money(low: int, high: int) -> Decimal:
        return Decimal(rng.randrange(low * 100, high * 100)) / 100

    costs, gains = [], []
    for index in range(items // 2):
        kind = index % 10
        if kind < 3:  # one-off project work in the first months
            costs.append(LineItem(
                rng.choice(("integration", "training", "internal", "transition")),
                f"Project cost {index}", money(1000, 12000), Recurrence.ONCE,
                start_month=rng.randint(1, 6)))
        elif kind < 8:  # licences and running costs, some of them for a limited period
            start = rng.randint(1, 12)
            costs.append(LineItem(
                rng.choice(("software", "support", "evolution")), f"Running cost {index}",
                money(5, 40), Recurrence.MONTHLY, quantity=Decimal(rng.randint(1, 10)),
                start_month=start,
                end_month=None if rng.random() < 0.7 else start + rng.randint(6, 40)))
        elif kind < 9:
            costs.append(LineItem("support", f"Yearly fee {index}", money(500, 4000),
                                  Recurrence.YEARLY))
        else:  # hidden costs, later
            costs.append(LineItem("contingency", f"Contingency {index}", money(500, 5000),
                                  Recurrence.ONCE, start_month=rng.randint(3, 24)))
    for index in range(items - items // 2):
        category = GAIN_CATEGORIES[index % len(GAIN_CATEGORIES)]
        recurrence = (Recurrence.MONTHLY, Recurrence.MONTHLY, Recurrence.YEARLY,
                      Recurrence.ONCE)[index % 4]
        amount = {Recurrence.MONTHLY: money(50, 900), Recurrence.YEARLY: money(1000, 9000),
                  Recurrence.ONCE: money(500, 5000)}[recurrence]
        start = rng.randint(2, 12)
        gains.append(LineItem(
            category, f"Gain {index}", amount, recurrence, start_month=start,
            end_month=None if rng.random() < 0.8 else start + rng.randint(12, 48),
            ramp_up_months=rng.randint(0, 6),
            confidence=Decimal(rng.randint(50, 100)) / 100,
            margin=Decimal("0.35") if category == "revenue" else None))
    return Case(horizon_months=horizon_months, costs=tuple(costs), gains=tuple(gains),
                name="Benchmark", discount_rate=Decimal("0.08"))


def losing_case() -> Case:
    """The same case with every gain × 0.25: no IRR exists at most horizons, the engine's
    slowest path before the performance work (a full scan of the IRR grid)."""
    case = build_case()
    return replace(case, gains=tuple(replace(item, amount=item.amount / 4) for item in case.gains))


def _interleaved_ms(measures: dict[str, Callable[[], object]],
                    runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each measure once per round, ``runs`` rounds after one warm-up round: wall times and
    CPU times (the process's own, which a busy machine does not inflate), in ms."""
    for measure in measures.values():
        measure()  # warm-up (imports, caches)
    wall: dict[str, list[float]] = {name: [] for name in measures}
    cpu: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            measure()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _measures(case: Case, losing: Case, *, before: bool) -> dict[str, Callable[[], object]]:
    measures: dict[str, Callable[[], object]] = {
        "compute": lambda: compute(case),
        "losing": lambda: compute(losing),
        "item_totals": lambda: item_totals(case),
    }
    if before:
        from tests.calculation.reference import engine_before, lines_before

        measures.update({
            "compute_before": lambda: engine_before.compute_fields(case),
            "losing_before": lambda: engine_before.compute_fields(losing),
            "item_totals_before": lambda: lines_before.item_totals(case),
        })
    return measures


def run(runs: int = RUNS, *, before: bool = False) -> dict:
    """Time ``compute`` on :func:`build_case` and :func:`losing_case`, and ``item_totals`` on
    :func:`build_case`; figures in ms (medians, min, max). ``before``: the old engine too."""
    case, losing = build_case(), losing_case()
    result = compute(case)
    wall, cpu = _interleaved_ms(_measures(case, losing, before=before), runs)
    figures = {
        "items": len(case.costs) + len(case.gains),
        "horizon_months": case.horizon_months,
        "runs": runs,
        "budget_ms": BUDGET_MS,
        "roi_percent": result.headline.roi_percent,
        "payback_months": result.headline.payback_months,
        "python": platform.python_version(),
    }
    for name, values in wall.items():
        figures[f"{name}_median_ms"] = statistics.median(values)
        figures[f"{name}_min_ms"] = min(values)
        figures[f"{name}_max_ms"] = max(values)
        figures[f"{name}_cpu_median_ms"] = statistics.median(cpu[name])
    # The keys bench/run.py and earlier reports used.
    figures["median_ms"] = figures["compute_median_ms"]
    figures["min_ms"] = figures["compute_min_ms"]
    figures["max_ms"] = figures["compute_max_ms"]
    figures["losing_case_median_ms"] = figures["losing_median_ms"]
    return figures


def markdown(figures: dict) -> str:
    rows = [
        ("`compute` (all horizons, scenarios, tornado)", "compute", f"{BUDGET_MS:.0f} ms"),
        ("same, gains × 0.25 (no IRR at most horizons)", "losing", f"{BUDGET_MS:.0f} ms"),
        ("`item_totals` (each line's total, the wizard)", "item_totals", ""),
    ]
    before = "compute_before_median_ms" in figures
    header = "| Benchmark | Items | Horizon | Runs | Median | Min | Max | CPU (median) | Budget |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    if before:
        header += " Before: median | Before: CPU | Before / now (CPU) |"
        rule += "---:|---:|---:|"
    lines = [header, rule]
    for label, key, budget in rows:
        line = (f"| {label} | {figures['items']} | {figures['horizon_months']} months "
                f"| {figures['runs']} | {figures[f'{key}_median_ms']:.2f} ms "
                f"| {figures[f'{key}_min_ms']:.2f} ms | {figures[f'{key}_max_ms']:.2f} ms "
                f"| {figures[f'{key}_cpu_median_ms']:.2f} ms | {budget} |")
        if before:
            old_cpu = figures[f"{key}_before_cpu_median_ms"]
            line += (f" {figures[f'{key}_before_median_ms']:.2f} ms | {old_cpu:.2f} ms "
                     f"| {old_cpu / figures[f'{key}_cpu_median_ms']:.1f}× |")
        lines.append(line)
    return "\n".join([
        *lines,
        "",
        f"Python {figures['python']}, `{platform.machine()}`; `time.perf_counter`, median of "
        f"{figures['runs']} interleaved rounds after one warm-up; CPU is the process's own time "
        "(`time.process_time`), which a busy machine does not inflate. The case: ROI "
        f"{figures['roi_percent']:.2f} %, payback {figures['payback_months']:.2f} months.",
    ])


if __name__ == "__main__":
    print(markdown(run(before="--before" in sys.argv[1:])))
