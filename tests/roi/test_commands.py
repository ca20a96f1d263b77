"""roi_compute, roi_import and roi_export: the results document, clean errors, round trips."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from roi.calculation import compute, parse_case, results_document
from roi.models import RoiProject
from roi.projects.cases import project_case

BASE_DIR = Path(__file__).resolve().parents[2]

APOGEA = {
    "format": "roi-case/1", "name": "PME industrielle – CRM connecté à l'ERP",
    "currency": "EUR", "horizon_months": 12, "discount_rate": "0.10",
    "costs": [
        {"category": "software", "label": "Abonnement 25 utilisateurs", "amount": "40",
         "quantity": "25", "recurrence": "monthly", "start_month": 1, "end_month": None},
        {"category": "integration", "label": "Intégration", "amount": "18000",
         "recurrence": "once"},
        {"category": "training", "label": "Formation", "amount": "5000", "recurrence": "once"},
        {"category": "support", "label": "Support", "amount": "3000", "recurrence": "yearly"},
        {"category": "internal", "label": "Temps interne", "amount": "7000",
         "recurrence": "once"},
    ],
    "gains": [
        {"category": "productivity", "label": "Relances automatisées", "amount": "18000",
         "recurrence": "yearly", "start_month": 2, "ramp_up_months": 3, "confidence": "0.8"},
        {"category": "conversion", "label": "Conversion", "amount": "22000",
         "recurrence": "yearly", "margin": "0.5"},
    ],
    "qualitative_benefits": ["Vision client à 360°"],
    "kpis": [{"code": "cac", "baseline": "1200", "target": "900"}],
}

REQUIRED = {"total_costs", "total_gains", "total_gains_unadjusted", "net_gain", "roi_percent",
            "payback_months", "npv", "irr_percent", "discounted_payback_months", "monthly",
            "horizons"}


def run_manage(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it: a separate process, its exit code and its output."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, input=stdin,
                          capture_output=True, text=True, check=False, env=dict(os.environ))


def test_roi_compute_prints_the_results_document(tmp_path):
    case = dict(APOGEA, costs=[
        {"category": "software", "amount": "12000", "recurrence": "yearly"},
        {"category": "integration", "amount": "18000", "recurrence": "once"},
        {"category": "training", "amount": "5000", "recurrence": "once"},
        {"category": "support", "amount": "3000", "recurrence": "yearly"},
        {"category": "internal", "amount": "7000", "recurrence": "once"}], gains=[
        {"category": c, "amount": a, "recurrence": "yearly"}
        for c, a in [("productivity", "18000"), ("conversion", "22000"),
                     ("marketing", "6000"), ("retention", "9000")]],
        kpis=[], discount_rate="0")
    path = tmp_path / "apogea.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    result = run_manage("roi_compute", str(path))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert REQUIRED <= set(document)
    assert (document["total_costs"], document["total_gains"], document["net_gain"],
            document["roi_percent"], document["payback_months"]) == (
        "45000.00", "55000.00", "10000.00", "22.22", "9.00")
    assert document["horizons"]["24"]["roi_percent"] == "83.33"
    assert document["horizons"]["36"]["roi_percent"] == "120.00"
    assert len(document["monthly"]) == 12
    assert document["monthly"][8] == {"month": 9, "costs": "1250.00", "gains": "4583.33",
                                      "net": "3333.33", "cumulative": "0.00"}


def test_roi_compute_reads_standard_input():
    result = run_manage("roi_compute", "-", stdin=json.dumps(
        {"format": "roi-case/1", "horizon_months": 12, "costs": [],
         "gains": [{"category": "revenue", "amount": "100", "recurrence": "monthly"}]}))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["roi_percent"] is None and document["total_gains"] == "1200.00"


@pytest.mark.parametrize("content,message", [
    ("{not json", "invalid JSON"),
    (json.dumps(dict(APOGEA, costs=[{"category": "software", "amount": "-1",
                                     "recurrence": "monthly"}])),
     "costs[0].amount: must be >= 0"),
    (json.dumps(dict(APOGEA, colour="blue")), "colour: unknown key"),
    (json.dumps({"format": "roi-case/2"}), "format"),
])
def test_roi_compute_refuses_bad_input_cleanly(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run_manage("roi_compute", str(path))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_roi_compute_missing_file_is_a_clear_error():
    result = run_manage("roi_compute", "/nonexistent/case.json")
    assert result.returncode != 0
    assert "cannot read the file" in result.stderr and "Traceback" not in result.stderr


def test_import_then_export_round_trip_gives_identical_figures(world, tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(APOGEA), encoding="utf-8")
    call_command("roi_import", str(path), "--client", str(world.client.pk))
    project = RoiProject.objects.get(name=APOGEA["name"])
    assert project.client == world.client
    assert project.line_items.count() == 7
    assert list(project.qualitative_benefits.values_list("text", flat=True)) == [
        "Vision client à 360°"]
    out = tmp_path / "out.json"
    call_command("roi_export", str(project.pk), "-o", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    original = results_document(compute(parse_case(APOGEA)))
    assert results_document(compute(parse_case(exported))) == original
    assert results_document(compute(project_case(project))) == original
    assert exported["costs"][0]["amount"] == "40" and exported["costs"][0]["quantity"] == "25"


def test_import_into_unknown_client_is_refused(db, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(APOGEA), encoding="utf-8")
    with pytest.raises(CommandError, match="no such client"):
        call_command("roi_import", str(path), "--client", "999999")


def test_export_unknown_project_is_refused(db):
    with pytest.raises(CommandError, match="no such project"):
        call_command("roi_export", "999999")
