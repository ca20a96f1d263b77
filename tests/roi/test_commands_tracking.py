"""roi_compute on a followed case (method §6): the results document carries ``tracking``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

# The worked example of method §6: Apogea at month 6, the integration invoiced 21 500.
APOGEA_AT_MONTH_6 = {
    "format": "roi-case/1", "horizon_months": 12, "as_of_month": 6,
    "costs": [
        {"category": "software", "amount": "12000", "recurrence": "yearly"},
        {"category": "integration", "amount": "18000", "recurrence": "once",
         "actuals": {"1": "21500"}},
        {"category": "training", "amount": "5000", "recurrence": "once"},
        {"category": "support", "amount": "3000", "recurrence": "yearly"},
        {"category": "internal", "amount": "7000", "recurrence": "once"},
    ],
    "gains": [{"category": category, "amount": amount, "recurrence": "yearly"}
              for category, amount in [("productivity", "18000"), ("conversion", "22000"),
                                       ("marketing", "6000"), ("retention", "9000")]],
}


def roi_compute(tmp_path, document: dict) -> dict:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = StringIO()
    call_command("roi_compute", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_roi_compute_prints_the_tracking_object(tmp_path):
    document = roi_compute(tmp_path, APOGEA_AT_MONTH_6)

    tracking = document["tracking"]
    assert {key: tracking[key] for key in (
        "as_of_month", "plan_costs", "actual_costs", "cost_variance", "gain_variance",
        "missing_actuals")} == {
        "as_of_month": 6, "plan_costs": "37500.00", "actual_costs": "41000.00",
        "cost_variance": "3500.00", "gain_variance": "0.00", "missing_actuals": 38}
    assert tracking["reforecast"]["roi_percent"] == "13.40"
    assert tracking["reforecast"]["total_costs"] == "48500.00"
    assert set(tracking["reforecast"]) == {
        "total_costs", "total_gains", "net_gain", "roi_percent", "payback_months", "npv",
        "irr_percent", "discounted_payback_months"}
    # The plan's own figures are unchanged by the tracking.
    assert document["roi_percent"] == "22.22"


def test_roi_compute_prints_null_tracking_for_a_plan(tmp_path):
    plan = {key: value for key, value in APOGEA_AT_MONTH_6.items() if key != "as_of_month"}
    plan["costs"] = [{k: v for k, v in line.items() if k != "actuals"} for line in plan["costs"]]

    assert roi_compute(tmp_path, plan)["tracking"] is None


def test_roi_compute_refuses_an_actual_after_as_of_month(tmp_path):
    bad = json.loads(json.dumps(APOGEA_AT_MONTH_6))
    bad["as_of_month"] = 2
    bad["costs"][1]["actuals"] = {"1": "21500", "5": "100"}

    with pytest.raises(CommandError) as raised:
        roi_compute(tmp_path, bad)

    assert str(raised.value).endswith("costs[1].actuals.5: month after as_of_month 2")
