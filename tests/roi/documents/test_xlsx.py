"""The Excel export: live formulas whose stored values are the engine's figures.

The authority is LibreOffice Calc (an independent formula engine, not ours): the module's
workbooks are opened in Calc headless with recalculation forced, once for them all, and every
formula cell's stored value must equal Calc's own result (money to the cent, other figures to
1e-9 relative). The stored values are the engine's (``compute``), so a viewer that does not
recalculate shows the dossier's figures.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import random
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.utils.translation import gettext, override
from openpyxl import load_workbook
from pypdf import PdfReader
from xlsxwriter.worksheet import Worksheet

from checklist.catalogue.loader import catalogue_copy
from checklist.catalogue.models import RECURRENCE_CHOICES, CatalogueVersion
from roi.calculation import (
    COST_CATEGORIES,
    GAIN_CATEGORIES,
    Case,
    LineItem,
    Recurrence,
    compute,
    quantize_money,
)
from roi.documents.workbook import (
    HEADLINE_NAMES,
    CaseLayout,
    CaseSheets,
    FormulaWorksheet,
    build_workbook,
    new_workbook,
    project_workbook,
)
from roi.formats import (
    Formatter,
    excel_money_format,
    excel_percent_format,
    excel_rate_format,
    format_money,
    format_percent,
)
from roi.management.casefile import read_case
from tests.roi.documents.calc import convert, formula_mismatches, recalculate, stored_values

D = Decimal
SHEET_MSGIDS = ["Synthèse", "Hypothèses", "Coûts", "Gains", "Flux mensuels"]
SHEETS_FR = SHEET_MSGIDS
HOSTILE = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
           "=1+1", "\t=2*3", "=cmd|'/c calc'!A1"]
# Every function our formulas may use: none newer than Excel 2007, which is what lets
# FormulaWorksheet skip XlsxWriter's _xlfn. prefixing.
FUNCTIONS = {"IF", "AND", "OR", "NOT", "ISNUMBER", "IFERROR", "MIN", "MAX", "SUM", "SUMPRODUCT",
             "COUNT", "ROUND", "IRR"}


def cost(category: str, amount: str, recurrence: str, **extra) -> LineItem:
    return LineItem(category, extra.pop("label", category), D(amount), Recurrence(recurrence),
                    **extra)


gain = cost


APOGEA = Case(
    horizon_months=12, discount_rate=D("0.10"), name="Apogea PME",
    costs=(cost("software", "12000", "yearly"), cost("integration", "18000", "once"),
           cost("training", "5000", "once"), cost("support", "3000", "yearly"),
           cost("internal", "7000", "once")),
    gains=(gain("productivity", "18000", "yearly"), gain("conversion", "22000", "yearly"),
           gain("marketing", "6000", "yearly"), gain("retention", "9000", "yearly")),
)
JUNTO = Case(
    horizon_months=12, name="Junto",
    costs=(cost("integration", "50000", "once"),),
    gains=(gain("revenue", "200000", "yearly", label="Ventes"),
           gain("steering", "30000", "yearly", label="Réduction des coûts"),
           gain("productivity", "20000", "yearly")),
)
# Every parameter of method §2 at work: quantity, start and end months (one beyond the horizon,
# one after it), ramp-ups, confidence, margin, a one-off gain (no ramp-up), monthly costs.
FEATURES = Case(
    horizon_months=18, discount_rate=D("0.08"), name="Toutes les options",
    costs=(
        cost("software", "40", "monthly", quantity=D("25"), label="Abonnement 25 utilisateurs"),
        cost("integration", "15000.50", "once", start_month=2),
        cost("support", "3600", "yearly", start_month=4, end_month=9),
        cost("transition", "900", "monthly", end_month=40),
        cost("contingency", "2500", "once", start_month=30),
        cost("training", "120", "monthly", quantity=D("2.5"), start_month=3, end_month=3),
    ),
    gains=(
        gain("productivity", "18000", "yearly", start_month=2, ramp_up_months=3,
             confidence=D("0.8")),
        gain("conversion", "22000", "yearly", margin=D("0.5"), confidence=D("0.9")),
        gain("revenue", "1500", "monthly", quantity=D("3"), start_month=5, end_month=14,
             ramp_up_months=4, margin=D("0.35")),
        gain("strategic", "4000", "once", start_month=6, ramp_up_months=5,
             confidence=D("0.5")),
        gain("retention", "700", "monthly", start_month=3, ramp_up_months=1),
    ),
    qualitative_benefits=("Vision client à 360°",),
)
# Issue 9: the dossier says −96,78 % where a recalculating spreadsheet said "n/a" (IRR's
# default start, 10 % a month, never reaches a root that far).
NEGATIVE_IRR = Case(horizon_months=12, name="TRI très négatif",
                    costs=(cost("integration", "90000", "once"),),
                    gains=(gain("productivity", "12045", "yearly", start_month=2),))
# Net flows −400, +600, −900, +600, +600, +600: three sign changes, one IRR.
SIGN_CHANGES = Case(horizon_months=6, name="Trois changements de signe",
                    costs=(cost("integration", "1000", "once"),
                           cost("evolution", "1500", "once", start_month=3)),
                    gains=(gain("productivity", "600", "monthly"),))
# Net flows −100, +230, −132: two IRRs, 10 % and 20 % a month; the method keeps the one nearer
# to 0, and so must the file.
TWO_ROOTS = Case(horizon_months=3, name="Deux TRI",
                 costs=(cost("integration", "100", "once"),
                        cost("evolution", "132", "once", start_month=3)),
                 gains=(gain("productivity", "230", "once", start_month=2),))
NO_COST = Case(horizon_months=6, costs=(), gains=(gain("revenue", "100", "monthly"),))
NOT_REACHED = Case(horizon_months=12, discount_rate=D("0.05"),
                   costs=(cost("integration", "90000", "once"),),
                   gains=(gain("productivity", "12000", "yearly"),))
EMPTY = Case(horizon_months=1, costs=(), gains=())
# Gains 13 000 × 0.7 a year against costs of 9 100 a year: the net is exactly 0 every month
# for the method (payback 0), −1E−13 a month in binary floating point.
ZERO_NET = Case(horizon_months=12, costs=(cost("software", "9100", "yearly"),),
                gains=(gain("productivity", "13000", "yearly", confidence=D("0.7")),))


def large_case(lines: int = 200, seed: int = 20260101) -> Case:
    """``lines`` lines over 60 months with discounting: every recurrence, quantities, start
    and end months, ramp-ups, confidences and margins (seeded)."""
    rng = random.Random(seed)

    def amount(low: int, high: int) -> Decimal:
        return D(rng.randrange(low * 100, high * 100)) / 100

    costs = tuple(
        cost(rng.choice(COST_CATEGORIES), amount(5, 20000), rng.choice(list(Recurrence)),
             label=f"Coût {index}", quantity=D(rng.choice(["1", "3", "2.5", "12"])),
             start_month=(start := rng.randint(1, 24)),
             end_month=rng.choice([None, start + rng.randint(0, 50)]))
        for index in range(lines // 2))
    gains = tuple(
        gain(rng.choice(GAIN_CATEGORIES), amount(50, 30000), rng.choice(list(Recurrence)),
             label=f"Gain {index}", quantity=D(rng.choice(["1", "2", "0.5"])),
             start_month=(start := rng.randint(2, 18)),
             end_month=rng.choice([None, None, start + rng.randint(6, 48)]),
             ramp_up_months=rng.randint(0, 7), confidence=D(rng.randint(40, 100)) / 100,
             margin=rng.choice([None, D("0.35"), D("0.6")]))
        for index in range(lines - lines // 2))
    return Case(horizon_months=60, discount_rate=D("0.08"), name="Grand dossier",
                costs=costs, gains=gains)


def random_cases(count: int = 10, seed: int = 7) -> list[Case]:
    """Small random cases: horizons 1..36, whole or decimal amounts, every parameter."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        def line(categories, *, gains: bool):
            start = rng.randint(1, 14)
            extra = {}
            if gains:
                extra = {"ramp_up_months": rng.choice([0, 1, 2, 3, 5, 7]),
                         "confidence": rng.choice([D("1"), D("0.8"), D("0.55")]),
                         "margin": rng.choice([None, D("0.35"), D("1")])}
            return LineItem(rng.choice(categories), rng.choice(["", "=1+1", "Ligne", "é"]),
                            D(rng.randint(0, 6_000_000)) / 100, rng.choice(list(Recurrence)),
                            quantity=rng.choice([D("1"), D("3"), D("2.5")]), start_month=start,
                            end_month=rng.choice([None, rng.randint(start, 30)]), **extra)

        cases.append(Case(
            horizon_months=rng.randint(1, 36),
            costs=tuple(line(COST_CATEGORIES, gains=False) for _ in range(rng.randint(0, 4))),
            gains=tuple(line(GAIN_CATEGORIES, gains=True) for _ in range(rng.randint(0, 4))),
            discount_rate=rng.choice([D("0"), D("0.1"), D("0.035"), D("-0.02")])))
    return cases


def hostile_case() -> Case:
    return Case(
        horizon_months=3, name=HOSTILE[0],
        costs=tuple(cost("software", "100", "monthly", label=text, assumption=text)
                    for text in HOSTILE),
        gains=(gain("revenue", "1000", "once", label="\x01=2+5\x07", assumption=HOSTILE[1]),),
        qualitative_benefits=tuple(HOSTILE),
    )


CASES = {
    "apogea": APOGEA, "apogea-36": replace(APOGEA, horizon_months=36), "junto": JUNTO,
    "features": FEATURES, "large": large_case(), "negative-irr": NEGATIVE_IRR,
    "sign-changes": SIGN_CHANGES, "two-roots": TWO_ROOTS, "no-cost": NO_COST,
    "not-reached": NOT_REACHED, "empty": EMPTY, "zero-net": ZERO_NET,
    **{f"random-{index}": case for index, case in enumerate(random_cases())},
}
# The licence doubled in the file (Coûts!E4): Calc must find the figures of that case.
EDITED_APOGEA = replace(APOGEA, costs=(replace(APOGEA.costs[0], amount=D("24000")),
                                       *APOGEA.costs[1:]))


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    """``data`` with one input changed, as a user would in a spreadsheet (formulas kept)."""
    book = load_workbook(io.BytesIO(data))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wrong_stored_value() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Test")
    sheet.write_number(0, 0, 2)
    sheet.write_formula(0, 1, "=A1*2", None, 999)
    book.close()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def workbooks() -> dict[str, bytes]:
    books = {f"{name}.xlsx": build_workbook(case) for name, case in CASES.items()}
    books["features-en.xlsx"] = build_workbook(FEATURES, lang="en")
    books["hostile.xlsx"] = build_workbook(hostile_case(), client_name="=1+1",
                                           project_name="@SUM(1)")
    books["apogea-edited.xlsx"] = edited(books["apogea.xlsx"], "Coûts", "E4", 24000)
    books["wrong.xlsx"] = wrong_stored_value()
    books["two-cases.xlsx"] = two_cases()
    return books


@pytest.fixture(scope="module")
def calc(workbooks, tmp_path_factory) -> dict[str, Path]:
    """Calc's recalculated copy of every workbook of the module (one soffice run)."""
    return recalculate(workbooks, tmp_path_factory.mktemp("calc"))


@functools.lru_cache(maxsize=64)
def name_cells(data: bytes) -> dict[str, tuple[str, str]]:
    """Defined name -> (sheet, cell) in a file."""
    names = load_workbook(io.BytesIO(data)).defined_names
    return {name: next((sheet, cell.replace("$", "")) for sheet, cell in names[name].destinations)
            for name in names}


def named(values: dict, data: bytes, name: str):
    """The value of a defined name's cell in ``values`` (stored or Calc's)."""
    return values[name_cells(data)[name]]


def engine_figure(case: Case, key: str):
    value = getattr(compute(case).headline, key)
    if value is None:
        return "non atteint" if key.endswith("payback_months") else "n/a"
    return value


def assert_same_figure(actual, expected, name: str) -> None:
    if isinstance(expected, str):
        assert actual == expected, (name, actual, expected)
    else:
        assert not isinstance(actual, str), (name, actual, expected)
        assert quantize_money(D(repr(actual))) == quantize_money(expected), (
            name, actual, expected)


# --- the checker can fail ------------------------------------------------------------------


def test_calc_recalculates_instead_of_trusting_the_stored_values(workbooks, calc):
    # The stored 999 is wrong on purpose: Calc must compute 4, and the comparison must say so.
    assert stored_values(calc["wrong.xlsx"])["Test", "B1"] == 4
    count, mismatches = formula_mismatches(workbooks["wrong.xlsx"], calc["wrong.xlsx"])
    assert count == 1 and [(m.cell, m.ours, m.calc) for m in mismatches] == [("B1", 999, 4)]


# --- every stored value is Calc's result, and the engine's figure ---------------------------


@pytest.mark.parametrize("name", [*CASES, "features-en", "hostile"])
def test_every_stored_value_is_what_calc_computes(workbooks, calc, name):
    count, mismatches = formula_mismatches(workbooks[f"{name}.xlsx"], calc[f"{name}.xlsx"])
    assert count > 0
    assert not mismatches, "\n".join(str(m) for m in mismatches[:20])


@pytest.mark.parametrize("name", list(CASES))
def test_stored_headline_figures_are_the_engines(workbooks, name):
    data = workbooks[f"{name}.xlsx"]
    stored = stored_values(data)
    for defined_name, key in HEADLINE_NAMES.items():
        assert_same_figure(named(stored, data, defined_name), engine_figure(CASES[name], key),
                           defined_name)


def test_the_large_case_has_every_line_month_as_a_formula(workbooks):
    case = CASES["large"]
    book = load_workbook(io.BytesIO(workbooks["large.xlsx"]))
    monthly = book["Flux mensuels"]
    layout = CaseLayout(case)
    rows = [layout.cost_row(i) for i in range(len(case.costs))] + [
        layout.gain_row(i) for i in range(len(case.gains))]
    for row in rows:
        for month in range(1, case.horizon_months + 1):
            cell = monthly.cell(row=row, column=layout.month_column(month))
            assert cell.data_type == "f", cell.coordinate


# --- reference cases ----------------------------------------------------------------------


def test_apogea_gives_the_seed_figures(workbooks, calc):
    data, values = workbooks["apogea.xlsx"], stored_values(calc["apogea.xlsx"])
    assert quantize_money(D(named(values, data, "ROI_TOTAL_COSTS"))) == D("45000.00")
    assert quantize_money(D(named(values, data, "ROI_TOTAL_GAINS"))) == D("55000.00")
    assert quantize_money(D(named(values, data, "ROI_NET_GAIN"))) == D("10000.00")
    assert quantize_money(D(repr(named(values, data, "ROI_PERCENT")))) == D("22.22")
    assert quantize_money(D(repr(named(values, data, "ROI_PAYBACK_MONTHS")))) == D("9.00")
    # Month 9 of the monthly sheet (column Q): the seed's table, cumulative 0 at month 9.
    column = CaseLayout.M_FIRST_MONTH_COLUMN + 8
    layout = CaseLayout(APOGEA)
    month_9 = {row: values["Flux mensuels", f"Q{row}"] for row in (
        layout.costs_row, layout.gains_row, layout.cumulative_row)}
    assert column == 17
    assert quantize_money(D(repr(month_9[layout.costs_row]))) == D("1250.00")
    assert quantize_money(D(repr(month_9[layout.gains_row]))) == D("4583.33")
    assert abs(month_9[layout.cumulative_row]) < 1e-6
    # The by-year table over 36 months: year 2 has no one-off cost left.
    year_2 = stored_values(calc["apogea-36.xlsx"])
    assert quantize_money(D(repr(year_2["Synthèse", "C24"]))) == D("15000.00")
    assert quantize_money(D(repr(year_2["Synthèse", "D24"]))) == D("55000.00")
    assert quantize_money(D(repr(named(year_2, workbooks["apogea-36.xlsx"],
                                       "ROI_PERCENT")))) == D("120.00")


def test_the_figures_are_live_a_changed_input_gives_the_engines_new_figures(workbooks, calc):
    data = workbooks["apogea-edited.xlsx"]
    values = stored_values(calc["apogea-edited.xlsx"])
    assert quantize_money(D(named(values, data, "ROI_TOTAL_COSTS"))) == D("57000.00")
    assert quantize_money(D(repr(named(values, data, "ROI_PERCENT")))) == D("-3.51")
    for name, key in HEADLINE_NAMES.items():
        assert_same_figure(named(values, data, name), engine_figure(EDITED_APOGEA, key), name)


def test_junto_each_euro_brings_back_five(workbooks, calc):
    data, values = workbooks["junto.xlsx"], stored_values(calc["junto.xlsx"])
    assert quantize_money(D(named(values, data, "ROI_TOTAL_GAINS"))) == D("250000.00")
    assert quantize_money(D(repr(named(values, data, "ROI_PERCENT")))) == D("400.00")


def test_every_parameter_of_the_method(workbooks, calc):
    result = compute(FEATURES)
    assert result.headline.total_gains != result.headline.total_gains_unadjusted
    values = stored_values(calc["features.xlsx"])
    costs = {post.category: post.total for post in result.costs_by_post}
    gains = {post.category: post for post in result.gains_by_post}
    assert quantize_money(D(repr(values["Coûts", "K4"]))) == quantize_money(costs["software"])
    assert values["Coûts", "K8"] == 0  # starts after the horizon
    assert quantize_money(D(repr(values["Gains", "N5"]))) == quantize_money(
        gains["conversion"].total_unadjusted)
    assert quantize_money(D(repr(values["Gains", "O5"]))) == quantize_money(
        gains["conversion"].total)
    # The scenarios table (editable factors) gives the engine's scenario figures.
    for row, scenario in enumerate(result.scenarios, start=30):
        assert quantize_money(D(repr(values["Synthèse", f"G{row}"]))) == quantize_money(
            scenario.headline.roi_percent)
        assert quantize_money(D(repr(values["Synthèse", f"H{row}"]))) == quantize_money(
            scenario.headline.npv)


def test_undefined_figures_are_words(workbooks, calc):
    for name, expected in (("no-cost", {"ROI_PERCENT": "n/a", "ROI_PAYBACK_MONTHS": 0,
                                        "ROI_IRR_PERCENT": "n/a"}),
                           ("not-reached", {"ROI_PAYBACK_MONTHS": "non atteint",
                                            "ROI_DISCOUNTED_PAYBACK_MONTHS": "non atteint"}),
                           ("empty", {"ROI_TOTAL_COSTS": 0, "ROI_NPV": 0, "ROI_PERCENT": "n/a"}),
                           ("zero-net", {"ROI_PAYBACK_MONTHS": 0})):
        data = workbooks[f"{name}.xlsx"]
        for source in (stored_values(data), stored_values(calc[f"{name}.xlsx"])):
            assert {key: named(source, data, key) for key in expected} == expected, name


# --- IRR ----------------------------------------------------------------------------------


def calc_irr(workbooks, calc, name: str):
    return named(stored_values(calc[f"{name}.xlsx"]), workbooks[f"{name}.xlsx"],
                 "ROI_IRR_PERCENT")


def test_an_irr_of_minus_96_78_percent_is_found_by_the_spreadsheet(workbooks, calc):
    engine = compute(NEGATIVE_IRR).headline.irr_percent
    assert quantize_money(engine) == D("-96.78")
    assert quantize_money(D(repr(calc_irr(workbooks, calc, "negative-irr")))) == D("-96.78")
    # The starting point is the engine's monthly rate, an editable cell of the assumptions.
    guess = named(stored_values(workbooks["negative-irr.xlsx"]), workbooks["negative-irr.xlsx"],
                  "ROI_IRR_GUESS")
    assert abs((1 + guess) ** 12 - 1 - float(engine) / 100) < 1e-12


def positive_roots(case: Case) -> list[float]:
    """The IRRs (monthly) of a case's net flows above −99 % a year, by numpy's roots of
    Σ net_m v^m (v = 1 / (1 + i)): an independent count."""
    net = [float(row.net) for row in compute(case).monthly]
    roots = np.roots(list(reversed([0.0, *net])))
    v_max = 100 ** (1 / 12)
    return sorted(1 / root.real - 1 for root in roots
                  if abs(root.imag) < 1e-12 and 0 < root.real < v_max)


def test_several_sign_changes_with_one_irr_give_the_engines_irr(workbooks, calc):
    signs = [row.net > 0 for row in compute(SIGN_CHANGES).monthly if row.net]
    assert sum(a != b for a, b in zip(signs, signs[1:], strict=False)) == 3
    assert len(positive_roots(SIGN_CHANGES)) == 1
    engine = compute(SIGN_CHANGES).headline.irr_percent
    assert quantize_money(D(repr(calc_irr(workbooks, calc, "sign-changes")))) == (
        quantize_money(engine))


def test_with_two_irrs_the_spreadsheet_finds_the_methods_one(workbooks, calc):
    roots = positive_roots(TWO_ROOTS)
    assert [round(root, 9) for root in roots] == [0.1, 0.2]
    engine = compute(TWO_ROOTS).headline.irr_percent
    assert quantize_money(engine) == quantize_money(D(str((1.1 ** 12 - 1) * 100)))
    assert quantize_money(D(repr(calc_irr(workbooks, calc, "two-roots")))) == (
        quantize_money(engine))


# --- languages, catalogue, currency -------------------------------------------------------


def sheet_names(lang: str) -> list[str]:
    with override(lang):
        return [gettext(msgid) for msgid in SHEET_MSGIDS]


def test_english_names_its_sheets_and_words_through_gettext(workbooks):
    book = load_workbook(io.BytesIO(workbooks["features-en.xlsx"]))
    assert book.sheetnames == sheet_names("en")
    costs = book[sheet_names("en")[2]]
    with override("en"):
        once = str(dict(RECURRENCE_CHOICES)["once"])
    assert costs["G5"].value == once  # the word the formulas compare with, in English
    assert "[$-409]" in costs["E4"].number_format  # English separators


def test_project_download_names_posts_from_the_projects_catalogue_version(apogea):
    call_command("load_catalogue", stdout=io.StringIO())
    copy = catalogue_copy(source=CatalogueVersion.current(), version="test-copy")
    copy.posts.filter(code="software").update(title_fr="Licences (version du projet)")
    apogea.catalogue = copy
    apogea.currency = "USD"
    apogea.discount_rate = D("0.10")
    apogea.save()
    data = project_workbook(apogea)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == SHEETS_FR
    assert book["Synthèse"]["B3"].value == "Durand Industrie"
    assert book["Synthèse"]["B4"].value == "CRM connecté à l’ERP"
    assert book["Coûts"]["C4"].value == "Licences (version du projet)"
    # The project's currency, formatted by roi.formats, on every amount.
    assert book["Coûts"]["E4"].number_format == excel_money_format("USD", lang="fr")
    assert book["Synthèse"]["B11"].number_format == excel_money_format("USD", lang="fr")
    stored = stored_values(data)
    assert quantize_money(D(repr(named(stored, data, "ROI_PERCENT")))) == D("22.22")
    assert quantize_money(D(repr(named(stored, data, "ROI_NPV")))) == quantize_money(
        compute(replace(APOGEA, currency="USD")).headline.npv)

    apogea.language = "en"
    apogea.save()
    assert load_workbook(io.BytesIO(project_workbook(apogea))).sheetnames == sheet_names("en")


def test_money_reads_the_french_way_in_calc_with_no_cell_too_narrow(workbooks, tmp_path):
    pdf = convert({"apogea.xlsx": workbooks["apogea.xlsx"]}, tmp_path, "pdf")["apogea.xlsx"]
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "###" not in text
    for figure in ("45 000,00 €", "10 000,00 €", "22,22 %", "10,00 %", "9,00"):
        assert figure in text.replace("\u202f", " ").replace("\u00a0", " "), figure


def test_the_number_formats_show_what_the_formatter_writes(tmp_path):
    """Each Excel format of roi.formats, rendered by Calc, reads like format_money /
    format_percent / Formatter.rate (Calc groups French thousands with a no-break space where
    the formatter uses a narrow one: the grouping is the viewer's)."""
    samples = []
    for lang in ("fr", "en"):
        for currency in ("EUR", "USD", "GBP", "CHF"):
            for value in ("45000", "-10000.5", "0"):
                samples.append((excel_money_format(currency, lang=lang), value,
                                format_money(D(value), currency, lang=lang)))
        for value in ("22.2222", "-3.5"):
            samples.append((excel_percent_format(lang=lang), value,
                            format_percent(D(value), lang=lang)))
        samples.append((excel_rate_format(lang=lang), "0.08",
                        Formatter(lang=lang).rate(D("0.08"))))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for row, (number_format, value, _) in enumerate(samples):
        sheet.write_number(row, 0, float(value), book.add_format({"num_format": number_format}))
    book.close()
    shown = convert({"formats.xlsx": buffer.getvalue()}, tmp_path, "csv")["formats.xlsx"]
    with shown.open(encoding="utf-8", newline="") as handle:
        texts = [row[0] for row in csv.reader(handle)]
    assert texts == [expected.replace("\u202f", "\u00a0") for _, _, expected in samples]


# --- what the file is made of --------------------------------------------------------------


def test_hostile_text_stays_text(workbooks, calc):
    data = workbooks["hostile.xlsx"]
    book = load_workbook(io.BytesIO(data))
    seen = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    # Our formulas only: none carries a user's text.
                    assert "HYPERLINK" not in cell.value and "cmd" not in cell.value
                    assert "SUM(1)" not in cell.value and "2+5" not in cell.value
                elif isinstance(cell.value, str) and cell.value in HOSTILE + ["=1+1",
                                                                             "@SUM(1)", "=2+5"]:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen.add(cell.value)
    assert seen == set(HOSTILE) | {"=2+5"}  # control characters dropped, text kept
    assert book["Synthèse"]["B3"].value == "=1+1"
    assert book["Synthèse"]["B4"].value == "@SUM(1)"
    # Calc reads them back as the same strings, not as results.
    values = stored_values(calc["hostile.xlsx"])
    assert [values["Coûts", f"D{row}"] for row in range(4, 4 + len(HOSTILE))] == HOSTILE
    assert values["Synthèse", "B3"] == "=1+1"
    assert values["Gains", "D4"] == "=2+5"


def test_defined_names_inputs_and_formulas(workbooks):
    book = load_workbook(io.BytesIO(workbooks["features.xlsx"]))
    assert book.sheetnames == SHEETS_FR
    for name in [*HEADLINE_NAMES, "ROI_HORIZON", "ROI_DISCOUNT_RATE", "ROI_IRR_GUESS"]:
        assert name in book.defined_names, name  # workbook-scoped
    for name in HEADLINE_NAMES:
        ((sheet, coordinate),) = book.defined_names[name].destinations
        assert sheet == "Synthèse"
        assert book[sheet][coordinate.replace("$", "")].data_type == "f"
    ((sheet, coordinate),) = book.defined_names["ROI_HORIZON"].destinations
    assert (sheet, book[sheet][coordinate.replace("$", "")].value) == ("Hypothèses", 18)

    costs = book["Coûts"]
    amounts = [costs.cell(row=4 + i, column=5) for i in range(len(FEATURES.costs))]
    assert all(cell.data_type == "n" for cell in amounts)
    assert [D(str(cell.value)) for cell in amounts] == [item.amount for item in FEATURES.costs]
    assert costs["F4"].value == 25 and costs["I5"].value is None  # blank end = horizon
    assert costs["I6"].value == 9
    assert re.fullmatch(r"=SUM\('Flux mensuels'!\$I\$\d+:\$Z\$\d+\)", costs["K4"].value)
    gains = book["Gains"]
    assert gains["K4"].value == 0.8 and gains["L4"].value is None and gains["L5"].value == 0.5
    assert book["Coûts"].data_validations.dataValidation[0].formula1 == (
        '"' + ",".join(str(label) for _, label in RECURRENCE_CHOICES) + '"')

    # Only functions of Excel 2007 (see FormulaWorksheet), and every month of a line is one.
    used = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", cell.value))
    assert used <= FUNCTIONS, used - FUNCTIONS
    assert hasattr(Worksheet, "_prepare_formula")  # the hook FormulaWorksheet replaces


def test_the_fast_formula_row_writes_what_xlsxwriter_writes():
    """FormulaWorksheet's fast path (used for the 120 000 line-month cells of a large file)
    gives the very bytes of XlsxWriter's own write_formula."""

    def sheet_xml(fast: bool) -> bytes:
        buffer = io.BytesIO()
        book = new_workbook(buffer)
        sheet = book.add_worksheet("Flux", worksheet_class=FormulaWorksheet if fast else None)
        money = book.add_format({"num_format": excel_money_format("EUR")})
        formulas = ["=(I$3>=$D17)*(I$3<=$E17)*$F17", '=IF(A1&"x"<>"",1,0)', "=SUM(A1:A3)",
                    "=MIN(1,(K$3-$D17+1)/$G17)"]
        values = [1500.0, 0.1 + 0.2, -12.5, 1 / 3]
        if fast:
            sheet.write_formula_row(16, 8, formulas, money, values)
        else:
            for offset, (formula, value) in enumerate(zip(formulas, values, strict=True)):
                sheet.write_formula(16, 8 + offset, formula, money, value)
        sheet.write_formula(17, 0, "=A1", None, "texte")  # not a fast-path cell
        book.close()
        return zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")

    assert sheet_xml(fast=True) == sheet_xml(fast=False)


def two_cases() -> bytes:
    """Later sheets (options compared, tracking) write a case's sheets into their own
    workbook, with their own sheet and name prefixes, and point at its figures."""
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    first = CaseSheets(book, APOGEA, sheet_prefix="A – ", name_prefix="OPT1_").write()
    second = CaseSheets(book, JUNTO, sheet_prefix="B – ", name_prefix="OPT2_",
                        styles=first.styles).write()
    summary = book.add_worksheet("Comparaison")
    summary.write_formula(0, 0, f"={second.headline_ref('npv')}-{first.headline_ref('npv')}",
                          None, float(compute(JUNTO).headline.npv - compute(APOGEA).headline.npv))
    book.close()
    return buffer.getvalue()


def test_case_sheets_share_a_workbook_under_prefixes(workbooks, calc):
    data = workbooks["two-cases.xlsx"]
    assert load_workbook(io.BytesIO(data)).sheetnames == [
        *(f"A – {name}" for name in SHEETS_FR), *(f"B – {name}" for name in SHEETS_FR),
        "Comparaison"]
    count, mismatches = formula_mismatches(data, calc["two-cases.xlsx"])
    assert count > 0 and not mismatches, mismatches[:5]
    values = stored_values(calc["two-cases.xlsx"])
    assert_same_figure(named(values, data, "OPT2_PERCENT"),
                       compute(JUNTO).headline.roi_percent, "OPT2_PERCENT")
    assert_same_figure(values["Comparaison", "A1"],
                       compute(JUNTO).headline.npv - compute(APOGEA).headline.npv, "A1")
    with pytest.raises(ValueError, match="defined-name prefix"):
        CaseSheets(new_workbook(io.BytesIO()), APOGEA, name_prefix="1 bad")


# --- the command line ----------------------------------------------------------------------


CASE_DOCUMENT = {
    "format": "roi-case/1", "name": "PME industrielle – CRM connecté à l'ERP",
    "horizon_months": 12, "discount_rate": "0.10",
    "costs": [{"category": "software", "label": "Abonnement 25 utilisateurs", "amount": "40",
               "quantity": "25", "recurrence": "monthly"},
              {"category": "integration", "amount": "18000", "recurrence": "once"}],
    "gains": [{"category": "productivity", "label": "Relances automatisées",
               "amount": "18000", "recurrence": "yearly", "start_month": 2,
               "ramp_up_months": 3, "confidence": "0.8"},
              {"category": "conversion", "amount": "22000", "recurrence": "yearly",
               "margin": "0.5"}],
}


def test_command_writes_the_workbook_of_an_interchange_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE_DOCUMENT), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    call_command("roi_xlsx", str(path), "-o", str(out), stdout=io.StringIO())
    data = out.read_bytes()
    stored = stored_values(data)
    case = read_case(str(path))
    for name, key in HEADLINE_NAMES.items():
        assert_same_figure(named(stored, data, name), engine_figure(case, key), name)
    book = load_workbook(out)
    assert book["Synthèse"]["B4"].value == CASE_DOCUMENT["name"]
    # Posts named from the catalogue file shipped with the code (no database).
    assert book["Coûts"]["C4"].value == "Logiciel CRM"

    # Default output: the case file's name with .xlsx; --lang en.
    call_command("roi_xlsx", str(path), "--lang", "en", stdout=io.StringIO())
    assert load_workbook(tmp_path / "case.xlsx").sheetnames == sheet_names("en")


def test_command_reads_standard_input(tmp_path, monkeypatch):
    out = tmp_path / "stdin.xlsx"
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(CASE_DOCUMENT).encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    call_command("roi_xlsx", "-", "-o", str(out), stdout=io.StringIO())
    assert load_workbook(out).sheetnames == SHEETS_FR


@pytest.mark.parametrize("content,arguments,message", [
    ("{not json", ["-o", "x.xlsx"], "invalid JSON"),
    (json.dumps(dict(CASE_DOCUMENT, horizon_months=0)), ["-o", "x.xlsx"], "horizon_months"),
    (json.dumps(dict(CASE_DOCUMENT, costs=[{"category": "software", "amount": "-1",
                                            "recurrence": "monthly"}])), ["-o", "x.xlsx"],
     "costs[0].amount: must be >= 0"),
    (json.dumps(CASE_DOCUMENT), ["-o", "-"], "binary"),
    (json.dumps(CASE_DOCUMENT), ["-o", "case.json"], "refusing to overwrite"),
])
def test_command_refuses_bad_input_with_a_clear_message(tmp_path, monkeypatch, content,
                                                       arguments, message):
    monkeypatch.chdir(tmp_path)
    Path("case.json").write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("roi_xlsx", "case.json", *arguments, stdout=io.StringIO())
    assert not Path("x.xlsx").exists()


def test_command_needs_an_output_for_standard_input_and_an_existing_file(tmp_path):
    with pytest.raises(CommandError, match="-o OUT.xlsx is required"):
        call_command("roi_xlsx", "-", stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("roi_xlsx", str(tmp_path / "missing.json"), stdout=io.StringIO())
