"""roi_compare: the comparison document of 2 to 4 case files, and a clear refusal of bad input.

No database: the command reads files and computes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

BASE_DIR = Path(__file__).resolve().parents[2]

CURRENT_TOOL = {
    "format": "roi-case/1", "name": "Garder l'outil actuel", "currency": "EUR",
    "horizon_months": 12, "discount_rate": "0",
    "costs": [{"category": "software", "amount": "300", "recurrence": "monthly"},
              {"category": "support", "amount": "100", "recurrence": "monthly"}],
    "gains": [],
}
APOGEA = {
    "format": "roi-case/1", "name": "Apogea – CRM connecté à l'ERP", "currency": "EUR",
    "horizon_months": 12, "discount_rate": "0",
    "costs": [{"category": c, "amount": a, "recurrence": r} for c, a, r in [
        ("software", "12000", "yearly"), ("integration", "18000", "once"),
        ("training", "5000", "once"), ("support", "3000", "yearly"),
        ("internal", "7000", "once")]],
    "gains": [{"category": c, "amount": a, "recurrence": "yearly"} for c, a in [
        ("productivity", "18000"), ("conversion", "22000"), ("marketing", "6000"),
        ("retention", "9000")]],
}


def write(tmp_path: Path, name: str, document) -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document),
                    encoding="utf-8")
    return str(path)


def run_manage(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, input=stdin,
                          capture_output=True, text=True, check=False, env=dict(os.environ))


def compare_files(*paths: str) -> dict:
    out = StringIO()
    call_command("roi_compare", *paths, stdout=out)
    return json.loads(out.getvalue())


def test_roi_compare_prints_the_comparison_document(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    b = write(tmp_path, "B.json", APOGEA)

    result = run_manage("roi_compare", a, b)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format"] == "roi-comparison/1"
    assert [option["name"] for option in document["options"]] == [
        "Garder l'outil actuel", "Apogea – CRM connecté à l'ERP"]
    assert "Apogea – CRM" in result.stdout  # ensure_ascii=False: the dash is written as is
    assert (document["options"][1]["roi_percent"], document["options"][1]["payback_months"]) == (
        "22.22", "9.00")
    assert (document["best_by_npv"], document["best_by_roi"]) == (1, 1)
    assert document["versus_first"][0] is None
    assert {key: document["versus_first"][1][key] for key in (
        "npv_difference", "net_gain_difference", "incremental_payback_months")} == {
        "npv_difference": "14800.00", "net_gain_difference": "14800.00",
        "incremental_payback_months": "8.04"}


def test_four_options_and_standard_input(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    b = write(tmp_path, "B.json", APOGEA)
    unnamed = dict(APOGEA)
    del unnamed["name"]

    result = run_manage("roi_compare", a, b, "-", b, stdin=json.dumps(unnamed))

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    # A case without a name is named after its file.
    assert [option["name"] for option in document["options"]][2] == "-"
    assert document["best_by_npv"] == 1  # three equal NPVs: the first one
    assert len(document["versus_first"]) == 4


def test_output_to_a_json_file(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    b = write(tmp_path, "B.json", APOGEA)
    out = tmp_path / "comparison.json"

    call_command("roi_compare", a, b, "-o", str(out), stdout=StringIO())

    assert json.loads(out.read_text(encoding="utf-8")) == compare_files(a, b)


def test_another_output_kind_or_a_case_file_as_output_is_refused(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    b = write(tmp_path, "B.json", APOGEA)

    with pytest.raises(CommandError, match=r"-o must be a \.json, \.pdf or \.xlsx file, or -"):
        call_command("roi_compare", a, b, "-o", str(tmp_path / "out.txt"))
    with pytest.raises(CommandError, match="refusing to overwrite a case file"):
        call_command("roi_compare", a, b, "-o", b)
    assert json.loads(Path(b).read_text(encoding="utf-8")) == APOGEA


@pytest.mark.parametrize("count", [0, 1, 5])
def test_one_or_more_than_four_files_are_refused(tmp_path, count):
    a = write(tmp_path, "A.json", CURRENT_TOOL)

    with pytest.raises(CommandError) as raised:
        call_command("roi_compare", *[a] * count)

    assert str(raised.value) == (f"give 2 to 4 roi-case/1 files to compare (the reference "
                                 f"first); got {count}.")


def test_every_invalid_file_is_named_with_its_field_errors(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    bad = write(tmp_path, "bad.json", dict(APOGEA, costs=[
        {"category": "software", "amount": "-1", "recurrence": "monthly"}], colour="blue"))
    broken = write(tmp_path, "broken.json", "{not json")

    with pytest.raises(CommandError) as raised:
        call_command("roi_compare", a, bad, broken)

    message = str(raised.value)
    assert f"{bad}: invalid roi-case/1 document" in message
    assert "costs[0].amount: must be >= 0" in message and "colour: unknown key" in message
    assert f"{broken}: invalid roi-case/1 document" in message and "invalid JSON" in message
    assert a not in message


@pytest.mark.parametrize("key,value,expected", [
    ("currency", "USD", "B.json: currency USD differs from the reference A.json (EUR)"),
    ("horizon_months", 24, "B.json: horizon_months 24 differs from the reference A.json (12)"),
    ("discount_rate", "0.05",
     "B.json: discount_rate 0.05 differs from the reference A.json (0)"),
])
def test_a_mismatched_option_is_refused_naming_the_file_and_the_key(tmp_path, monkeypatch, key,
                                                                     value, expected):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "A.json", CURRENT_TOOL)
    write(tmp_path, "B.json", dict(APOGEA, **{key: value}))

    with pytest.raises(CommandError) as raised:
        call_command("roi_compare", "A.json", "B.json")

    assert str(raised.value) == expected


def test_bad_input_exits_non_zero_with_the_message_and_no_traceback(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    usd = write(tmp_path, "B.json", dict(APOGEA, currency="USD", horizon_months=24))
    bad = write(tmp_path, "bad.json", dict(APOGEA, horizon_months=0))

    runs = {
        "mismatch": (run_manage("roi_compare", a, usd),
                     [f"{usd}: currency USD differs from the reference {a} (EUR)",
                      f"{usd}: horizon_months 24 differs from the reference {a} (12)"]),
        "one file": (run_manage("roi_compare", a), ["give 2 to 4 roi-case/1 files"]),
        "invalid": (run_manage("roi_compare", a, bad), [f"{bad}: invalid roi-case/1",
                                                        "horizon_months:"]),
        "missing": (run_manage("roi_compare", a, "/nonexistent/B.json"),
                    ["/nonexistent/B.json: cannot read the file"]),
        "other kind": (run_manage("roi_compare", a, a, "-o", str(tmp_path / "c.txt")),
                       ["-o must be a .json, .pdf or .xlsx file"]),
    }

    for name, (result, messages) in runs.items():
        assert result.returncode != 0, name
        assert result.stdout == "", name
        assert "Traceback" not in result.stderr, name
        for message in messages:
            assert message in result.stderr, (name, result.stderr)
