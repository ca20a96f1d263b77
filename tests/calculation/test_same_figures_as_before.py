"""The optimised engine gives exactly the figures of the engine it replaced.

``reference/engine_before.py`` is the engine as it was before the performance work; every field
of ``compute``'s result must be equal (``==``) to it, and even print the same (``repr``: same
digits, same exponent), on the seeds' cases, the benchmark cases and random cases.
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_calculation import build_case, losing_case
from roi.calculation import ScenarioFactors, compute, item_totals
from roi.calculation.engine import headline_of_flows
from roi.calculation.lines import combine, post_flows
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


def assert_same_as_before(case):
    result = compute(case)
    before = engine_before.compute_fields(case)
    for name, value in before.items():
        assert getattr(result, name) == value, name
        assert repr(getattr(result, name)) == repr(value), name


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
    def headline(module_lines, module_engine):
        costs = module_lines.post_flows(case.costs, COST_CATEGORIES, months, gains=False)
        gains = module_lines.post_flows(case.gains, GAIN_CATEGORIES, months, gains=True)
        return module_engine.headline_of_flows(
            module_lines.combine((1, post.adjusted) for post in costs.values()),
            module_lines.combine((1, post.adjusted) for post in gains.values()),
            module_lines.combine((1, post.unadjusted) for post in gains.values()),
            discount_rate=case.discount_rate, months=months)

    ours = headline(_Package, _Package)
    before = headline(lines_before, engine_before)

    assert ours == before
    assert repr(ours) == repr(before)


class _Package:
    """The package's public building blocks, shaped like the reference modules."""

    post_flows = staticmethod(post_flows)
    combine = staticmethod(combine)
    headline_of_flows = staticmethod(headline_of_flows)
