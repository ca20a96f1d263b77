"""Benchmark of the ROI engine: ``compute`` and ``item_totals`` on a large case.

The case: 200 line items (100 costs, 100 gains over every post, all recurrences, ramp-ups,
confidences, margins, start and end months) over a 60-month horizon with discounting, so that
every part runs: monthly flows, 6/12/24/36-month views, by-year table, three scenarios with
NPV and IRR, the tornado and the warnings. ``item_totals`` is what the wizard shows next to each
line.

Run through ``make bench`` (bench/run.py): each run is paired with a GET of the bare page on
the bench server, A B A B, and the figure is the ratio of the medians.
"""

from __future__ import annotations

import platform
import random
import sys
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


PAIRS = 40
GOAL = 0.5  # the engine at most half a bare page (issue 10)


def run(context, count: int = PAIRS) -> dict:
    """``compute`` on :func:`build_case` (200 lines × 60 months) and on the losing case,
    each paired A B A B with a GET of the bare page on the bench server."""
    from harness import pairs, wall_ms

    case, losing = build_case(), losing_case()
    result = compute(case)
    bare = context.server.timed_get(context.bare_path, context.data.cookie)
    figures = {
        "items": len(case.costs) + len(case.gains), "horizon_months": case.horizon_months,
        "roi_percent": result.headline.roi_percent,
        "payback_months": result.headline.payback_months,
        "python": platform.python_version(), "goal": GOAL, "pairs": count,
    }
    figures["compute"] = pairs(bare, wall_ms(lambda: compute(case)), count).document()
    figures["losing"] = pairs(bare, wall_ms(lambda: compute(losing)), count).document()
    figures["item_totals"] = pairs(bare, wall_ms(lambda: item_totals(case)), count).document()
    return figures


def markdown(f: dict) -> str:
    from harness import verdict

    rows = [
        ("`compute` (all horizons, scenarios, IRR, tornado)", "compute", True),
        ("same, gains × 0.25 (no IRR at most horizons)", "losing", True),
        ("`item_totals` (each line's total, the wizard)", "item_totals", False),
    ]
    lines = [
        f"{f['items']} lines × {f['horizon_months']} months; {f['pairs']} pairs, each a GET of "
        "the bare page over HTTP then one engine run in the bench process.",
        "",
        "| Measure | Bare page (median) | Engine (median) | × bare (ratio of medians) "
        "| Median of pair ratios | Goal | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, key, goal in rows:
        row = f[key]
        lines.append(
            f"| {label} | {row['bare_ms']:.1f} ms | {row['ours_ms']:.2f} ms "
            f"| {row['ratio']:.2f} | {row['pair_ratio']:.2f} "
            f"| {'≤ ' + format(f['goal'], '.1f') + '×' if goal else ''} "
            f"| {verdict(row['ratio'], f['goal']) if goal else ''} |")
    lines += ["", f"The case: ROI {f['roi_percent']:.2f} %, payback "
              f"{f['payback_months']:.2f} months; Python {f['python']}."]
    return "\n".join(lines)
