"""The results document (method §5): keys, two-decimal strings, null where undefined."""

import json
from decimal import Decimal

from roi.calculation import HEADLINE_KEYS, compute, results_document

from .factories import MONTHLY, apogea, case, cost, gain

REQUIRED_KEYS = {
    "total_costs", "total_gains", "total_gains_unadjusted", "net_gain", "roi_percent",
    "payback_months", "npv", "irr_percent", "discounted_payback_months", "monthly", "horizons",
}


def test_required_keys_and_apogea_figures():
    document = results_document(compute(apogea(12)))

    assert REQUIRED_KEYS <= set(document)
    assert set(HEADLINE_KEYS) == REQUIRED_KEYS - {"monthly", "horizons"}
    assert {key: document[key] for key in ("total_costs", "total_gains", "net_gain",
                                           "roi_percent", "payback_months", "npv")} == {
        "total_costs": "45000.00", "total_gains": "55000.00", "net_gain": "10000.00",
        "roi_percent": "22.22", "payback_months": "9.00", "npv": "10000.00",
    }


def test_monthly_rows():
    monthly = results_document(compute(apogea(12)))["monthly"]

    assert len(monthly) == 12
    assert monthly[0] == {"month": 1, "costs": "31250.00", "gains": "4583.33",
                          "net": "-26666.67", "cumulative": "-26666.67"}
    assert monthly[8]["cumulative"] == "0.00"  # never "-0.00"
    assert monthly[11]["cumulative"] == "10000.00"


def test_horizons_are_keyed_by_strings_with_the_headline_keys():
    horizons = results_document(compute(apogea(12)))["horizons"]

    assert list(horizons) == ["6", "12", "24", "36"]
    assert all(set(figures) == set(HEADLINE_KEYS) for figures in horizons.values())
    assert horizons["24"]["roi_percent"] == "83.33"
    assert horizons["36"]["roi_percent"] == "120.00"
    assert horizons["6"]["payback_months"] is None


def test_undefined_figures_are_null():
    document = results_document(compute(case(12, gains=[gain("productivity", 100)])))

    assert document["roi_percent"] is None
    assert document["irr_percent"] is None
    assert document["payback_months"] == "0.00"

    never = results_document(compute(case(6, costs=[cost("integration", 1000)])))
    assert never["payback_months"] is None
    assert never["discounted_payback_months"] is None
    assert never["roi_percent"] == "-100.00"


def test_document_is_json_serializable_and_carries_the_extras():
    result = compute(apogea(18, discount_rate=Decimal("0.08")))
    document = json.loads(json.dumps(results_document(result)))

    assert document["horizon_months"] == 18
    assert document["currency"] == "EUR"
    assert [row["year"] for row in document["by_year"]["years"]] == [1, 2]
    assert document["by_year"]["present_value"]["net"] == document["npv"]
    assert document["costs_by_post"][0] == {"category": "software", "total": "18000.00",
                                            "total_unadjusted": "18000.00"}
    assert [s["code"] for s in document["scenarios"]] == ["conservative", "expected",
                                                          "optimistic"]
    assert document["scenarios"][0]["gains_factor"] == "0.8"
    assert document["tornado"][0] == {"category": "conversion", "kind": "gain",
                                      "roi_low": "44.57", "roi_high": "69.71", "spread": "25.14"}
    assert {"code": "no_contingency", "params": {}} in document["warnings"]


def test_warning_params_are_strings():
    result = compute(case(12, costs=[cost("software", 1000, MONTHLY)],
                          gains=[gain("productivity", 100)]))
    (tco,) = [w for w in results_document(result)["warnings"] if w["code"] == "tco_below_licences"]

    assert tco["params"] == {"ratio": "1.00", "total_costs": "12000.00",
                             "software_costs": "12000.00"}
