"""Benchmark of the ROI engine: one full ``compute`` on a large case.

The case: 200 line items (100 costs, 100 gains over every post, all recurrences, ramp-ups,
confidences, margins, start and end months) over a 60-month horizon with discounting, so that
every part runs: monthly flows, 6/12/24/36-month views, by-year table, three scenarios with
NPV and IRR, the tornado and the warnings.

Run: ``uv run python bench/bench_calculation.py`` (prints a markdown snippet for docs/).
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
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
)

HORIZON_MONTHS = 60
ITEMS = 200
RUNS = 30
BUDGET_MS = 50.0


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
    """The same case with every gain × 0.25: no IRR exists at most horizons, so the IRR search
    scans its whole grid — the engine's slowest path."""
    case = build_case()
    return replace(case, gains=tuple(replace(item, amount=item.amount / 4) for item in case.gains))


def _median_ms(case: Case, runs: int) -> tuple[float, float, float]:
    compute(case)  # warm-up (imports, caches)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        compute(case)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), min(timings), max(timings)


def run(runs: int = RUNS) -> dict:
    """Time ``compute`` on :func:`build_case` (and :func:`losing_case`); figures in ms."""
    case = build_case()
    result = compute(case)
    median_ms, min_ms, max_ms = _median_ms(case, runs)
    losing_median_ms, _, _ = _median_ms(losing_case(), runs)
    return {
        "items": len(case.costs) + len(case.gains),
        "horizon_months": case.horizon_months,
        "runs": runs,
        "median_ms": median_ms,
        "min_ms": min_ms,
        "max_ms": max_ms,
        "losing_case_median_ms": losing_median_ms,
        "budget_ms": BUDGET_MS,
        "roi_percent": result.headline.roi_percent,
        "payback_months": result.headline.payback_months,
        "python": platform.python_version(),
    }


def markdown(figures: dict) -> str:
    return "\n".join([
        "| Benchmark | Items | Horizon | Runs | Median | Min | Max | Budget |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| `compute` (all horizons, scenarios, tornado) | {figures['items']} "
        f"| {figures['horizon_months']} months | {figures['runs']} "
        f"| {figures['median_ms']:.1f} ms | {figures['min_ms']:.1f} ms "
        f"| {figures['max_ms']:.1f} ms | {figures['budget_ms']:.0f} ms |",
        f"| same, gains × 0.25 (no IRR: full root scan) | {figures['items']} "
        f"| {figures['horizon_months']} months | {figures['runs']} "
        f"| {figures['losing_case_median_ms']:.1f} ms | | | {figures['budget_ms']:.0f} ms |",
        "",
        f"Python {figures['python']}, `{platform.machine()}`; `time.perf_counter`, median of "
        f"{figures['runs']} runs after one warm-up. The case: ROI "
        f"{figures['roi_percent']:.2f} %, payback {figures['payback_months']:.2f} months.",
    ])


if __name__ == "__main__":
    print(markdown(run()))
