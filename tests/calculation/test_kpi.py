"""KPI arithmetic (seeds 001, 003, 004)."""

from decimal import Decimal

import pytest

from roi.calculation import KpiValue, cac, kpi_progress, ltv, ltv_cac_assessment, ltv_cac_ratio


def test_cac_is_spend_per_new_customer():
    assert cac(Decimal("15000"), Decimal("30")) == Decimal("500")


def test_ltv_is_margin_over_the_customer_lifetime():
    # 12 000 a year at 40 % margin, 10 % churn a year: 4 800 a year for 10 years.
    assert ltv(Decimal("12000"), Decimal("0.40"), Decimal("0.10")) == Decimal("48000")


def test_ltv_cac_ratio():
    assert ltv_cac_ratio(Decimal("48000"), Decimal("12000")) == Decimal("4")


@pytest.mark.parametrize("call", [
    lambda: cac(Decimal(1000), Decimal(0)),
    lambda: cac(None, Decimal(3)),
    lambda: ltv(Decimal(1000), Decimal("0.4"), Decimal(0)),
    lambda: ltv(None, Decimal("0.4"), Decimal("0.1")),
    lambda: ltv_cac_ratio(Decimal(100), Decimal(0)),
    lambda: ltv_cac_ratio(None, Decimal(10)),
])
def test_division_by_zero_or_missing_input_is_none(call):
    assert call() is None


@pytest.mark.parametrize(("ratio", "assessment"), [
    ("0", "risk"), ("2.99", "risk"), ("3", "healthy"), ("4", "healthy"), ("5", "healthy"),
    ("5.01", "underinvested"), ("12", "underinvested"),
])
def test_ltv_cac_thresholds_of_seed_003(ratio, assessment):
    assert ltv_cac_assessment(Decimal(ratio)) == assessment


def test_ltv_cac_assessment_without_ratio():
    assert ltv_cac_assessment(None) is None


def test_kpi_progress_towards_a_lower_target():
    progress = kpi_progress(KpiValue("sales_cycle_days", Decimal(90), Decimal(60), Decimal(75)))

    assert progress.target_change == Decimal(-30)
    assert progress.target_change_percent == Decimal("-33.33333333333333333333333333333333333333")
    assert progress.actual_change == Decimal(-15)
    assert progress.actual_change_percent == Decimal("-16.66666666666666666666666666666666666667")
    assert progress.achievement_percent == Decimal(50)
    assert progress.assessment is None


def test_kpi_progress_with_missing_values_or_zero_baseline():
    progress = kpi_progress(KpiValue("nps", Decimal(0), Decimal(30)))

    assert progress.target_change == Decimal(30)
    assert progress.target_change_percent is None  # no percent change from 0
    assert progress.actual_change is None
    assert progress.achievement_percent is None
    assert kpi_progress(KpiValue("nps", None, None)).target_change is None


def test_ltv_cac_kpi_is_assessed_on_actual_then_target():
    assert kpi_progress(KpiValue("ltv_cac", Decimal(2), Decimal(4))).assessment == "healthy"
    assert kpi_progress(KpiValue("ltv_cac", Decimal(2), Decimal(4), Decimal(6))).assessment == (
        "underinvested"
    )
