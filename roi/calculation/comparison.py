"""Comparing CRM options (method §7), pure Python: no Django import.

A CFO compares 2 to 4 solutions before choosing one; each option is a whole :class:`Case`,
and the first one is the reference (for instance, keeping the current tool). Options compared
together share the reference's currency, horizon H and discount rate r, so that their figures
are in the same unit, over the same months and discounted alike.

Per option: the headline figures of method §3 over H and the 6/12/24/36-month views, from
:func:`roi.calculation.compute` itself (so a comparison never shows a figure the option's own
page would not). Then, for option k against the reference (option 0), with
``cumulative_k,m`` the cumulative net of option k at the end of month m:

- ``D_m = cumulative_k,m − cumulative_0,m`` for m = 1..H, exactly (rationals, like the engine);
- ``net_gain_difference = net_gain_k − net_gain_0 = D_H``;
- ``npv_difference = npv_k − npv_0 = Σ_m (net_k,m − net_0,m) / (1 + r)^(m/12)``;
- ``incremental_payback_months``: the payback rule of §3 applied to D: 0 when D is never
  negative, None when it is still negative at H, else the fractional month at which option k
  has earned back what it cost more than the reference.

The flows of "option k minus the reference" are handed to the engine's
:func:`roi.calculation.engine.headline_of_flows` as gains ``gains_k + costs_0`` and costs
``costs_k + gains_0``: their net is ``net_k − net_0``, so the engine's own payback rule, NPV
and exact totals apply to D unchanged.

Money is in the options' currency, months are months of the project (month 1 = the first),
percentages in percent. Everything is full precision; round only for display
(:func:`comparison_document` does, half-up to two decimals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from roi.calculation.engine import CaseResult, compute
from roi.calculation.figures import Headline, headline_of_flows
from roi.calculation.lines import Vector, combine, post_flows, prefix_sums
from roi.calculation.model import COST_CATEGORIES, GAIN_CATEGORIES, Case
from roi.calculation.money import to_decimal
from roi.calculation.pricing import LicencePrice, licence_model, licence_prices
from roi.calculation.results import format_2dp, headline_document, warning_document

__all__ = [
    "COMPARISON_FORMAT",
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "ComparedOption",
    "Comparison",
    "ComparisonError",
    "ComparisonProblem",
    "PostDifference",
    "VersusFirst",
    "compare",
    "comparison_document",
]

COMPARISON_FORMAT = "roi-comparison/1"
MIN_OPTIONS = 2
MAX_OPTIONS = 4
# What options compared together must share with the reference, in the order problems are listed.
MATCHED_KEYS: tuple[str, ...] = ("currency", "horizon_months", "discount_rate")


# --- refusals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonProblem:
    """Why a set of options cannot be compared.

    ``option`` is the 0-based index of the option at fault (None when the problem is the number
    of options), ``key`` the case key (``currency``, ``horizon_months``, ``discount_rate``) or
    ``options``, ``message`` a short English sentence. ``value`` and ``reference_value`` hold
    the option's and the reference's values as text, so that a caller can word the problem its
    own way (the command line names files instead of indexes).
    """

    option: int | None
    key: str
    message: str
    value: str | None = None
    reference_value: str | None = None

    def __str__(self) -> str:
        where = self.key if self.option is None else f"option {self.option} {self.key}"
        return f"{where}: {self.message}"


class ComparisonError(ValueError):
    """Options that cannot be compared; ``problems`` lists every :class:`ComparisonProblem`."""

    def __init__(self, problems: Sequence[ComparisonProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _text(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _problems(cases: Sequence[Case]) -> list[ComparisonProblem]:
    if not MIN_OPTIONS <= len(cases) <= MAX_OPTIONS:
        return [ComparisonProblem(
            None, "options",
            f"{MIN_OPTIONS} to {MAX_OPTIONS} options can be compared; got {len(cases)}",
            value=str(len(cases)),
        )]
    reference = cases[0]
    problems = []
    for index, case in enumerate(cases[1:], start=1):
        for key in MATCHED_KEYS:
            value, expected = getattr(case, key), getattr(reference, key)
            if value != expected:  # Decimal equality: a rate of 0.1 is the rate 0.10
                problems.append(ComparisonProblem(
                    index, key,
                    f"{_text(value)}, but the reference (option 0) uses {_text(expected)}",
                    value=_text(value), reference_value=_text(expected),
                ))
    return problems


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedOption:
    """One option of a comparison.

    ``result`` is :func:`compute` of the option's case (its ``headline`` is over H, its
    ``horizons`` the 6/12/24/36-month views, its ``warnings`` include seed 002's licence-price
    warning). ``licence_model`` and ``licence_prices`` come from
    :mod:`roi.calculation.pricing`. ``cumulative_net`` is the cumulative net of months 1..H in
    the currency (for one chart with every option).
    """

    index: int
    result: CaseResult
    licence_model: str | None
    licence_prices: tuple[LicencePrice, ...]
    cumulative_net: tuple[Decimal, ...]

    @property
    def case(self) -> Case:
        return self.result.case

    @property
    def name(self) -> str:
        return self.result.case.name

    @property
    def headline(self) -> Headline:
        return self.result.headline

    @property
    def horizons(self) -> dict[int, Headline]:
        return self.result.horizons


@dataclass(frozen=True)
class PostDifference:
    """A cost post over months 1..H: the reference's cost, the option's, and option −
    reference (positive: the option costs more on that post), in the currency."""

    category: str
    reference: Decimal
    option: Decimal
    difference: Decimal


@dataclass(frozen=True)
class VersusFirst:
    """Option k against the reference (option 0), over months 1..H; see the module docstring.

    ``npv_difference`` and ``net_gain_difference`` in the currency (positive: option k is
    better); ``incremental_payback_months`` in months or None (never caught up within H);
    ``cost_difference_by_post`` one :class:`PostDifference` per cost post, in the catalogue's
    order; ``cumulative_difference`` D_1..D_H in the currency.
    """

    npv_difference: Decimal
    net_gain_difference: Decimal
    incremental_payback_months: Decimal | None
    cost_difference_by_post: tuple[PostDifference, ...]
    cumulative_difference: tuple[Decimal, ...]


@dataclass(frozen=True)
class Comparison:
    """2 to 4 options compared over the same horizon, in the same currency, at the same rate.

    ``best_by_npv``: 0-based index of the highest NPV over H (the first one on a tie);
    ``best_by_roi``: the same on the ROI, among the options whose ROI is defined (None when no
    option has a cost). The two often differ — a cheap option has a high ROI on a small base —
    and the product shows both. ``versus_first[0]`` is None; ``versus_first[k]`` compares
    option k with the reference.
    """

    currency: str
    horizon_months: int
    discount_rate: Decimal
    options: tuple[ComparedOption, ...]
    best_by_npv: int
    best_by_roi: int | None
    versus_first: tuple[VersusFirst | None, ...]

    @property
    def reference(self) -> ComparedOption:
        return self.options[0]


# --- computing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Flows:
    """An option's exact monthly flows over months 1..H (the engine's own building blocks)."""

    costs: Vector
    gains: Vector
    cost_totals: dict[str, Fraction]


def _flows(case: Case) -> _Flows:
    months = case.horizon_months
    cost_posts = post_flows(case.costs, COST_CATEGORIES, months, gains=False)
    gain_posts = post_flows(case.gains, GAIN_CATEGORIES, months, gains=True)
    return _Flows(
        costs=combine((1, post.adjusted) for post in cost_posts.values()),
        gains=combine((1, post.adjusted) for post in gain_posts.values()),
        cost_totals={
            category: Fraction(sum(post.adjusted.numerators), post.adjusted.denominator)
            for category, post in cost_posts.items()
        },
    )


def _versus(option: _Flows, reference: _Flows, *, discount_rate: Decimal,
            months: int) -> VersusFirst:
    # Gains k + costs 0 minus costs k + gains 0 is net_k − net_0: the engine's rules then apply
    # to the difference as they are (no second payback or NPV implementation to keep in step).
    gains = combine(((1, option.gains), (1, reference.costs)))
    costs = combine(((1, option.costs), (1, reference.gains)))
    difference = headline_of_flows(costs, gains, gains, discount_rate=discount_rate,
                                   months=months)
    net = combine(((1, gains), (-1, costs)))
    cumulative = prefix_sums(net.numerators)
    return VersusFirst(
        npv_difference=difference.npv,
        net_gain_difference=difference.net_gain,
        incremental_payback_months=difference.payback_months,
        cost_difference_by_post=tuple(
            PostDifference(
                category=category,
                reference=to_decimal(reference.cost_totals[category]),
                option=to_decimal(option.cost_totals[category]),
                difference=to_decimal(option.cost_totals[category]
                                      - reference.cost_totals[category]),
            )
            for category in COST_CATEGORIES
        ),
        cumulative_difference=tuple(
            to_decimal(Fraction(value, net.denominator)) for value in cumulative[1:]
        ),
    )


def compare(cases: Sequence[Case]) -> Comparison:
    """Compare 2 to 4 options (method §7); ``cases[0]`` is the reference.

    Raises :class:`ComparisonError` listing every problem when there are fewer than 2 or more
    than 4 options, or when an option's ``currency``, ``horizon_months`` or ``discount_rate``
    differs from the reference's. Raises ValueError (from :func:`compute`) on a case that
    breaks the model's invariants. See the module docstring for the formulas.
    """
    cases = tuple(cases)
    problems = _problems(cases)
    if problems:
        raise ComparisonError(problems)
    reference = cases[0]
    months, rate = reference.horizon_months, Decimal(reference.discount_rate)
    results = [compute(case) for case in cases]
    flows = [_flows(case) for case in cases]
    options = tuple(
        ComparedOption(
            index=index,
            result=result,
            licence_model=licence_model(result.case),
            licence_prices=licence_prices(result.case),
            cumulative_net=tuple(row.cumulative for row in result.monthly),
        )
        for index, result in enumerate(results)
    )
    # max() keeps the first of equal maxima: the first option wins a tie, as §7 says. Full
    # precision values are compared, not the rounded ones.
    indexes = range(len(results))
    best_by_npv = max(indexes, key=lambda index: results[index].headline.npv)
    best_by_roi = max(
        (index for index in indexes if results[index].headline.roi_percent is not None),
        key=lambda index: results[index].headline.roi_percent, default=None,
    )
    return Comparison(
        currency=reference.currency,
        horizon_months=months,
        discount_rate=rate,
        options=options,
        best_by_npv=best_by_npv,
        best_by_roi=best_by_roi,
        versus_first=(None, *(
            _versus(option, flows[0], discount_rate=rate, months=months)
            for option in flows[1:]
        )),
    )


# --- the document ------------------------------------------------------------------------------


def _licence_price_document(price: LicencePrice) -> dict[str, Any]:
    return {
        "line_index": price.line_index,
        "label": price.label,
        "recurrence": price.recurrence.value,
        "users": format(price.users, "f"),
        "price_per_user_month": format_2dp(price.price_per_user_month),
        "tier": price.tier,
        "plausible": price.plausible,
    }


def _option_document(option: ComparedOption) -> dict[str, Any]:
    return {
        "name": option.name,
        **headline_document(option.headline),
        "horizons": {str(months): headline_document(headline)
                     for months, headline in option.horizons.items()},
        "licence_model": option.licence_model,
        "licence_prices": [_licence_price_document(price) for price in option.licence_prices],
        "warnings": [warning_document(warning) for warning in option.result.warnings],
        "cumulative_net": [format_2dp(value) for value in option.cumulative_net],
    }


def _versus_document(versus: VersusFirst | None) -> dict[str, Any] | None:
    if versus is None:
        return None
    return {
        "npv_difference": format_2dp(versus.npv_difference),
        "net_gain_difference": format_2dp(versus.net_gain_difference),
        "incremental_payback_months": format_2dp(versus.incremental_payback_months),
        "cost_difference_by_post": [
            {"category": post.category, "reference": format_2dp(post.reference),
             "option": format_2dp(post.option), "difference": format_2dp(post.difference)}
            for post in versus.cost_difference_by_post
        ],
        "cumulative_difference": [format_2dp(value) for value in versus.cumulative_difference],
    }


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The JSON-ready comparison (``roi-comparison/1``).

    Keys: ``format``, ``currency``, ``horizon_months`` (int), ``discount_rate`` (the
    reference's rate as an exact decimal string, "0.10"), ``options`` (per option: ``name``,
    the nine headline keys of §3, ``horizons`` keyed "6", "12", "24", "36" with the same keys,
    ``licence_model``, ``licence_prices``, ``warnings`` as in the results document, and
    ``cumulative_net`` for months 1..H), ``best_by_npv`` (int), ``best_by_roi`` (int or null)
    and ``versus_first`` (null, then per option ``npv_difference``, ``net_gain_difference``,
    ``incremental_payback_months``, ``cost_difference_by_post`` and
    ``cumulative_difference``). Money, percentages and months are strings with two decimals
    (half-up); null where undefined.
    """
    return {
        "format": COMPARISON_FORMAT,
        "currency": comparison.currency,
        "horizon_months": comparison.horizon_months,
        "discount_rate": format(comparison.discount_rate, "f"),
        "options": [_option_document(option) for option in comparison.options],
        "best_by_npv": comparison.best_by_npv,
        "best_by_roi": comparison.best_by_roi,
        "versus_first": [_versus_document(versus) for versus in comparison.versus_first],
    }
