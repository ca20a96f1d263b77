"""The optimised engine gives exactly the figures of the engine it replaced.

``reference/engine_before.py`` is the engine as it was before the performance work; every field
of ``compute``'s result must be equal (``==``) to it, and even print the same (``repr``: same
digits, same exponent), on the seeds' cases, the benchmark cases and random cases.

One exception, the IRR: where the old solver stopped ~10^-24 short of the root (see
``test_irr.test_same_rate_as_the_decimal_only_solver``, which shows the new rate is then the
accurate one), the two rates differ some 20 significant digits down; they still agree to the
cent. Everywhere else the IRR is equal too.
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_calculation import build_case, losing_case
from roi.calculation import (
    Headline,
    ScenarioFactors,
    ScenarioResult,
    compute,
    engine,
    item_totals,
    lines,
    quantize_money,
)
from roi.calculation.lines import post_flows
from roi.calculation.model import COST_CATEGORIES, GAIN_CATEGORIES

from .factories import apogea, junto
from .reference import engine_before, lines_before
from .strategies import cases, line_items

SAME = settings(max_examples=300, deadline=None)

factors = st.sampled_from([Decimal(0), Decimal("0.5"), Decimal("0.8"), Decimal(1),
                           Decimal("1.0"), Decimal("1.1"), Decimal("1.2"), Decimal("2.75")])
scenario_sets = st.lists(
    st.builds(ScenarioFactors, st.sampled_from(["a", "b", "expected"]), factors, factors),
    max_size=4,
).map(tuple)


@st.composite
def wide_cases(draw):
    """Longer horizons (up to the 120-month maximum), high discount rates, any scenarios."""
    case = draw(cases(max_items=8, horizon=st.integers(1, 120)))
    rate = draw(st.one_of(st.just(Decimal(0)),
                          st.decimals(min_value=0, max_value=1, places=4)))
    return replace(case, discount_rate=rate, scenarios=draw(scenario_sets))


def without_irr(value, rates: list):
    """``value`` with every headline's IRR taken out (into ``rates``)."""
    if isinstance(value, Headline):
        rates.append(value.irr_percent)
        return replace(value, irr_percent=None)
    if isinstance(value, ScenarioResult):
        return ScenarioResult(value.factors, without_irr(value.headline, rates))
    if isinstance(value, dict):
        return {key: without_irr(item, rates) for key, item in value.items()}
    if type(value) is tuple:
        return tuple(without_irr(item, rates) for item in value)
    return value


def assert_same_rate(ours, before):
    if ours == before and repr(ours) == repr(before):
        return
    assert ours is not None and before is not None
    assert abs(ours - before) <= abs(before) * Decimal("1e-20")
    if abs(before) < 10**12:
        assert quantize_money(ours) == quantize_money(before)


def assert_same_as_before(case):
    result = compute(case)
    before = engine_before.compute_fields(case)
    for name, value in before.items():
        our_rates, rates_before = [], []
        ours = without_irr(getattr(result, name), our_rates)
        value = without_irr(value, rates_before)
        assert ours == value, name
        assert repr(ours) == repr(value), name
        for our_rate, rate_before in zip(our_rates, rates_before, strict=True):
            assert_same_rate(our_rate, rate_before)


@pytest.mark.parametrize("the_case", [
    apogea(12), apogea(24), apogea(36, discount_rate=Decimal("0.1")), junto(12), junto(3),
    build_case(), losing_case(), build_case(horizon_months=120), build_case(horizon_months=7),
    replace(build_case(), discount_rate=Decimal(0)),
], ids=["apogea12", "apogea24", "apogea36r", "junto12", "junto3", "bench", "losing",
        "bench120", "bench7", "bench_r0"])
def test_reference_and_benchmark_cases(the_case):
    assert_same_as_before(the_case)


@SAME
@given(cases())
def test_random_cases(case):
    assert_same_as_before(case)


@SAME
@given(wide_cases())
def test_random_long_and_discounted_cases(case):
    assert_same_as_before(case)


@SAME
@given(cases(max_items=8, horizon=st.integers(1, 120)))
def test_item_totals(case):
    totals = item_totals(case)

    assert totals == lines_before.item_totals(case)
    assert repr(totals) == repr(lines_before.item_totals(case))


@settings(max_examples=100, deadline=None)
@given(st.lists(line_items(gain=True), max_size=6), st.lists(line_items(gain=False), max_size=6),
       st.integers(1, 120))
def test_post_flows_hold_the_same_monthly_values(gains, costs, months):
    for items, categories, is_gain in ((gains, GAIN_CATEGORIES, True),
                                       (costs, COST_CATEGORIES, False)):
        ours = post_flows(items, categories, months, gains=is_gain)
        theirs = lines_before.post_flows(items, categories, months, gains=is_gain)
        assert list(ours) == list(theirs)
        for category, flows in ours.items():
            for mine, before in zip(flows, theirs[category], strict=True):
                assert len(mine.numerators) == len(before.numerators) == months
                # Same values; the common denominator may differ.
                assert [n * before.denominator for n in mine.numerators] == [
                    n * mine.denominator for n in before.numerators]


@SAME
@given(wide_cases(), st.integers(1, 120))
def test_headline_of_flows(case, months):
    # The reforecast and the comparison of options build their own flows and call this.
    def headline(lines_module, engine_module):
        costs = lines_module.post_flows(case.costs, COST_CATEGORIES, months, gains=False)
        gains = lines_module.post_flows(case.gains, GAIN_CATEGORIES, months, gains=True)
        return engine_module.headline_of_flows(
            lines_module.combine((1, post.adjusted) for post in costs.values()),
            lines_module.combine((1, post.adjusted) for post in gains.values()),
            lines_module.combine((1, post.unadjusted) for post in gains.values()),
            discount_rate=case.discount_rate, months=months)

    our_rates, rates_before = [], []
    ours = without_irr(headline(lines, engine), our_rates)
    before = without_irr(headline(lines_before, engine_before), rates_before)

    assert ours == before
    assert repr(ours) == repr(before)
    assert_same_rate(*our_rates, *rates_before)
