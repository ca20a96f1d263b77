"""The workbook of a tracked case: an actuals sheet whose every formula Calc recomputes to the
stored value, the engine's tracking figures, and live variance formulas (an actual changed in
the spreadsheet moves the variance)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from roi.calculation import Case, LineItem, Recurrence, compute
from roi.documents.workbook import build_workbook
from tests.roi.documents.calc import formula_mismatches, recalculate, stored_values


def item(category, amount, recurrence, *, actuals=(), confidence="1", label=None):
    return LineItem(category=category, label=label or category, amount=D(amount),
                    recurrence=Recurrence(recurrence), confidence=D(confidence),
                    actuals=tuple(actuals))


TRACKED = Case(
    name="Apogea suivi", horizon_months=12, discount_rate=D("0.08"), as_of_month=6,
    costs=(item("software", "12000", "yearly", actuals=[(m, D("1000")) for m in range(1, 7)]),
           item("integration", "18000", "once", actuals=[(1, D("21500"))]),
           item("training", "5000", "once"), item("support", "3000", "yearly"),
           item("internal", "7000", "once"),
           item("support", "0", "monthly", actuals=[(4, D("1200.50"))], label="Non prévu")),
    gains=(item("productivity", "18000", "yearly",
                actuals=[(1, D("1000")), (2, D("1200")), (3, D("1400"))]),
           item("conversion", "22000", "yearly", confidence="0.8"),
           item("marketing", "6000", "yearly"), item("retention", "9000", "yearly")),
)
# Actuals sheet: header row 4, the 6 costs in rows 5..10, the 4 gains in rows 11..14, months
# 1..6 in C..H, then I actual, J plan, K variance, L variance %; totals in rows 16 and 17.
SHEET = "Réels"


def edited(data: bytes, cell: str, value) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book[SHEET][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def books():
    data = build_workbook(TRACKED)
    return {"tracked.xlsx": data, "tracked-edited.xlsx": edited(data, "C6", 18000),
            "plan.xlsx": build_workbook(Case(horizon_months=12, costs=TRACKED.costs[2:5],
                                             gains=TRACKED.gains[2:]))}


@pytest.fixture(scope="module")
def calc(books, tmp_path_factory):
    return recalculate(books, tmp_path_factory.mktemp("calc-tracking"))


def test_every_formula_of_the_tracked_workbook_is_what_calc_computes(books, calc):
    count, mismatches = formula_mismatches(books["tracked.xlsx"], calc["tracked.xlsx"])
    assert count > 0
    assert not mismatches, "\n".join(str(m) for m in mismatches[:20])


def test_the_actuals_sheet_carries_the_engines_tracking(books, calc):
    tracking = compute(TRACKED).tracking
    values = stored_values(calc["tracked.xlsx"])

    def money(cell):
        return D(repr(values[SHEET, cell])).quantize(D("0.01"))

    assert money("K16") == tracking.cost_variance.quantize(D("0.01")) == D("4700.50")
    assert money("I16") == tracking.actual_costs.quantize(D("0.01"))
    assert money("J17") == tracking.plan_gains.quantize(D("0.01"))
    assert money("K17") == tracking.gain_variance.quantize(D("0.01"))
    assert money("I19") == tracking.actual_roi_percent.quantize(D("0.01"))
    # A missing gain actual counts as planned, risk-adjusted: 22 000 / 12 × 0.8.
    assert money("C12") == D("1466.67")
    assert values[SHEET, "I20"] == "ALERTE"  # costs 4 700 over a plan of ~25 500: > 10 %
    assert values[SHEET, "F10"] == 1200.5  # the unplanned line's reported actual, as typed


def test_an_actual_changed_in_the_spreadsheet_moves_the_variance(calc):
    values = stored_values(calc["tracked-edited.xlsx"])
    assert D(repr(values[SHEET, "K7"])) == 0  # the integration back to its 18 000 quote
    assert D(repr(values[SHEET, "K16"])).quantize(D("0.01")) == D("1200.50")
    assert values[SHEET, "I20"] in ("", None)


def test_a_plan_has_no_actuals_sheet(books):
    names = load_workbook(io.BytesIO(books["plan.xlsx"])).sheetnames
    assert SHEET not in names and len(names) == 5
