"""roi_compare -o comparison.pdf / comparison.xlsx: the comparison dossier read back with pypdf,
the workbook recalculated by LibreOffice Calc. No database: the command reads files."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from roi.formats import Formatter
from tests.roi.documents.calc import formula_mismatches, recalculate, stored_values
from tests.roi.documents.test_pdf import normalise, pdf_text
from tests.roi.test_roi_compare import APOGEA, CURRENT_TOOL, run_manage, write

# Seed 001: a standard CRM against a tailor-made one, both over 24 months at 8 %.
SAAS = {
    "format": "roi-case/1", "name": "CRM SaaS milieu de gamme", "currency": "EUR",
    "horizon_months": 12, "discount_rate": "0",
    "costs": [{"category": "software", "label": "Abonnement", "amount": "65", "quantity": "20",
               "recurrence": "monthly"},
              {"category": "integration", "amount": "9000", "recurrence": "once"}],
    "gains": [{"category": "productivity", "amount": "30000", "recurrence": "yearly",
               "ramp_up_months": 3}],
}
ON_PREMISE = {
    "format": "roi-case/1", "name": "CRM sur mesure", "currency": "EUR",
    "horizon_months": 12, "discount_rate": "0",
    "costs": [{"category": "software", "label": "Licence perpétuelle", "amount": "40000",
               "recurrence": "once"},
              {"category": "support", "label": "Maintenance", "amount": "8000",
               "recurrence": "yearly"}],
    "gains": [{"category": "productivity", "amount": "60000", "recurrence": "yearly",
               "confidence": "0.9"}],
}


def options(tmp_path: Path, *, rate: str = "0.08", horizon: int = 24) -> list[str]:
    return [write(tmp_path, f"{name}.json", dict(case, discount_rate=rate, horizon_months=horizon))
            for name, case in (("A", CURRENT_TOOL), ("B", APOGEA), ("C", SAAS),
                               ("D", ON_PREMISE))]


def document(paths: list[str]) -> dict:
    out = StringIO()
    call_command("roi_compare", *paths, stdout=out)
    return json.loads(out.getvalue())


def test_comparison_pdf_carries_every_option_figure_to_the_cent(tmp_path):
    paths = options(tmp_path)
    out = tmp_path / "comparison.pdf"
    call_command("roi_compare", *paths, "-o", str(out), stdout=StringIO())

    text = pdf_text(out.read_bytes())
    expected = document(paths)
    formatter = Formatter(lang="fr", currency="EUR")

    class fmt:  # noqa: N801 - the formatter's strings as pypdf reads them back
        money = staticmethod(lambda value: normalise(formatter.money(value)))
        percent = staticmethod(lambda value: normalise(formatter.percent(value)))
        months = staticmethod(lambda value: normalise(formatter.months(value)))

    for option in expected["options"]:
        assert option["name"] in text
        for key in ("total_costs", "total_gains", "net_gain", "npv"):
            assert fmt.money(Decimal(option[key])) in text, (option["name"], key)
        assert fmt.percent(Decimal(option["roi_percent"])) in text, option["name"]
        for months in ("12", "24", "36"):
            assert fmt.money(Decimal(option["horizons"][months]["npv"])) in text
    for versus in expected["versus_first"][1:]:
        assert fmt.money(Decimal(versus["npv_difference"])) in text
        assert fmt.months(Decimal(versus["incremental_payback_months"])) in text
    # Apogea (seed 000) at 24 months: 83,33 % on the method's reference figures.
    assert "83,33 %" in text
    for title in ("Verdict", "Flux de trésorerie cumulé de chaque option",
                  "Par rapport à la référence", "Coûts par poste sur l’horizon",
                  "Délai de retour incrémental", "licence perpétuelle + maintenance annuelle",
                  "abonnement par utilisateur", "milieu de gamme"):
        assert title.casefold() in text.casefold(), title  # some in small capitals
    best = expected["options"][expected["best_by_npv"]]["name"]
    assert f"« {best} »" in text


def test_the_verdict_says_why_npv_and_roi_rank_differently(tmp_path):
    # A cheap option: high ROI on a small base; the big one creates more value.
    cheap = dict(CURRENT_TOOL, name="Petit outil",
                 gains=[{"category": "productivity", "amount": "9000", "recurrence": "yearly"}])
    paths = [write(tmp_path, "cheap.json", cheap), write(tmp_path, "big.json", APOGEA)]
    # cheap: costs 4 800, gains 9 000 -> 87,5 %; Apogea: 22,22 % but net 10 000 > 4 200.
    out = tmp_path / "c.pdf"
    call_command("roi_compare", paths[1], paths[0], "-o", str(out), stdout=StringIO())
    text = pdf_text(out.read_bytes())
    assert "« Apogea – CRM connecté à l'ERP » crée le plus de valeur" in text
    assert "« Petit outil » a le meilleur ROI (87,50 %)" in text
    assert "un ROI élevé sur une petite base" in text


@pytest.fixture(scope="module")
def workbook_and_calc(tmp_path_factory):
    directory = tmp_path_factory.mktemp("comparison")
    paths = options(directory)
    out = directory / "comparison.xlsx"
    call_command("roi_compare", *paths, "-o", str(out), stdout=StringIO())
    data = out.read_bytes()
    return paths, data, recalculate({"comparison.xlsx": data}, directory)["comparison.xlsx"]


def test_comparison_workbook_has_a_sheet_set_per_option_and_live_formulas(workbook_and_calc):
    paths, data, _calc = workbook_and_calc
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Comparaison"
    for number in range(1, 5):
        assert f"Option {number} – Synthèse" in book.sheetnames
        assert f"Option {number} – Flux mensuels" in book.sheetnames
    sheet = book["Comparaison"]
    formulas = [cell.value for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert any("'Option 2 – Synthèse'!" in formula for formula in formulas)
    assert any("'Option 4 – Flux mensuels'!" in formula for formula in formulas)
    assert any(formula.startswith("=SUMIF('Option 3 – Coûts'!") for formula in formulas)


def test_comparison_workbook_recalculates_to_the_stored_figures(workbook_and_calc):
    paths, data, calc = workbook_and_calc
    count, mismatches = formula_mismatches(data, calc)
    assert count > 1000
    assert mismatches == [], "\n".join(str(m) for m in mismatches[:20])
    # And Calc's own comparison sheet shows the engine's figures, to the cent.
    expected = document(paths)
    values = stored_values(calc)
    row_of = {values["Comparaison", f"A{row}"]: row for row in range(1, 60)
              if ("Comparaison", f"A{row}") in values}
    npv_row = row_of["Valeur actuelle nette (VAN)"]
    payback_row = row_of["Délai de retour incrémental (mois)"]
    for index, column in enumerate("BCDE"):
        option = expected["options"][index]
        assert round(values["Comparaison", f"{column}{npv_row}"], 2) == float(option["npv"])
        versus = expected["versus_first"][index]
        if versus is not None:
            cell = values["Comparaison", f"{column}{payback_row}"]
            wanted = versus["incremental_payback_months"]
            assert (cell == "non atteint") if wanted is None else (
                round(cell, 2) == float(wanted))
    best = row_of["Meilleure VAN"]
    assert values["Comparaison", f"B{best}"] == expected["options"][expected["best_by_npv"]]["name"]


def test_bad_input_for_a_document_exits_non_zero_without_traceback(tmp_path):
    a = write(tmp_path, "A.json", CURRENT_TOOL)
    other_rate = write(tmp_path, "B.json", dict(APOGEA, discount_rate="0.10"))
    for suffix in (".pdf", ".xlsx"):
        out = tmp_path / f"comparison{suffix}"
        result = run_manage("roi_compare", a, other_rate, "-o", str(out))
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert f"{other_rate}: discount_rate 0.10 differs from the reference {a} (0)" in (
            result.stderr)
        assert not out.exists()
