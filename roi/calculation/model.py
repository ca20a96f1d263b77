"""The engine's input: a business case as frozen dataclasses (method §1–§2).

Nothing here computes; :mod:`roi.calculation.engine` does. The dataclasses hold what a user
entered, in the units the method states: amounts in the case's currency per unit, months
counted from 1 (month 1 is the first month of the project), rates as fractions (0.10 = 10 %).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

__all__ = [
    "COST_CATEGORIES",
    "DEFAULT_SCENARIOS",
    "GAIN_CATEGORIES",
    "REVENUE_CATEGORIES",
    "Case",
    "KpiValue",
    "LineItem",
    "Recurrence",
    "ScenarioFactors",
    "actuals_of",
]


class Recurrence(str, Enum):
    """How an item's amount falls into months (method §2)."""

    ONCE = "once"  # amount × quantity in start_month only
    MONTHLY = "monthly"  # amount × quantity every month
    YEARLY = "yearly"  # amount × quantity / 12 every month: an annual figure spread evenly


# The stable post codes, in the order of seed 000's tables (method §1).
COST_CATEGORIES: tuple[str, ...] = (
    "software",
    "integration",
    "training",
    "support",
    "internal",
    "evolution",
    "transition",
    "contingency",
)
GAIN_CATEGORIES: tuple[str, ...] = (
    "productivity",
    "conversion",
    "retention",
    "steering",
    "collaboration",
    "revenue",
    "marketing",
    "strategic",
)
# Gains that are typically entered as turnover rather than profit: when all gains are of these
# kinds and none carries a margin, the case probably counts revenue as if it were profit.
REVENUE_CATEGORIES: tuple[str, ...] = ("revenue", "conversion")


@dataclass(frozen=True)
class LineItem:
    """One cost or gain line of the checklist.

    - ``amount``: per unit, in the case's currency, >= 0. ``quantity`` > 0 (e.g. 25 users).
    - ``recurrence``: see :class:`Recurrence`. ``start_month`` >= 1; ``end_month`` inclusive, or
      None for "until the horizon" (ignored for ``once``).
    - Gains only (the engine ignores them on costs, the interchange format refuses them):
      ``ramp_up_months`` R — in the k-th month of the gain the value is × min(1, k / R), not for
      ``once``; ``confidence`` c in (0, 1] — the risk adjustment, every monthly value × c;
      ``margin`` m in (0, 1] or None — a product extension: when set, ``amount`` is *revenue*
      and every monthly value is × m so that the gain counted is a profit. The margin is part of
      the unadjusted gain too (it converts revenue into profit; it is not a risk adjustment).
    - ``assumption`` (free text, why this figure) and ``subitem`` (the checklist sub-item code)
      are carried along for the dossier; they do not change any figure.
    - ``actuals`` (method §6, after go-live): what was really spent or gained, as
      ``(month, amount)`` pairs sorted by month, one pair per month at most; the amount is the
      line's whole value of that month in the case's currency (no quantity, confidence, ramp-up
      or margin applied). A mapping ``{month: amount}`` or unsorted pairs are accepted and
      stored in that canonical form, so that two lines with the same actuals are equal.
      Only the months up to the case's ``as_of_month`` may carry one.
    """

    category: str
    label: str
    amount: Decimal
    recurrence: Recurrence
    quantity: Decimal = Decimal(1)
    start_month: int = 1
    end_month: int | None = None
    ramp_up_months: int = 0
    confidence: Decimal = Decimal(1)
    margin: Decimal | None = None
    assumption: str = ""
    subitem: str | None = None
    actuals: tuple[tuple[int, Decimal], ...] = ()

    def __post_init__(self) -> None:
        if self.actuals:
            # Frozen: the canonical (sorted, hashable) form is set once, here.
            object.__setattr__(self, "actuals", actuals_of(self.actuals))

    @property
    def actuals_by_month(self) -> dict[int, Decimal]:
        """``actuals`` as a ``{month: amount}`` dict."""
        return dict(self.actuals)


def actuals_of(
    actuals: Mapping[int, Decimal] | Iterable[tuple[int, Decimal]],
) -> tuple[tuple[int, Decimal], ...]:
    """The canonical form of a line's actuals: ``(month, amount)`` pairs sorted by month.

    Raises ValueError when a month appears twice (which amount would count?).
    """
    pairs = tuple(actuals.items()) if isinstance(actuals, Mapping) else tuple(actuals)
    ordered = tuple(sorted(pairs, key=lambda pair: pair[0]))
    months = [month for month, _ in ordered]
    if len(set(months)) != len(months):
        raise ValueError("a month appears twice in the actuals")
    return ordered


@dataclass(frozen=True)
class ScenarioFactors:
    """A scenario multiplies every monthly gain by ``gains_factor`` and every monthly cost by
    ``costs_factor`` (method §4)."""

    code: str
    gains_factor: Decimal
    costs_factor: Decimal


# The product's default scenarios (method §4 leaves them to the product; editable per project):
# - conservative: gains × 0.80, costs × 1.10 — gains are the uncertain side of a CRM case
#   (adoption, conversion), and overruns are the usual surprise on costs (seed 000, post 8);
# - expected: the case as entered;
# - optimistic: gains × 1.20, costs unchanged — costs are mostly contracted (licences,
#   integration quotes), so the upside is on gains only.
DEFAULT_SCENARIOS: tuple[ScenarioFactors, ...] = (
    ScenarioFactors("conservative", Decimal("0.8"), Decimal("1.1")),
    ScenarioFactors("expected", Decimal("1"), Decimal("1")),
    ScenarioFactors("optimistic", Decimal("1.2"), Decimal("1")),
)


@dataclass(frozen=True)
class KpiValue:
    """A KPI of the case (seeds 001, 003, 004): a catalogue code and its baseline (before the
    CRM), target, and actual value after go-live, in the KPI's own unit."""

    code: str
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None = None


@dataclass(frozen=True)
class Case:
    """A whole business case: ``horizon_months`` H >= 1, cost and gain line items, the annual
    ``discount_rate`` r (0.10 = 10 % a year) and what is shown next to the figures.

    ``as_of_month`` A (method §6): None while the case is a plan; once the project is followed
    after go-live, 0 <= A <= H and months 1..A are closed (their actuals are in the lines).
    """

    horizon_months: int
    costs: tuple[LineItem, ...]
    gains: tuple[LineItem, ...]
    name: str = ""
    currency: str = "EUR"
    discount_rate: Decimal = Decimal(0)
    qualitative_benefits: tuple[str, ...] = ()
    scenarios: tuple[ScenarioFactors, ...] = DEFAULT_SCENARIOS
    kpis: tuple[KpiValue, ...] = ()
    as_of_month: int | None = None
