"""Hand-checked small cases, one rule of method §2–§4 each."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from roi.calculation import DEFAULT_SCENARIOS, ScenarioFactors, compute, quantize_money
from roi.calculation.figures import headline_of_flows
from roi.calculation.lines import combine, post_flows
from roi.calculation.model import COST_CATEGORIES, GAIN_CATEGORIES
from roi.calculation.money import to_decimal

from .factories import MONTHLY, ONCE, YEARLY, apogea, case, cost, gain


def gains_by_month(result):
    return [row.gains for row in result.monthly]


# --- §2: base values ------------------------------------------------------------------------


def test_yearly_amount_is_spread_over_twelve_months():
    result = compute(case(6, costs=[cost("software", 1200, YEARLY)]))

    assert [row.costs for row in result.monthly] == [Decimal(100)] * 6
    assert result.headline.total_costs == Decimal("600")


def test_quantity_multiplies_the_unit_amount():
    # 25 users at 40 a month over a year.
    result = compute(case(12, costs=[cost("software", 40, MONTHLY, quantity=Decimal(25))]))

    assert result.headline.total_costs == Decimal("12000")


def test_end_month_is_inclusive_and_start_month_delays():
    result = compute(case(12, costs=[cost("support", 100, MONTHLY, start_month=3, end_month=5)]))

    assert [row.costs for row in result.monthly] == [0, 0, 100, 100, 100] + [0] * 7
    assert result.headline.total_costs == Decimal("300")


def test_once_falls_in_start_month_only_and_ignores_end_month():
    result = compute(case(12, costs=[cost("transition", 500, ONCE, start_month=4, end_month=9)]))

    assert [row.costs for row in result.monthly] == [0, 0, 0, 500] + [0] * 8


def test_item_with_no_end_runs_to_each_horizon():
    # Chosen horizon 12, but the 24- and 36-month views let the licence run on.
    result = compute(case(12, costs=[cost("software", 100, MONTHLY)]))

    assert result.headline.total_costs == Decimal("1200")
    assert result.horizons[24].total_costs == Decimal("2400")
    assert result.horizons[36].total_costs == Decimal("3600")


def test_item_starting_after_the_horizon_counts_only_in_longer_views():
    result = compute(case(12, costs=[cost("evolution", 5000, ONCE, start_month=18)]))

    assert result.headline.total_costs == 0
    assert result.horizons[24].total_costs == Decimal("5000")


def test_ramp_up_grows_linearly_then_stays_full():
    # R = 3 from month 2: k = 1, 2 are 1/3 and 2/3 of the value; full from k = 3.
    result = compute(case(6, gains=[gain("productivity", 1200, start_month=2, ramp_up_months=3)]))

    assert gains_by_month(result) == [0, 400, 800, 1200, 1200, 1200]
    assert result.headline.total_gains == Decimal("4800")


@pytest.mark.parametrize("ramp", [0, 1])
def test_ramp_up_of_zero_or_one_month_means_full_value_at_once(ramp):
    result = compute(case(3, gains=[gain("productivity", 300, ramp_up_months=ramp)]))

    assert gains_by_month(result) == [300, 300, 300]


def test_ramp_up_does_not_apply_to_a_once_gain():
    result = compute(case(3, gains=[gain("strategic", 900, ONCE, ramp_up_months=6)]))

    assert gains_by_month(result) == [900, 0, 0]


def test_ramp_up_longer_than_the_horizon_stays_partial():
    result = compute(case(2, gains=[gain("productivity", 1000, ramp_up_months=4)]))

    assert gains_by_month(result) == [250, 500]


def test_confidence_adjusts_gains_and_the_unadjusted_total_is_kept():
    result = compute(case(12, costs=[cost("software", 1000)],
                          gains=[gain("productivity", 1000, confidence=Decimal("0.8"))]))

    assert result.headline.total_gains == Decimal("9600")
    assert result.headline.total_gains_unadjusted == Decimal("12000")
    assert result.monthly[0].gains == Decimal("800")
    assert result.monthly[0].gains_unadjusted == Decimal("1000")
    assert result.headline.net_gain == Decimal("8600")  # the ROI uses the adjusted gains


def test_confidence_and_ramp_up_combine():
    result = compute(case(2, gains=[gain("productivity", 1000, ramp_up_months=2,
                                         confidence=Decimal("0.5"))]))

    assert gains_by_month(result) == [250, 500]
    assert [row.gains_unadjusted for row in result.monthly] == [500, 1000]


def test_margin_turns_revenue_into_profit_in_both_totals():
    result = compute(case(12, gains=[gain("revenue", 10000, margin=Decimal("0.3"),
                                          confidence=Decimal("0.5"))]))

    assert result.headline.total_gains_unadjusted == Decimal("36000")
    assert result.headline.total_gains == Decimal("18000")


def test_costs_ignore_gain_only_fields():
    plain = compute(case(6, costs=[cost("software", 100, MONTHLY)]))
    decorated = compute(case(6, costs=[cost("software", 100, MONTHLY, ramp_up_months=3,
                                            confidence=Decimal("0.5"), margin=Decimal("0.2"))]))

    assert decorated.headline == plain.headline


def test_totals_are_exact_where_decimal_sums_would_round_the_wrong_way():
    # 0.01 a year over 6 months is exactly 0.005, half a cent: half-up gives 0.01. Summing six
    # 40-digit Decimals of 0.01/12 would give 0.00499…98 and round down to 0.00.
    result = compute(case(6, costs=[cost("software", "0.01", YEARLY)]))

    assert quantize_money(result.headline.total_costs) == Decimal("0.01")


def test_unknown_category_is_refused_by_the_engine():
    with pytest.raises(ValueError, match="unknown cost category"):
        compute(case(12, costs=[cost("licences", 100)]))


# --- §3: ROI and payback ----------------------------------------------------------------------


def test_no_cost_means_roi_undefined_not_infinite():
    result = compute(case(12, gains=[gain("productivity", 100)]))

    assert result.headline.roi_percent is None
    assert result.headline.payback_months == 0
    assert all(bar.roi_low is None and bar.roi_high is None for bar in result.tornado)


def test_empty_case_computes():
    result = compute(case(12))

    assert result.headline.total_costs == 0
    assert result.headline.roi_percent is None
    assert result.headline.payback_months == 0
    assert result.headline.irr_percent is None


def test_payback_is_zero_when_the_cumulative_is_never_negative():
    result = compute(case(12, costs=[cost("software", 100, MONTHLY)],
                          gains=[gain("productivity", 150)]))

    assert result.headline.payback_months == 0


def test_payback_interpolates_inside_the_month():
    # Cumulative: -700, -400, -100, +200 -> 3 + 100 / 300 months.
    result = compute(case(6, costs=[cost("integration", 1000)], gains=[gain("productivity", 300)]))

    assert result.headline.payback_months == to_decimal(Fraction(10, 3))
    assert quantize_money(result.headline.payback_months) == Decimal("3.33")


def test_payback_takes_the_first_recovery_after_the_first_negative_month():
    # Net +100, -300, +500: cumulative 100, -200, 300 -> k = 2, m = 3: 2 + 200 / 500.
    result = compute(case(3,
                          costs=[cost("integration", 400, start_month=2)],
                          gains=[gain("productivity", 100, ONCE),
                                 gain("productivity", 100, ONCE, start_month=2),
                                 gain("productivity", 500, ONCE, start_month=3)]))

    assert [row.cumulative for row in result.monthly] == [100, -200, 300]
    assert result.headline.payback_months == Decimal("2.4")


def test_payback_counts_a_cumulative_of_exactly_zero_as_recovered():
    # Cumulative -100, 0, -50, 100: the first month >= 0 after month 1 is month 2.
    result = compute(case(4,
                          costs=[cost("integration", 100), cost("evolution", 50, start_month=3)],
                          gains=[gain("productivity", 100, ONCE, start_month=2),
                                 gain("productivity", 150, ONCE, start_month=4)]))

    assert [row.cumulative for row in result.monthly] == [-100, 0, -50, 100]
    assert result.headline.payback_months == 2


def test_payback_not_reached_is_none_and_warned_with_the_later_payback():
    # 12 500 once against 500 a month: the cumulative reaches 0 at the end of month 25.
    result = compute(case(12, costs=[cost("integration", 12500)],
                          gains=[gain("productivity", 500)]))

    assert result.headline.payback_months is None
    warning = next(w for w in result.warnings if w.code == "horizon_shorter_than_payback")
    assert warning.params["horizon_months"] == 12
    assert warning.params["payback_months"] == 25
    assert warning.params["checked_horizon_months"] == 120


def test_payback_never_reached_even_later():
    result = compute(case(12, costs=[cost("integration", 10**6)], gains=[gain("productivity", 1)]))

    warning = next(w for w in result.warnings if w.code == "horizon_shorter_than_payback")
    assert warning.params["payback_months"] is None


# --- §3: discounting ------------------------------------------------------------------------

# An annual rate whose monthly factor is exactly 1.01: every figure below is checkable by hand.
ONE_PERCENT_A_MONTH = Decimal("1.01") ** 12 - 1


def test_discounted_payback_and_npv():
    # Month 1: -1010 (worth -1000 today); month 2: +2040.20 (worth 2000 today).
    result = compute(case(2, costs=[cost("integration", 1010)],
                          gains=[gain("productivity", "2040.20", ONCE, start_month=2)],
                          discount_rate=ONE_PERCENT_A_MONTH))

    assert quantize_money(result.monthly[0].discounted_net) == Decimal("-1000.00")
    assert quantize_money(result.monthly[1].discounted_cumulative) == Decimal("1000.00")
    assert quantize_money(result.headline.npv) == Decimal("1000.00")
    assert quantize_money(result.headline.discounted_payback_months) == Decimal("1.50")
    # Undiscounted: 1 + 1010 / 2040.20.
    assert result.headline.payback_months == to_decimal(1 + Fraction(1010) / Fraction("2040.20"))


def test_discounting_can_push_the_payback_beyond_the_horizon():
    result = compute(case(2, costs=[cost("integration", 1000)],
                          gains=[gain("productivity", 1000, ONCE, start_month=2)],
                          discount_rate=Decimal("0.10")))

    assert result.headline.payback_months == 2
    assert result.headline.discounted_payback_months is None


def test_without_discounting_npv_is_the_net_gain():
    result = compute(apogea(12))

    assert result.headline.npv == result.headline.net_gain
    assert result.headline.discounted_payback_months == result.headline.payback_months


def test_npv_discounts_month_m_by_m_twelfths_of_a_year():
    # 1 210 in month 24 at 10 % a year is worth 1 000 today.
    result = compute(case(24, gains=[gain("strategic", 1210, ONCE, start_month=24)],
                          discount_rate=Decimal("0.10")))

    assert abs(result.headline.npv - 1000) < Decimal("1e-30")


# --- §3: IRR --------------------------------------------------------------------------------


def test_irr_of_ten_percent_a_month():
    # -100 then +110: the monthly IRR is 10 %, the annual 1.1^12 - 1.
    result = compute(case(2, costs=[cost("integration", 100)],
                          gains=[gain("productivity", 110, ONCE, start_month=2)]))

    assert abs(result.headline.irr_percent - Decimal("213.8428376721")) < Decimal("1e-20")


def test_irr_is_none_when_flows_never_change_sign():
    assert compute(case(12, gains=[gain("productivity", 100)])).headline.irr_percent is None
    assert compute(case(12, costs=[cost("software", 100)])).headline.irr_percent is None


def test_irr_below_minus_99_percent_is_none():
    # -100 then +0.5: a monthly rate of -99.5 %, far below -99 % a year.
    result = compute(case(2, costs=[cost("integration", 100)],
                          gains=[gain("productivity", "0.5", ONCE, start_month=2)]))

    assert result.headline.irr_percent is None


def test_irr_with_two_roots_takes_the_one_closest_to_zero():
    # -100, +230, -132 has monthly roots 10 % and 20 % (numpy-financial returns 10 %).
    result = compute(case(3,
                          costs=[cost("integration", 100), cost("evolution", 132, start_month=3)],
                          gains=[gain("productivity", 230, ONCE, start_month=2)]))

    assert abs(result.headline.irr_percent - Decimal("213.8428376721")) < Decimal("1e-20")


# --- by year ------------------------------------------------------------------------------


def test_by_year_table_for_apogea_over_three_years():
    table = compute(apogea(36)).by_year

    assert [(row.year, row.costs, row.gains, row.net, row.cumulative) for row in table.years] == [
        (1, 45000, 55000, 10000, 10000),
        (2, 15000, 55000, 40000, 50000),
        (3, 15000, 55000, 40000, 90000),
    ]
    assert (table.total.costs, table.total.gains, table.total.net) == (75000, 165000, 90000)
    assert table.present_value == table.total  # no discounting


def test_by_year_last_year_may_be_partial_and_present_value_is_discounted():
    result = compute(apogea(18, discount_rate=Decimal("0.10")))
    table = result.by_year

    assert [(row.first_month, row.last_month) for row in table.years] == [(1, 12), (13, 18)]
    assert table.years[1].costs == Decimal("7500")
    assert table.present_value.net == result.headline.npv
    assert table.present_value.costs < table.total.costs


# --- §4: posts, scenarios, tornado, warnings ----------------------------------------------


def test_posts_are_listed_in_catalogue_order_with_zeros():
    result = compute(apogea(12))

    assert [post.category for post in result.costs_by_post] == [
        "software", "integration", "training", "support", "internal", "evolution", "transition",
        "contingency",
    ]
    assert result.costs_by_post[0].total == Decimal("12000")
    assert result.costs_by_post[-1].total == 0
    assert result.gains_by_post[1] == ("conversion", Decimal("22000"), Decimal("22000"))


def test_post_totals_show_adjusted_and_unadjusted_gains():
    result = compute(case(12, gains=[gain("retention", 100, confidence=Decimal("0.5"))]))

    assert result.gains_by_post[2] == ("retention", Decimal("600"), Decimal("1200"))


def test_default_scenarios_on_apogea():
    result = compute(apogea(12))
    by_code = {scenario.factors.code: scenario.headline for scenario in result.scenarios}

    assert [scenario.factors for scenario in result.scenarios] == list(DEFAULT_SCENARIOS)
    assert by_code["expected"] == result.headline
    # Conservative: gains 55 000 × 0.8 = 44 000, costs 45 000 × 1.1 = 49 500.
    assert by_code["conservative"].total_costs == Decimal("49500")
    assert by_code["conservative"].total_gains == Decimal("44000")
    assert quantize_money(by_code["conservative"].roi_percent) == Decimal("-11.11")
    assert by_code["conservative"].payback_months is None
    # Optimistic: gains 66 000, costs unchanged.
    assert quantize_money(by_code["optimistic"].roi_percent) == Decimal("46.67")


def test_custom_scenarios_apply_to_every_monthly_flow():
    scenario = ScenarioFactors("stress", Decimal("0.5"), Decimal("2"))
    result = compute(apogea(12, scenarios=(scenario,)))

    (only,) = result.scenarios
    assert only.headline.total_costs == Decimal("90000")
    assert only.headline.total_gains == Decimal("27500")
    assert only.headline.total_gains_unadjusted == Decimal("27500")


def test_tornado_on_apogea_sorted_by_spread():
    result = compute(apogea(12))
    bars = result.tornado

    assert [bar.category for bar in bars[:2]] == ["integration", "conversion"]
    # Integration (cost 18 000) at +20 % / -20 %: costs 48 600 / 41 400, gains 55 000.
    integration = bars[0]
    assert integration.kind == "cost"
    assert integration.roi_low == to_decimal(Fraction(55000, 48600) * 100 - 100)
    assert integration.roi_high == to_decimal(Fraction(55000, 41400) * 100 - 100)
    assert quantize_money(integration.roi_low) == Decimal("13.17")
    assert quantize_money(integration.roi_high) == Decimal("32.85")
    assert quantize_money(integration.spread) == Decimal("19.68")
    # Conversion (gain 22 000) at -20 % / +20 %: gains 50 600 / 59 400, costs 45 000.
    assert quantize_money(bars[1].roi_low) == Decimal("12.44")
    assert quantize_money(bars[1].roi_high) == Decimal("32.00")
    # Only posts with an amount get a bar.
    assert {bar.category for bar in bars} == {
        "software", "integration", "training", "support", "internal",
        "productivity", "conversion", "marketing", "retention",
    }
    spreads = [bar.spread for bar in bars]
    assert spreads == sorted(spreads, reverse=True)


def test_warning_no_contingency():
    codes = {w.code for w in compute(apogea(12)).warnings}
    assert "no_contingency" in codes

    with_contingency = replace(apogea(12), costs=apogea(12).costs + (cost("contingency", 2000),))
    assert "no_contingency" not in {w.code for w in compute(with_contingency).warnings}


def test_warning_tco_below_one_and_a_half_times_the_licences():
    result = compute(case(12, costs=[cost("software", 1000, MONTHLY), cost("training", 2000)],
                          gains=[gain("productivity", 500)]))

    warning = next(w for w in result.warnings if w.code == "tco_below_licences")
    assert warning.params["ratio"] == to_decimal(Fraction(14000, 12000))
    # Apogea: 45 000 / 12 000 = 3.75 × the licences, as seed 002 expects.
    assert "tco_below_licences" not in {w.code for w in compute(apogea(12)).warnings}


def test_warning_revenue_without_margin():
    def codes(*gains):
        result = compute(case(12, costs=[cost("software", 100)], gains=gains))
        return {warning.code for warning in result.warnings}

    assert "revenue_without_margin" in codes(gain("revenue", 1000), gain("conversion", 500),
                                             gain("productivity", 0))
    assert "revenue_without_margin" not in codes(gain("revenue", 1000, margin=Decimal("0.4")))
    assert "revenue_without_margin" not in codes(gain("revenue", 1000), gain("productivity", 10))
    assert "revenue_without_margin" not in codes()


def test_warnings_absent_on_a_sound_case():
    sound = replace(apogea(12), costs=apogea(12).costs + (cost("contingency", 2000),))

    assert compute(sound).warnings == ()


def test_kpis_are_evaluated_with_the_result():
    from roi.calculation import KpiValue

    result = compute(apogea(12, kpis=(KpiValue("churn_rate", Decimal("0.12"), Decimal("0.09")),)))

    (kpi,) = result.kpis
    assert kpi.target_change == Decimal("-0.03")
    assert kpi.target_change_percent == Decimal("-25")



def test_headline_of_flows_is_what_compute_reports():
    the_case = apogea(24, discount_rate=Decimal("0.1"))
    cost_posts = post_flows(the_case.costs, COST_CATEGORIES, 24, gains=False).values()
    gain_posts = list(post_flows(the_case.gains, GAIN_CATEGORIES, 24, gains=True).values())

    headline = headline_of_flows(
        combine((1, post.adjusted) for post in cost_posts),
        combine((1, post.adjusted) for post in gain_posts),
        combine((1, post.unadjusted) for post in gain_posts),
        discount_rate=Decimal("0.1"), months=24)

    assert headline == compute(the_case).headline
