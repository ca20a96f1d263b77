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


@pytest.mark.django_db
def test_roi_import_then_roi_export_round_trips_the_tracking(tmp_path, world):
    """A followed case stored as a project and exported again: as_of_month and every actual
    come back as they were, and the project's case gives the same tracking object."""
    from roi.models import RoiProject

    document = json.loads(json.dumps(APOGEA_AT_MONTH_6))
    document["gains"][0]["actuals"] = {"2": "1200.5", "3": "0"}
    for index, line in enumerate([*document["costs"], *document["gains"]]):
        line["label"] = f"Ligne {index + 1}"  # an unnamed line is imported as "—"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    call_command("roi_import", str(source), "--client", str(world.client.pk), stdout=StringIO())
    project = RoiProject.objects.latest("pk")
    out = tmp_path / "out.json"
    call_command("roi_export", str(project.pk), "--output", str(out), stdout=StringIO())
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["as_of_month"] == 6
    assert exported["costs"][1]["actuals"] == {"1": "21500"}
    assert exported["gains"][0]["actuals"] == {"2": "1200.5", "3": "0"}
    after, before = (roi_compute(tmp_path, d)["tracking"] for d in (exported, document))
    # The project lists its lines in the checklist's post order (retention before marketing).
    lines_after, lines_before = (sorted(({k: v for k, v in line.items() if k != "index"}
                                         for line in t.pop("lines")), key=lambda x: x["label"])
                                 for t in (after, before))
    assert after == before and lines_after == lines_before


@pytest.mark.django_db
def test_roi_import_names_the_actual_it_cannot_store(tmp_path, world):
    """The product stores actuals to the cent: a finer one is refused with its path."""
    document = json.loads(json.dumps(APOGEA_AT_MONTH_6))
    document["gains"][2]["actuals"] = {"6": "1000.005"}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("roi_import", str(source), "--client", str(world.client.pk),
                     stdout=StringIO())
    assert "\ngains[2].actuals.6: " in str(raised.value)
