"""Method §6 after go-live: actuals, variance, missing actuals, reforecast, warnings, learning."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from roi.calculation import (
    Case,
    LineItem,
    actuals_of,
    compute,
    compute_tracking,
    learned_rates,
    results_document,
)

from .factories import MONTHLY, ONCE, YEARLY, apogea, case, cost, gain
from .tracking_oracle import cents, oracle_headline, oracle_tracking

D = Decimal
TINY = Fraction(1, 10**38)  # below the 40 significant digits of the engine's figures


def with_actuals(items, actuals_by_index):
    """``items`` with the given ``{index: {month: amount}}`` actuals."""
    return tuple(
        replace(item, actuals=tuple((month, D(amount)) for month, amount
                                    in actuals_by_index.get(index, {}).items()))
        for index, item in enumerate(items)
    )


def apogea_at_month_6(*, report_every_line: bool) -> Case:
    """The worked example of method §6: Apogea at month 6, the integration invoiced 21 500
    instead of 18 000 in month 1, every other line running to plan."""
    plan = apogea(12)
    costs = {1: {1: "21500"}}
    gains = {}
    if report_every_line:
        costs |= {0: dict.fromkeys(range(1, 7), "1000"), 2: {1: "5000"},
                  3: dict.fromkeys(range(1, 7), "250"), 4: {1: "7000"}}
        # Conversion's plan is 22 000 / 12 = 1 833.33… a month: the books carry cents, and
        # the six invoices add up to the plan.
        gains = {0: dict.fromkeys(range(1, 7), "1500"),
                 1: dict.fromkeys(range(1, 6), "1833.33") | {6: "1833.35"},
                 2: dict.fromkeys(range(1, 7), "500"), 3: dict.fromkeys(range(1, 7), "750")}
    return replace(plan, as_of_month=6, costs=with_actuals(plan.costs, costs),
                   gains=with_actuals(plan.gains, gains))


# --- the worked example ----------------------------------------------------------------------


@pytest.mark.parametrize(("report_every_line", "missing"), [(True, 0), (False, 38)])
def test_worked_example_apogea_at_month_6(report_every_line, missing):
    tracking = compute(apogea_at_month_6(report_every_line=report_every_line)).tracking

    assert tracking.as_of_month == 6
    assert tracking.cost_variance == D("3500.00")
    assert tracking.gain_variance == 0
    # Months 1..6: costs 1 000 + 250 a month plus the one-offs of month 1, gains 4 583.33 a month.
    assert (tracking.plan_costs, tracking.actual_costs) == (D(37500), D(41000))
    assert (tracking.plan_gains, tracking.actual_gains) == (D(27500), D(27500))
    assert tracking.actual_net == D(-13500)
    assert cents(tracking.actual_roi_percent) == "-32.93"
    assert tracking.missing_actuals == missing
    reforecast = tracking.reforecast
    # ((55 000 − 48 500) / 48 500) × 100 = 13.40 %.
    assert (reforecast.total_costs, reforecast.total_gains, reforecast.net_gain) == (
        D(48500), D(55000), D(6500))
    assert cents(reforecast.roi_percent) == "13.40"
    # The first month is 3 500 deeper: −30 166.67, then +3 333.33 a month.
    assert reforecast.payback_months == D("10.05")
    assert reforecast.npv == D(6500)
    assert tracking.warnings == ()


def test_worked_example_agrees_with_the_oracle_on_every_figure():
    tracked = apogea_at_month_6(report_every_line=False)
    tracking = compute_tracking(tracked)
    oracle = oracle_tracking(tracked)
    headline = oracle_headline(oracle.costs, oracle.gains, tracked.discount_rate)

    assert tracking.plan_costs == oracle.plan_costs
    assert tracking.actual_costs == oracle.actual_costs
    assert tracking.plan_gains == oracle.plan_gains
    assert tracking.actual_gains == oracle.actual_gains
    # 6 500 / 48 500 × 100 = 13.4020618556…: 40 significant digits of the exact ratio.
    assert abs(Fraction(tracking.reforecast.roi_percent) - headline.roi_percent) < 100 * TINY
    assert tracking.reforecast.payback_months == headline.payback_months == Fraction(201, 20)
    assert [line.missing_months for line in tracking.lines] == [
        tuple(line.missing_months) for line in oracle.lines]


def test_worked_example_in_the_results_document():
    document = results_document(compute(apogea_at_month_6(report_every_line=True)))["tracking"]

    assert {key: document[key] for key in (
        "as_of_month", "plan_costs", "plan_gains", "actual_costs", "actual_gains",
        "cost_variance", "gain_variance", "actual_net", "actual_roi_percent",
        "missing_actuals")} == {
        "as_of_month": 6, "plan_costs": "37500.00", "plan_gains": "27500.00",
        "actual_costs": "41000.00", "actual_gains": "27500.00", "cost_variance": "3500.00",
        "gain_variance": "0.00", "actual_net": "-13500.00", "actual_roi_percent": "-32.93",
        "missing_actuals": 0,
    }
    assert document["reforecast"] == {
        "total_costs": "48500.00", "total_gains": "55000.00", "net_gain": "6500.00",
        "roi_percent": "13.40", "payback_months": "10.05", "npv": "6500.00",
        "irr_percent": document["reforecast"]["irr_percent"],
        "discounted_payback_months": "10.05",
    }
    assert document["reforecast"]["irr_percent"] is not None
    assert document["lines"][1] == {
        "kind": "cost", "index": 1, "category": "integration",
        "label": "Intégration, paramétrage, connecteurs ERP", "plan": "18000.00",
        "actual": "21500.00", "variance": "3500.00", "missing_months": []}
    assert document["costs_by_post"][1] == {"category": "integration", "plan": "18000.00",
                                            "actual": "21500.00", "variance": "3500.00"}
    assert document["monthly"][0] == {"month": 1, "closed": True,
                                      "plan_cumulative": "-26666.67",
                                      "reforecast_cumulative": "-30166.67"}
    assert document["monthly"][11] == {"month": 12, "closed": False,
                                       "plan_cumulative": "10000.00",
                                       "reforecast_cumulative": "6500.00"}


def test_a_plan_has_no_tracking():
    result = compute(apogea(12))

    assert result.tracking is None
    assert results_document(result)["tracking"] is None


def test_the_reforecast_uses_the_cases_discount_rate():
    tracked = replace(apogea_at_month_6(report_every_line=False), discount_rate=D("0.10"))
    reforecast = compute(tracked).tracking.reforecast
    oracle = oracle_tracking(tracked)
    expected = oracle_headline(oracle.costs, oracle.gains, tracked.discount_rate)

    assert abs(reforecast.npv - expected.npv) < D("1e-25")
    assert reforecast.npv < reforecast.net_gain
    assert abs(reforecast.discounted_payback_months - expected.discounted_payback_months) < D(
        "1e-25")


# --- actual values and missing actuals -------------------------------------------------------


MISSING_RULES = [
    # (id, line, as_of_month, horizon, actuals {month: amount}, missing months)
    ("once: its start month", cost("training", 5000, ONCE), 6, 12, {}, [1]),
    ("once: reported", cost("training", 5000, ONCE), 6, 12, {1: "5200"}, []),
    ("once: end_month is ignored", cost("training", 5000, ONCE, start_month=2, end_month=9),
     6, 12, {}, [2]),
    ("once: starts after the closed months", cost("training", 5000, ONCE, start_month=7),
     6, 12, {}, []),
    ("monthly: every closed month from the start",
     cost("software", 100, MONTHLY, start_month=2), 5, 12, {3: "100"}, [2, 4, 5]),
    ("monthly: ends before as_of_month", cost("support", 100, MONTHLY, end_month=3), 6, 12,
     {}, [1, 2, 3]),
    ("yearly: spread over every month", cost("software", 1200, YEARLY, start_month=5), 6, 12,
     {}, [5, 6]),
    ("yearly: starts after as_of_month", cost("software", 1200, YEARLY, start_month=7), 6, 12,
     {}, []),
    ("no end month: until the horizon", cost("software", 100, MONTHLY), 6, 6, {}, list(range(1, 7))),
    ("as_of_month 0: nothing is closed", cost("software", 100, MONTHLY), 0, 12, {}, []),
    ("an actual in a non-active month is counted, the active month is still missing",
     cost("integration", 1000, ONCE), 4, 12, {3: "300"}, [1]),
    ("unplanned once line: amount 0 and its actual", cost("contingency", 0, ONCE, start_month=3),
     4, 12, {3: "800"}, []),
    ("unplanned monthly line", cost("contingency", 0, MONTHLY, start_month=2), 4, 12,
     {2: "10", 4: "30"}, [3]),
    ("gain with a ramp-up: active from its start", gain("productivity", 900, MONTHLY,
                                                        start_month=2, ramp_up_months=3),
     4, 12, {2: "250"}, [3, 4]),
]


@pytest.mark.parametrize(("line", "closed", "horizon", "actuals", "missing"),
                         [rule[1:] for rule in MISSING_RULES],
                         ids=[rule[0] for rule in MISSING_RULES])
def test_missing_actuals_follow_the_active_month_rule(line, closed, horizon, actuals, missing):
    item = replace(line, actuals=tuple((month, D(value)) for month, value in actuals.items()))
    is_gain = item.category == "productivity"
    tracked = case(horizon, costs=[] if is_gain else [item], gains=[item] if is_gain else [],
                   as_of_month=closed)

    tracking = compute_tracking(tracked)

    (line_tracking,) = tracking.lines
    assert list(line_tracking.missing_months) == missing
    assert tracking.missing_actuals == len(missing)
    assert list(oracle_tracking(tracked).lines[0].missing_months) == missing


def test_an_actual_in_a_non_active_month_adds_to_the_plan_of_the_missing_month():
    # Integration planned 1 000 in month 1, nothing reported for it, 300 invoiced in month 3.
    item = cost("integration", 1000, ONCE, actuals=((3, D(300)),))
    tracking = compute_tracking(case(12, costs=[item], as_of_month=4))

    assert (tracking.plan_costs, tracking.actual_costs, tracking.cost_variance) == (
        D(1000), D(1300), D(300))
    assert tracking.monthly[2].reforecast_costs == D(300)
    assert tracking.reforecast.total_costs == D(1300)


def test_a_missing_gain_counts_at_its_risk_adjusted_plan():
    item = gain("productivity", 1000, MONTHLY, confidence=D("0.5"), actuals=((1, D(800)),))
    tracking = compute_tracking(case(12, gains=[item], as_of_month=2))

    assert tracking.plan_gains == D(1000)  # 2 × 1 000 × 0.5
    assert tracking.plan_gains_unadjusted == D(2000)
    assert tracking.actual_gains == D(1300)  # 800 reported + 500 planned for month 2
    assert tracking.gain_variance == D(300)
    assert tracking.gains_by_post[0].plan_unadjusted == D(2000)
    # An actual is a fact: no confidence is taken off it, even in the unadjusted total.
    assert tracking.reforecast.total_gains_unadjusted == D(800) + 11 * D(1000)
    assert tracking.reforecast.total_gains == D(800) + 11 * D(500)


def test_unplanned_lines_count_in_actuals_and_in_the_reforecast():
    unplanned_cost = cost("contingency", 0, ONCE, start_month=2, actuals=((2, D(4000)),))
    unplanned_gain = gain("strategic", 0, MONTHLY, start_month=3,
                          actuals=((3, D(150)), (4, D(250))))
    tracked = case(12, costs=[cost("software", 100, MONTHLY), unplanned_cost],
                   gains=[unplanned_gain], as_of_month=4)

    tracking = compute_tracking(tracked)

    assert (tracking.plan_costs, tracking.actual_costs) == (D(400), D(4400))
    assert (tracking.plan_gains, tracking.actual_gains) == (D(0), D(400))
    assert tracking.reforecast.total_costs == D(1200) + D(4000)
    assert tracking.reforecast.total_gains == D(400)
    assert [post.category for post in tracking.costs_by_post if post.actual] == [
        "software", "contingency"]


def test_lines_are_listed_costs_then_gains_in_case_order():
    tracking = compute_tracking(replace(apogea(12), as_of_month=1))

    assert [(line.kind, line.index, line.category) for line in tracking.lines] == [
        ("cost", 0, "software"), ("cost", 1, "integration"), ("cost", 2, "training"),
        ("cost", 3, "support"), ("cost", 4, "internal"), ("gain", 0, "productivity"),
        ("gain", 1, "conversion"), ("gain", 2, "marketing"), ("gain", 3, "retention")]
    assert [post.category for post in tracking.gains_by_post][:3] == [
        "productivity", "conversion", "retention"]


def test_actual_roi_is_undefined_without_actual_cost():
    tracked = case(12, gains=[gain("productivity", 100, actuals=((1, D(90)),))], as_of_month=1)

    tracking = compute_tracking(tracked)

    assert tracking.actual_costs == 0
    assert tracking.actual_roi_percent is None
    assert results_document(compute(tracked))["tracking"]["actual_roi_percent"] is None


# --- warnings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "warned"), [("1100", False), ("1100.01", True),
                                                 ("900", False)])
def test_costs_more_than_10_percent_over_plan_are_warned(actual, warned):
    item = cost("integration", 1000, ONCE, actuals=((1, D(actual)),))
    tracking = compute_tracking(case(12, costs=[item], as_of_month=3))

    codes = [warning.code for warning in tracking.warnings]
    assert codes == (["costs_over_plan"] if warned else [])
    if warned:
        (warning,) = tracking.warnings
        assert warning.params == {"as_of_month": 3, "plan": D(1000), "actual": D("1100.01"),
                                  "variance": D("100.01"), "variance_percent": D("10.001"),
                                  "threshold_percent": D(10)}


@pytest.mark.parametrize(("actual", "warned"), [("800", False), ("799.99", True),
                                                 ("1500", False)])
def test_gains_more_than_20_percent_under_plan_are_warned(actual, warned):
    item = gain("productivity", 1000, ONCE, actuals=((1, D(actual)),))
    tracking = compute_tracking(case(12, gains=[item], as_of_month=1))

    assert [warning.code for warning in tracking.warnings] == (
        ["gains_under_plan"] if warned else [])
    if warned:
        assert tracking.warnings[0].params["variance_percent"] == D("-20.001")
        assert tracking.warnings[0].params["threshold_percent"] == D(20)


def test_an_unplanned_cost_without_a_plan_is_warned_without_a_percentage():
    item = cost("contingency", 0, ONCE, actuals=((1, D(500)),))
    (warning,) = compute_tracking(case(12, costs=[item], as_of_month=1)).warnings

    assert warning.code == "costs_over_plan"
    assert warning.params["variance_percent"] is None
    document = results_document(compute(case(12, costs=[item], as_of_month=1)))
    assert document["tracking"]["warnings"] == [{"code": "costs_over_plan", "params": {
        "as_of_month": "1", "plan": "0.00", "actual": "500.00", "variance": "500.00",
        "variance_percent": None, "threshold_percent": "10.00"}}]


def test_no_tracking_warning_before_the_first_closed_month():
    # A plan of only gains: 0 actual gains would be "under plan" if month 1 were closed.
    tracked = case(12, gains=[gain("productivity", 1000)], as_of_month=0)

    assert compute_tracking(tracked).warnings == ()
    assert [w.code for w in compute_tracking(replace(tracked, as_of_month=1)).warnings] == []


# --- invariants --------------------------------------------------------------------------------


@pytest.mark.parametrize(("tracked", "message"), [
    (case(12), "the case is not tracked: as_of_month is None"),
    (case(12, as_of_month=13), "as_of_month must be between 0 and horizon_months 12"),
    (case(12, as_of_month=-1), "as_of_month must be between 0 and horizon_months 12"),
    (case(12, costs=[cost("software", 1, actuals=((3, D(1)),))], as_of_month=2),
     "an actual of month 3 is outside the closed months 1..2"),
    (case(12, gains=[gain("productivity", 1, actuals=((0, D(1)),))], as_of_month=2),
     "an actual of month 0 is outside the closed months 1..2"),
])
def test_a_case_that_breaks_the_invariants_raises_value_error(tracked, message):
    with pytest.raises(ValueError, match=f"^{message.replace('.', '[.]')}$"):
        compute_tracking(tracked)


def test_compute_refuses_an_actual_after_as_of_month_too():
    with pytest.raises(ValueError, match="outside the closed months"):
        compute(case(12, costs=[cost("software", 1, actuals=((3, D(1)),))], as_of_month=2))


# --- the model ---------------------------------------------------------------------------------


def test_actuals_are_stored_sorted_and_compare_equal_whatever_the_input_order():
    by_pairs = cost("software", 100, MONTHLY, actuals=((3, D(1)), (1, D(2))))
    by_mapping = cost("software", 100, MONTHLY, actuals={1: D(2), 3: D(1)})

    assert by_pairs.actuals == ((1, D(2)), (3, D(1)))
    assert by_pairs == by_mapping
    assert hash(by_pairs) == hash(by_mapping)
    assert by_pairs.actuals_by_month == {1: D(2), 3: D(1)}
    assert by_pairs != cost("software", 100, MONTHLY)


def test_a_month_reported_twice_is_refused():
    with pytest.raises(ValueError, match="a month appears twice in the actuals"):
        actuals_of(((1, D(1)), (1, D(2))))


def test_defaults_leave_a_plan_unchanged():
    item = LineItem("software", "x", D(1), MONTHLY)

    assert item.actuals == ()
    assert Case(horizon_months=12, costs=(item,), gains=()).as_of_month is None


# --- forecasts that learn ------------------------------------------------------------------


def project(closed: int, *, productivity_actual: str, confidence: str = "1",
            software_actual: str = "100", unplanned_revenue: str | None = None):
    """A small followed project: productivity planned 1 000 a month (before confidence),
    software 100 a month, each reported every closed month."""
    gains = [gain("productivity", 1000, MONTHLY, confidence=D(confidence),
                  actuals=dict.fromkeys(range(1, closed + 1), D(productivity_actual)))]
    if unplanned_revenue is not None:
        gains.append(gain("revenue", 0, MONTHLY, actuals={1: D(unplanned_revenue)}))
    costs = [cost("software", 100, MONTHLY,
                  actuals=dict.fromkeys(range(1, closed + 1), D(software_actual)))]
    return compute_tracking(case(12, costs=costs, gains=gains, as_of_month=closed))


def test_learned_rates_pool_the_projects_with_three_closed_months_or_more():
    trackings = [
        project(3, productivity_actual="600", confidence="0.5", software_actual="110"),
        project(6, productivity_actual="750", software_actual="130"),
        project(2, productivity_actual="0", software_actual="1000"),  # too early: ignored
        None,  # a case that is not tracked
    ]

    rates = learned_rates(trackings)

    assert rates.projects == 2
    (productivity,) = rates.gains
    # Pooled against the plan before confidence: (1 800 + 4 500) / (3 000 + 6 000).
    assert productivity.category == "productivity"
    assert productivity.realisation_rate == D("0.7")
    assert (productivity.actual, productivity.planned_unadjusted) == (D(6300), D(9000))
    assert productivity.projects == 2
    (software,) = rates.costs
    # (330 + 780) / (300 + 600) − 1.
    assert software.category == "software"
    assert abs(Fraction(software.overrun_rate) - Fraction(7, 30)) < TINY
    assert (software.actual, software.planned, software.projects) == (D(1110), D(900), 2)


def test_learned_rates_leave_out_posts_without_a_plan():
    # Revenue was never planned (amount 0): its actuals have no plan to be a rate of.
    rates = learned_rates([project(4, productivity_actual="1000", unplanned_revenue="5000")])

    assert [rate.category for rate in rates.gains] == ["productivity"]
    assert rates.gains[0].realisation_rate == 1
    assert rates.costs[0].overrun_rate == 0


def test_learned_rates_of_nothing():
    rates = learned_rates([project(2, productivity_actual="1"), None])

    assert (rates.projects, rates.gains, rates.costs) == (0, (), ())


def test_a_project_counts_only_for_the_posts_it_moved():
    with_revenue = compute_tracking(case(
        12, gains=[gain("revenue", 500, MONTHLY, actuals={1: D(400)})], as_of_month=3))
    rates = learned_rates([project(3, productivity_actual="900"), with_revenue])

    assert [(rate.category, rate.projects) for rate in rates.gains] == [
        ("productivity", 1), ("revenue", 1)]
    # Revenue: 400 reported in month 1, months 2 and 3 at plan: 1 400 / 1 500.
    assert abs(Fraction(rates.gains[1].realisation_rate) - Fraction(14, 15)) < TINY


def test_posts_carry_their_plan_and_reforecast_over_the_horizon():
    """Per post over 1..H: the plan, and the reforecast (actual for 1..A, plan after): they
    add up to the plan's and the reforecast's totals, and differ by the closed months'
    variance."""
    result = compute(apogea_at_month_6(report_every_line=False))
    tracking = result.tracking
    for posts, plan_total, reforecast_total in (
            (tracking.costs_by_post, result.headline.total_costs,
             tracking.reforecast.total_costs),
            (tracking.gains_by_post, result.headline.total_gains,
             tracking.reforecast.total_gains)):
        assert abs(sum(p.plan_horizon for p in posts) - plan_total) < D("1e-30")
        assert abs(sum(p.reforecast_horizon for p in posts) - reforecast_total) < D("1e-30")
        for post in posts:
            assert abs(post.reforecast_horizon - post.plan_horizon - post.variance) < D("1e-30")
    integration = next(p for p in tracking.costs_by_post if p.category == "integration")
    assert (integration.plan_horizon, integration.reforecast_horizon) == (D(18000), D(21500))
