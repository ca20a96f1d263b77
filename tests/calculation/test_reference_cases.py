"""The seeds' worked examples must come out exactly as the method prints them (method §3)."""

from decimal import Decimal

import pytest

from roi.calculation import compute, quantize_money, results_document

from .factories import apogea, junto


def test_apogea_first_year_matches_seed_000():
    headline = compute(apogea(12)).headline

    assert headline.total_costs == Decimal("45000.00")
    assert headline.total_gains == Decimal("55000.00")
    assert headline.total_gains_unadjusted == Decimal("55000.00")
    assert headline.net_gain == Decimal("10000.00")
    assert quantize_money(headline.roi_percent) == Decimal("22.22")
    assert headline.payback_months == Decimal("9.00")


@pytest.mark.parametrize(("horizon", "roi"), [(12, "22.22"), (24, "83.33"), (36, "120.00")])
def test_apogea_roi_over_longer_horizons(horizon, roi):
    assert quantize_money(compute(apogea(horizon)).headline.roi_percent) == Decimal(roi)


def test_apogea_payback_is_exactly_nine_months():
    # 55 000 / 12 is not a terminating decimal: the cumulative of month 9 must still be exactly
    # 0 (break-even at the end of month 9), not a -1E-30 that would push the payback past 9.
    result = compute(apogea(12))

    assert result.monthly[8].cumulative == 0
    assert result.monthly[7].cumulative < 0
    assert result.headline.payback_months == 9
    assert results_document(result)["payback_months"] == "9.00"


def test_apogea_month_one_carries_the_one_off_costs():
    first = compute(apogea(12)).monthly[0]

    # 18 000 + 5 000 + 7 000 once, plus (12 000 + 3 000) / 12.
    assert first.costs == Decimal("31250")
    assert quantize_money(first.gains) == Decimal("4583.33")


def test_apogea_horizons_side_by_side_whatever_the_chosen_horizon():
    result = compute(apogea(12))

    assert sorted(result.horizons) == [6, 12, 24, 36]
    assert result.horizons[12] == result.headline
    assert quantize_money(result.horizons[24].roi_percent) == Decimal("83.33")
    assert quantize_money(result.horizons[36].roi_percent) == Decimal("120.00")
    assert result.horizons[6].payback_months is None


def test_junto_each_euro_brings_back_five():
    headline = compute(junto(12)).headline

    assert headline.total_gains == Decimal("250000.00")
    assert headline.total_costs == Decimal("50000.00")
    assert headline.roi_percent == Decimal("400.00")
    assert results_document(compute(junto(12)))["roi_percent"] == "400.00"
