"""Comparing options (method §7): hand-checked cases, refusals, the document, and an oracle.

The oracle below is written plainly from the method's text, month by month with
``fractions.Fraction``; it shares no code with ``roi/calculation`` (it only reads the input
dataclasses), so the two can only agree by both being right.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.calculation import Case, LineItem, Recurrence, compute, format_2dp
from roi.calculation.comparison import (
    ComparisonError,
    ComparisonProblem,
    compare,
    comparison_document,
)

from .factories import MONTHLY, ONCE, YEARLY, apogea, case, cost, gain, junto
from .strategies import cases, rates

D = Decimal


# --- the oracle ------------------------------------------------------------------------------


def oracle_value(item: LineItem, month: int, *, is_gain: bool) -> Fraction:
    """Method §2: the value of one line in one month, exactly."""
    if month < item.start_month:
        return Fraction(0)
    value = Fraction(item.amount) * Fraction(item.quantity)
    if is_gain and item.margin is not None:
        value *= Fraction(item.margin)
    if item.recurrence == Recurrence.ONCE:
        if month != item.start_month:
            return Fraction(0)
    else:
        if item.end_month is not None and month > item.end_month:
            return Fraction(0)
        if item.recurrence == Recurrence.YEARLY:
            value /= 12
        if is_gain and item.ramp_up_months > 0:
            k = month - item.start_month + 1
            value *= min(Fraction(1), Fraction(k, item.ramp_up_months))
    if is_gain:
        value *= Fraction(item.confidence)
    return value


def oracle_nets(subject: Case) -> list[Fraction]:
    return [
        sum((oracle_value(i, m, is_gain=True) for i in subject.gains), Fraction(0))
        - sum((oracle_value(i, m, is_gain=False) for i in subject.costs), Fraction(0))
        for m in range(1, subject.horizon_months + 1)
    ]


def oracle_cumulative(nets: list[Fraction]) -> list[Fraction]:
    running, out = Fraction(0), []
    for net in nets:
        running += net
        out.append(running)
    return out


def oracle_payback(cumulative: list[Fraction]) -> Fraction | None:
    """Method §3, read literally: cumulative[0] is month 1."""
    values = [Fraction(0)] + cumulative  # month 0
    negatives = [m for m in range(1, len(values)) if values[m] < 0]
    if not negatives:
        return Fraction(0)
    k = negatives[0]
    for m in range(k + 1, len(values)):
        if values[m] >= 0:
            return (m - 1) + (-values[m - 1]) / (values[m] - values[m - 1])
    return None


def oracle_npv(nets: list[Fraction], rate: Decimal) -> Fraction:
    """Σ net_m / (1 + r)^(m/12), each factor from one Decimal power at 60 digits."""
    total = Fraction(0)
    with localcontext(prec=60):
        for m, net in enumerate(nets, start=1):
            factor = (Decimal(1) + rate) ** (Decimal(-m) / Decimal(12))
            total += net * Fraction(factor)
    return total


def oracle_costs(subject: Case, category: str) -> Fraction:
    return sum((oracle_value(i, m, is_gain=False) for i in subject.costs
                if i.category == category for m in range(1, subject.horizon_months + 1)),
               Fraction(0))


def cents(value: Fraction) -> str:
    """Half-up (away from zero) to the cent, written independently of the product's helper."""
    scaled = abs(value) * 100
    whole = math.floor(scaled + Fraction(1, 2))
    sign = "-" if value < 0 and whole else ""
    return f"{sign}{whole // 100}.{whole % 100:02d}"


def near_a_half_cent(value: Fraction) -> bool:
    fraction_of_cent = abs(value) * 100 % 1
    return abs(fraction_of_cent - Fraction(1, 2)) < Fraction(1, 10**15)


TINY = Fraction(1, 10**20)


# --- hypothesis: random option sets against the oracle -----------------------------------------


@st.composite
def option_sets(draw):
    horizon = draw(st.integers(1, 48))
    rate = draw(rates)
    count = draw(st.integers(2, 4))
    return [replace(draw(cases(max_items=4, horizon=st.just(horizon))), discount_rate=rate,
                    name=f"option {index}")
            for index in range(count)]


ORACLE = settings(max_examples=80, deadline=None)


@ORACLE
@given(option_sets())
def test_differences_and_incremental_payback_match_the_oracle(options):
    comparison = compare(options)
    rate = options[0].discount_rate
    reference_cumulative = oracle_cumulative(oracle_nets(options[0]))

    assert comparison.versus_first[0] is None
    assert len(comparison.versus_first) == len(options)
    for k, option in enumerate(options[1:], start=1):
        versus = comparison.versus_first[k]
        cumulative = oracle_cumulative(oracle_nets(option))
        difference = [a - b for a, b in zip(cumulative, reference_cumulative, strict=True)]

        # D_H, the incremental payback and every D_m: exact rationals on both sides.
        assert format_2dp(versus.net_gain_difference) == cents(difference[-1])
        assert abs(Fraction(versus.net_gain_difference) - difference[-1]) < TINY
        assert [format_2dp(value) for value in versus.cumulative_difference] == [
            cents(value) for value in difference]
        expected_payback = oracle_payback(difference)
        if expected_payback is None:
            assert versus.incremental_payback_months is None
        else:
            assert format_2dp(versus.incremental_payback_months) == cents(expected_payback)
            assert abs(Fraction(versus.incremental_payback_months) - expected_payback) < TINY
            if expected_payback.denominator == 1:
                assert versus.incremental_payback_months == expected_payback  # exactly

        expected_npv = (oracle_npv(oracle_nets(option), rate)
                        - oracle_npv(oracle_nets(options[0]), rate))
        assert abs(Fraction(versus.npv_difference) - expected_npv) < TINY
        if rate == 0 or not near_a_half_cent(expected_npv):
            assert format_2dp(versus.npv_difference) == cents(expected_npv)

        for post in versus.cost_difference_by_post:
            expected = oracle_costs(option, post.category) - oracle_costs(options[0],
                                                                          post.category)
            assert format_2dp(post.difference) == cents(expected)


@ORACLE
@given(option_sets())
def test_the_best_options_are_the_first_highest_npv_and_roi(options):
    comparison = compare(options)
    rate = options[0].discount_rate
    npvs = [oracle_npv(oracle_nets(option), rate) for option in options]
    rois = []
    for option in options:
        costs = sum((oracle_costs(option, c) for c in {i.category for i in option.costs}),
                    Fraction(0))
        net = sum(oracle_nets(option), Fraction(0))
        rois.append(None if costs == 0 else net / costs * 100)

    top = max(npvs)
    if sorted(npvs)[-2] < top - TINY or rate == 0:  # a tie at 10^-20 is not decided here
        assert comparison.best_by_npv == npvs.index(top)
    candidates = [roi for roi in rois if roi is not None]
    if candidates:
        assert comparison.best_by_roi == rois.index(max(candidates))
    else:
        assert comparison.best_by_roi is None
    # Each option's figures are those of its own page.
    for option, compared in zip(options, comparison.options, strict=True):
        assert compared.headline == compute(option).headline


@st.composite
def invest_more_earn_more(draw):
    """A reference, and the same case plus an extra investment X in month s and an extra
    monthly gain G from month s on, with X = j × G: D reaches exactly 0 at the end of month
    s + j − 1, so the incremental payback is exactly s + j − 1 months."""
    reference = draw(cases(max_items=4, horizon=st.integers(2, 60)))
    horizon = reference.horizon_months
    start = draw(st.integers(1, horizon - 1))
    months = draw(st.integers(2, horizon - start + 1))
    monthly = draw(st.decimals(min_value="0.01", max_value=50_000, places=2))
    option = replace(
        reference,
        costs=reference.costs + (cost("integration", monthly * months, ONCE, start_month=start),),
        gains=reference.gains + (gain("productivity", monthly, MONTHLY, start_month=start),),
    )
    return reference, option, start + months - 1


@ORACLE
@given(invest_more_earn_more())
def test_a_payback_on_a_month_end_is_exact(pair):
    reference, option, expected = pair

    versus = compare([reference, option]).versus_first[1]

    assert versus.incremental_payback_months == expected
    assert format_2dp(versus.incremental_payback_months) == f"{expected}.00"


# --- hand-checked cases (r = 0 unless stated) --------------------------------------------------


def standard_crm(horizon: int = 36) -> Case:
    """Seed 001's standard CRM: a small set-up, seats rented, modest gains."""
    return case(horizon, name="CRM standard",
                costs=[cost("integration", 15000, ONCE, label="Paramétrage"),
                       cost("software", 40, MONTHLY, quantity=D(20), label="20 licences")],
                gains=[gain("productivity", 2500, MONTHLY)])


def tailor_made_crm(horizon: int = 36) -> Case:
    """Seed 001's tailor-made CRM: more up front, better fit, larger gains."""
    return case(horizon, name="CRM sur mesure",
                costs=[cost("integration", 60000, ONCE, label="Développement spécifique"),
                       cost("support", 400, MONTHLY, label="Maintenance")],
                gains=[gain("productivity", 5000, MONTHLY)])


def test_seed_001_standard_versus_tailor_made():
    comparison = compare([standard_crm(), tailor_made_crm()])
    standard, tailor_made = (option.headline for option in comparison.options)

    # Standard: 15 000 + 36 × 800 = 43 800 of costs, 90 000 of gains; net 1 700 a month.
    assert (standard.total_costs, standard.net_gain) == (D(43800), D(46200))
    assert format_2dp(standard.roi_percent) == "105.48"
    assert format_2dp(standard.payback_months) == "8.82"  # 8 + 1 400 / 1 700
    # Tailor-made: 60 000 + 36 × 400 = 74 400; net 4 600 a month.
    assert (tailor_made.total_costs, tailor_made.net_gain) == (D(74400), D(105600))
    assert format_2dp(tailor_made.roi_percent) == "141.94"
    assert format_2dp(tailor_made.payback_months) == "13.04"  # 13 + 200 / 4 600
    versus = comparison.versus_first[1]
    # D_m = 2 900 m − 45 000: −1 500 at month 15, +1 400 at month 16.
    assert versus.net_gain_difference == D(59400)
    assert versus.npv_difference == D(59400)
    assert abs(Fraction(versus.incremental_payback_months) - (15 + Fraction(1500, 2900))) < TINY
    assert format_2dp(versus.incremental_payback_months) == "15.52"
    assert (comparison.best_by_npv, comparison.best_by_roi) == (1, 1)
    # Seed 001: the tailor-made CRM pays off in the long run, the standard one sooner.
    assert format_2dp(comparison.options[0].horizons[12].roi_percent) == "21.95"
    assert format_2dp(comparison.options[1].horizons[12].roi_percent) == "-7.41"


def keep_current_tool(horizon: int = 12) -> Case:
    return case(horizon, name="Garder l'outil actuel",
                costs=[cost("software", 300, MONTHLY, label="Abonnement actuel"),
                       cost("support", 100, MONTHLY, label="Support actuel")])


def test_keeping_the_current_tool_as_the_reference_against_apogea():
    comparison = compare([keep_current_tool(), apogea()])
    current, new = comparison.options
    versus = comparison.versus_first[1]

    assert (current.headline.total_costs, current.headline.net_gain) == (D(4800), D(-4800))
    assert format_2dp(current.headline.roi_percent) == "-100.00"
    assert format_2dp(new.headline.roi_percent) == "22.22"
    assert versus.net_gain_difference == D(14800)  # 10 000 − (−4 800)
    assert versus.npv_difference == D(14800)
    # Apogea's cumulative is −30 000 + 3 333.33 m, the current tool's −400 m:
    # D_8 = −400 / 3, D_9 = 3 600, so 8 + (400 / 3) / (11 200 / 3) = 8 + 1/28.
    assert abs(Fraction(versus.incremental_payback_months) - (8 + Fraction(1, 28))) < TINY
    assert format_2dp(versus.incremental_payback_months) == "8.04"
    by_post = {post.category: post for post in versus.cost_difference_by_post}
    assert [post.category for post in versus.cost_difference_by_post] == [
        "software", "integration", "training", "support", "internal", "evolution",
        "transition", "contingency"]
    assert (by_post["software"].reference, by_post["software"].option,
            by_post["software"].difference) == (D(3600), D(12000), D(8400))
    assert by_post["support"].difference == D(1800)
    assert by_post["integration"].difference == D(18000)
    assert by_post["contingency"].difference == 0
    assert sum(post.difference for post in versus.cost_difference_by_post) == D(40200)
    assert (comparison.best_by_npv, comparison.best_by_roi) == (1, 1)


def test_a_payback_landing_on_a_month_end_is_exactly_that_month():
    # Against doing nothing, D is Apogea's own cumulative: 55 000 / 12 a month makes it exactly
    # 0 at the end of month 9 (Decimal sums would leave −1E-30 there and give 9.00…01).
    versus = compare([case(12, name="Rien"), apogea()]).versus_first[1]

    assert versus.incremental_payback_months == 9
    assert versus.cumulative_difference[8] == 0


def test_an_option_never_behind_the_reference_pays_back_at_once():
    better = replace(apogea(), gains=apogea().gains + (gain("retention", 1200, YEARLY),))

    comparison = compare([apogea(), better, apogea()])

    assert comparison.versus_first[1].incremental_payback_months == 0
    assert comparison.versus_first[1].npv_difference == D(1200)
    # The same case as the reference: D is 0 every month, never behind either.
    assert comparison.versus_first[2].incremental_payback_months == 0
    assert comparison.versus_first[2].npv_difference == 0
    assert comparison_document(comparison)["versus_first"][1][
        "incremental_payback_months"] == "0.00"


def test_an_option_that_never_catches_up_has_no_incremental_payback():
    costlier = replace(apogea(), costs=apogea().costs + (cost("contingency", 5000, ONCE),))

    comparison = compare([apogea(), costlier])

    assert comparison.versus_first[1].incremental_payback_months is None
    assert comparison.versus_first[1].net_gain_difference == D(-5000)
    assert comparison_document(comparison)["versus_first"][1][
        "incremental_payback_months"] is None


def test_a_tie_on_npv_goes_to_the_first_option():
    comparison = compare([apogea(), apogea(), junto(), junto()])

    assert [option.headline.npv for option in comparison.options] == [
        D(10000), D(10000), D(200000), D(200000)]
    assert (comparison.best_by_npv, comparison.best_by_roi) == (2, 2)
    assert compare([junto(), junto()]).best_by_npv == 0
    discounted = [apogea(discount_rate=D("0.08")), junto(discount_rate=D("0.08")),
                  junto(discount_rate=D("0.08"))]
    assert compare(discounted).best_by_npv == 1


def test_a_cheap_option_can_have_the_best_roi_but_not_the_best_npv():
    cheap = case(12, name="Petit CRM", costs=[cost("software", 20, MONTHLY, quantity=D(5))],
                 gains=[gain("productivity", 300)])

    comparison = compare([cheap, apogea()])

    assert format_2dp(comparison.options[0].headline.roi_percent) == "200.00"  # 2 400 / 1 200
    assert format_2dp(comparison.options[1].headline.roi_percent) == "22.22"
    assert comparison.options[0].headline.npv < comparison.options[1].headline.npv
    assert (comparison.best_by_npv, comparison.best_by_roi) == (1, 0)


def test_options_without_cost_are_not_ranked_by_roi():
    gains_only = case(12, gains=[gain("productivity", 100)])

    assert compare([gains_only, apogea()]).best_by_roi == 1
    assert compare([gains_only, gains_only]).best_by_roi is None
    assert compare([gains_only, gains_only]).best_by_npv == 0


def test_discounting_applies_to_the_difference():
    # One extra cost of 1 100 at the end of the first year, at 10 % a year: 1 100 / 1.1.
    reference = case(12, discount_rate=D("0.10"))
    option = case(12, costs=[cost("evolution", 1100, ONCE, start_month=12)],
                  discount_rate=D("0.10"))

    versus = compare([reference, option]).versus_first[1]

    assert format_2dp(versus.npv_difference) == "-1000.00"
    assert abs(versus.npv_difference + 1000) < D("1e-30")
    assert versus.net_gain_difference == D(-1100)
    assert versus.incremental_payback_months is None  # behind at month 12, the last one


def test_the_cumulative_net_of_every_option_is_there_for_the_chart():
    comparison = compare([keep_current_tool(), apogea()])

    assert [len(option.cumulative_net) for option in comparison.options] == [12, 12]
    assert comparison.options[0].cumulative_net[-1] == D(-4800)
    assert comparison.options[1].cumulative_net[8] == 0
    assert comparison.options[1].cumulative_net[-1] == D(10000)


# --- refusals ----------------------------------------------------------------------------------


def test_an_option_in_another_currency_is_refused_naming_it_and_the_key():
    options = [apogea(), apogea(), apogea(currency="USD")]

    with pytest.raises(ComparisonError) as raised:
        compare(options)

    assert raised.value.problems == (ComparisonProblem(
        2, "currency", "USD, but the reference (option 0) uses EUR", "USD", "EUR"),)
    assert str(raised.value) == "option 2 currency: USD, but the reference (option 0) uses EUR"
    assert isinstance(raised.value, ValueError)


def test_every_mismatch_is_listed():
    reference = apogea(12, discount_rate=D("0.10"))
    options = [reference, apogea(24, discount_rate=D("0.10")),
               apogea(12, discount_rate=D("0.05"), currency="GBP")]

    with pytest.raises(ComparisonError) as raised:
        compare(options)

    assert [(p.option, p.key, p.message) for p in raised.value.problems] == [
        (1, "horizon_months", "24, but the reference (option 0) uses 12"),
        (2, "currency", "GBP, but the reference (option 0) uses EUR"),
        (2, "discount_rate", "0.05, but the reference (option 0) uses 0.10"),
    ]


def test_the_same_rate_written_differently_is_the_same_rate():
    comparison = compare([apogea(discount_rate=D("0.10")), apogea(discount_rate=D("0.1"))])

    assert comparison.discount_rate == D("0.10")


@pytest.mark.parametrize("count", [0, 1, 5])
def test_fewer_than_two_or_more_than_four_options_are_refused(count):
    with pytest.raises(ComparisonError) as raised:
        compare([apogea()] * count)

    (problem,) = raised.value.problems
    assert (problem.option, problem.key) == (None, "options")
    assert problem.message == f"2 to 4 options can be compared; got {count}"


# --- the document ------------------------------------------------------------------------------


HEADLINE = ["total_costs", "total_gains", "total_gains_unadjusted", "net_gain", "roi_percent",
            "payback_months", "npv", "irr_percent", "discounted_payback_months"]


def test_the_comparison_document():
    comparison = compare([keep_current_tool(), apogea()])

    document = comparison_document(comparison)

    assert json.loads(json.dumps(document)) == document  # JSON-ready as it is
    assert {key: document[key] for key in ("format", "currency", "horizon_months",
                                           "discount_rate", "best_by_npv", "best_by_roi")} == {
        "format": "roi-comparison/1", "currency": "EUR", "horizon_months": 12,
        "discount_rate": "0", "best_by_npv": 1, "best_by_roi": 1}
    current, new = document["options"]
    assert list(new)[:10] == ["name", *HEADLINE]
    assert {key: new[key] for key in HEADLINE} == {
        "total_costs": "45000.00", "total_gains": "55000.00",
        "total_gains_unadjusted": "55000.00", "net_gain": "10000.00", "roi_percent": "22.22",
        "payback_months": "9.00", "npv": "10000.00",
        "irr_percent": format_2dp(comparison.options[1].headline.irr_percent),
        "discounted_payback_months": "9.00"}
    assert new["name"] == "PME industrielle – CRM connecté à l'ERP"
    assert current["payback_months"] is None and current["irr_percent"] is None
    assert list(new["horizons"]) == ["6", "12", "24", "36"]
    assert new["horizons"]["24"]["roi_percent"] == "83.33"
    assert new["horizons"]["36"]["roi_percent"] == "120.00"
    assert set(new["horizons"]["6"]) == set(HEADLINE)
    assert new["licence_model"] == "saas" and new["licence_prices"] == []
    assert [w["code"] for w in new["warnings"]] == ["no_contingency"]
    assert new["cumulative_net"][8] == "0.00" and len(new["cumulative_net"]) == 12
    assert document["versus_first"][0] is None
    versus = document["versus_first"][1]
    assert {key: versus[key] for key in ("npv_difference", "net_gain_difference",
                                         "incremental_payback_months")} == {
        "npv_difference": "14800.00", "net_gain_difference": "14800.00",
        "incremental_payback_months": "8.04"}
    assert versus["cost_difference_by_post"][0] == {
        "category": "software", "reference": "3600.00", "option": "12000.00",
        "difference": "8400.00"}
    assert versus["cumulative_difference"][7] == "-133.33"


def test_the_document_rounds_half_up_and_carries_the_licence_prices():
    # 25 users at 480 a year: 40 a user a month; 10 users at 125 a year: 10.416… a month.
    option = case(12, name="SaaS", costs=[
        cost("software", 480, YEARLY, quantity=D(25), label="Licences"),
        cost("software", 125, YEARLY, quantity=D(10), label="Module")])

    document = comparison_document(compare([case(12, name="Rien"), option]))

    assert document["options"][1]["licence_prices"] == [
        {"line_index": 0, "label": "Licences", "recurrence": "yearly", "users": "25",
         "price_per_user_month": "40.00", "tier": "mid_range", "plausible": True},
        {"line_index": 1, "label": "Module", "recurrence": "yearly", "users": "10",
         "price_per_user_month": "10.42", "tier": "economy", "plausible": True}]
    assert document["options"][1]["licence_model"] == "saas"
    assert document["options"][0]["licence_model"] is None
    assert document["options"][0]["roi_percent"] is None
