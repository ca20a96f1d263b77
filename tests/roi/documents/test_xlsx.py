"""The Excel export: an independent formula engine must find the method's figures in it.

``formulas`` (a Python re-implementation of Excel's calculation, not ours) loads each workbook,
computes every formula and the defined names are compared with ``compute(case)``. Nothing in
the file is a pasted figure, so this checks the formulas themselves. The formula engine is slow
(seconds per workbook): each evaluated workbook checks as much as it can.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import formulas
import pytest
from django.core.management import CommandError, call_command
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from roi.calculation import (
    COST_CATEGORIES,
    GAIN_CATEGORIES,
    Case,
    LineItem,
    Recurrence,
    compute,
    quantize_money,
)
from roi.documents.workbook import HEADLINE_NAMES, build_workbook, project_workbook
from roi.management.casefile import read_case

# formulas' own modules raise SyntaxWarnings when it imports them lazily: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

D = Decimal
SHEETS_FR = ["Synthèse", "Hypothèses", "Coûts", "Gains", "Flux mensuels"]
SHEETS_EN = ["Summary", "Assumptions", "Costs", "Gains", "Monthly flows"]
HOSTILE = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
           "=1+1", "\t=2*3", "=cmd|'/c calc'!A1"]
CENT = D("0.001")  # closer than a tenth of a cent: the same figure to the cent


def cost(category: str, amount: str, recurrence: str, **extra) -> LineItem:
    return LineItem(category, extra.pop("label", category), D(amount), Recurrence(recurrence),
                    **extra)


def gain(category: str, amount: str, recurrence: str, **extra) -> LineItem:
    return cost(category, amount, recurrence, **extra)


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


# --- evaluation with the independent engine ------------------------------------------------


@dataclass
class Evaluated:
    """A workbook computed by ``formulas``: values by defined name or by cell."""

    model: formulas.ExcelModel
    solution: dict
    book: str

    def name(self, name: str):
        return _scalar(self.solution[f"'[{self.book}]'!{name}"])

    def cell(self, sheet: str, coordinate: str):
        return _scalar(self.solution[f"'[{self.book}]{sheet.upper()}'!{coordinate}"])

    def recalculate(self, changes: dict[tuple[str, str], object]) -> Evaluated:
        inputs = {f"'[{self.book}]{sheet.upper()}'!{coordinate}": value
                  for (sheet, coordinate), value in changes.items()}
        return Evaluated(self.model, self.model.calculate(inputs=inputs), self.book)


def _scalar(ranges):
    value = ranges.value[0, 0]
    if isinstance(value, str):  # also XlError (a str subclass): "#NUM!", "#DIV/0!"…
        return str(value)
    return Decimal(repr(float(value)))


def evaluate(data: bytes, directory: Path, book: str = "case.xlsx") -> Evaluated:
    path = directory / book
    path.write_bytes(data)
    model = formulas.ExcelModel().loads(str(path)).finish()
    return Evaluated(model, model.calculate(), book)


def assert_method_figures(evaluated: Evaluated, case: Case, *, lang: str = "fr") -> None:
    """Every headline name equals the engine's figure; undefined figures are words."""
    result = compute(case)
    headline = result.headline
    not_reached = {"fr": "non atteint", "en": "not reached"}[lang]
    for name, key in HEADLINE_NAMES.items():
        if key == "irr_percent" and sign_changes([row.net for row in result.monthly]) > 1:
            # Several sign changes can mean several IRRs: the method keeps the one above
            # −99 %, Excel's IRR returns whichever root its iteration meets. Only a unique
            # root is comparable (Descartes' rule of signs).
            continue
        expected = getattr(headline, key)
        actual = evaluated.name(name)
        if expected is None:
            words = not_reached if key.endswith("payback_months") else "n/a"
            assert actual == words, (name, actual)
        else:
            assert not isinstance(actual, str), (name, actual, expected)
            # An IRR can be huge (a tiny outlay returning a lot in a few months): there only
            # relative precision means something.
            tolerance = max(CENT, abs(expected) * D("1E-9")) if key == "irr_percent" else CENT
            assert abs(actual - expected) < tolerance, (name, actual, expected)


def sign_changes(values) -> int:
    signs = [value > 0 for value in values if value != 0]
    return sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)


def build_and_evaluate(case: Case, directory: Path, *, lang: str = "fr") -> Evaluated:
    evaluated = evaluate(build_workbook(case, lang=lang), directory, f"case-{lang}.xlsx")
    assert_method_figures(evaluated, case, lang=lang)
    return evaluated


def money(value: Decimal) -> Decimal:
    return quantize_money(value)


# --- the reference cases -------------------------------------------------------------------


def test_apogea_gives_the_seed_figures_and_follows_a_change(tmp_path):
    evaluated = build_and_evaluate(APOGEA, tmp_path)
    assert money(evaluated.name("ROI_TOTAL_COSTS")) == D("45000.00")
    assert money(evaluated.name("ROI_TOTAL_GAINS")) == D("55000.00")
    assert money(evaluated.name("ROI_NET_GAIN")) == D("10000.00")
    assert money(evaluated.name("ROI_PERCENT")) == D("22.22")
    assert money(evaluated.name("ROI_PAYBACK_MONTHS")) == D("9.00")
    assert money(evaluated.name("ROI_NPV")) == money(compute(APOGEA).headline.npv)
    # Month 9 of the monthly sheet: the seed's table (cumulative 0 at month 9).
    assert money(evaluated.cell("Flux mensuels", "L5")) == D("1250.00")
    assert money(evaluated.cell("Flux mensuels", "L6")) == D("4583.33")
    assert abs(evaluated.cell("Flux mensuels", "L9")) < CENT
    # The figures are live: a CFO doubling the licence in Excel sees every figure follow.
    changed = evaluated.recalculate({("Coûts", "E4"): 24000})
    assert money(changed.name("ROI_TOTAL_COSTS")) == D("57000.00")
    assert money(changed.name("ROI_PERCENT")) == D("-3.51")  # (55 000 − 57 000) / 57 000


@pytest.mark.parametrize("horizon,roi", [(36, "120.00")])
def test_apogea_over_36_months(tmp_path, horizon, roi):
    case = replace(APOGEA, horizon_months=horizon)
    evaluated = build_and_evaluate(case, tmp_path)
    assert money(evaluated.name("ROI_PERCENT")) == D(roi)
    # The by-year table: year 2 of Apogea has no one-off cost left.
    assert money(evaluated.cell("Synthèse", "C24")) == D("15000.00")
    assert money(evaluated.cell("Synthèse", "D24")) == D("55000.00")


def test_junto_each_euro_brings_back_five(tmp_path):
    evaluated = build_and_evaluate(JUNTO, tmp_path)
    assert money(evaluated.name("ROI_TOTAL_GAINS")) == D("250000.00")
    assert money(evaluated.name("ROI_PERCENT")) == D("400.00")


def test_every_parameter_of_the_method_in_french_and_english(tmp_path):
    result = compute(FEATURES)
    assert result.headline.total_gains != result.headline.total_gains_unadjusted
    evaluated = build_and_evaluate(FEATURES, tmp_path)
    # Line totals (formulas on the costs and gains sheets) match the engine's post totals.
    costs = {post.category: post.total for post in result.costs_by_post}
    assert abs(evaluated.cell("Coûts", "K4") - costs["software"]) < CENT  # 40 × 25 × 18
    assert money(evaluated.cell("Coûts", "K8")) == D("0.00")  # starts after the horizon
    gains = {post.category: post for post in result.gains_by_post}
    assert abs(evaluated.cell("Gains", "N5") - gains["conversion"].total_unadjusted) < CENT
    assert abs(evaluated.cell("Gains", "O5") - gains["conversion"].total) < CENT
    # The scenarios table (editable factors) gives the engine's scenario figures.
    for row, scenario in enumerate(result.scenarios, start=30):
        assert abs(evaluated.cell("Synthèse", f"G{row}")
                   - scenario.headline.roi_percent) < CENT
        assert abs(evaluated.cell("Synthèse", f"H{row}") - scenario.headline.npv) < CENT

    # English: other sheet names and recurrence words, which the formulas must follow.
    english = build_and_evaluate(FEATURES, tmp_path, lang="en")
    assert english.cell("Costs", "G5") == "once"
    assert abs(english.cell("Costs", "K4") - costs["software"]) < CENT


def test_no_cost_and_no_payback_are_words_not_crashes(tmp_path):
    no_cost = Case(horizon_months=6, costs=(), gains=(gain("revenue", "100", "monthly"),))
    evaluated = build_and_evaluate(no_cost, tmp_path)
    assert evaluated.name("ROI_PERCENT") == "n/a"
    assert evaluated.name("ROI_PAYBACK_MONTHS") == 0
    assert evaluated.name("ROI_IRR_PERCENT") == "n/a"

    losing = Case(horizon_months=12, discount_rate=D("0.05"),
                  costs=(cost("integration", "90000", "once"),),
                  gains=(gain("productivity", "12000", "yearly"),))
    evaluated = build_and_evaluate(losing, tmp_path)
    assert evaluated.name("ROI_PAYBACK_MONTHS") == "non atteint"
    assert evaluated.name("ROI_DISCOUNTED_PAYBACK_MONTHS") == "non atteint"

    empty = Case(horizon_months=1, costs=(), gains=())
    evaluated = build_and_evaluate(empty, tmp_path)
    assert evaluated.name("ROI_TOTAL_COSTS") == 0 and evaluated.name("ROI_NPV") == 0


def test_payback_is_the_first_return_even_if_the_cumulative_dips_again(tmp_path):
    # Cumulative: −400, +200, −700, −100, +500, +1100: paid back in month 2 (1 + 400 / 600).
    case = Case(horizon_months=6,
                costs=(cost("integration", "1000", "once"),
                       cost("evolution", "1500", "once", start_month=3)),
                gains=(gain("productivity", "600", "monthly"),))
    evaluated = build_and_evaluate(case, tmp_path)
    assert money(evaluated.name("ROI_PAYBACK_MONTHS")) == D("1.67")


def test_a_cumulative_that_is_exactly_zero_is_not_negative(tmp_path):
    # Gains 13 000 × 0.7 a year against costs of 9 100 a year: the net is exactly 0 every
    # month for the method (payback 0), −1E−13 a month in binary floating point.
    case = Case(horizon_months=12, costs=(cost("software", "9100", "yearly"),),
                gains=(gain("productivity", "13000", "yearly", confidence=D("0.7")),))
    assert compute(case).headline.payback_months == 0
    evaluated = build_and_evaluate(case, tmp_path)
    assert evaluated.name("ROI_PAYBACK_MONTHS") == 0


def test_published_project_download_uses_the_project(apogea, tmp_path):
    apogea.discount_rate = D("0.10")
    apogea.save()
    data = project_workbook(apogea)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == SHEETS_FR
    summary = workbook["Synthèse"]
    assert summary["B3"].value == "Durand Industrie"
    assert summary["B4"].value == "CRM connecté à l’ERP"
    evaluated = evaluate(data, tmp_path)
    assert money(evaluated.name("ROI_PERCENT")) == D("22.22")
    assert money(evaluated.name("ROI_NPV")) == money(compute(APOGEA).headline.npv)

    apogea.language = "en"
    apogea.save()
    assert load_workbook(io.BytesIO(project_workbook(apogea))).sheetnames == SHEETS_EN


# --- random cases --------------------------------------------------------------------------


@st.composite
def line_items(draw, categories, *, gains: bool) -> LineItem:
    recurrence = draw(st.sampled_from(list(Recurrence)))
    start = draw(st.integers(1, 14))
    end = draw(st.one_of(st.none(), st.integers(start, 30)))
    extra = {}
    if gains:
        # Whole euros, two-decimal factors and ramp-ups dividing 12: the smallest non-zero
        # cumulative is then above the file's millionth tolerance (see roi/xlsx.py).
        extra = {
            "ramp_up_months": draw(st.sampled_from([0, 1, 2, 3, 4, 6])),
            "confidence": draw(st.sampled_from([D("1"), D("0.8"), D("0.55")])),
            "margin": draw(st.sampled_from([None, D("0.35"), D("1")])),
        }
    return LineItem(
        draw(st.sampled_from(categories)), draw(st.text(max_size=12)),
        D(draw(st.integers(0, 60000))), recurrence,
        quantity=draw(st.sampled_from([D("1"), D("3"), D("2.5")])),
        start_month=start, end_month=end, **extra)


cases = st.builds(
    Case,
    horizon_months=st.integers(1, 24),
    costs=st.lists(line_items(COST_CATEGORIES, gains=False), min_size=1, max_size=3).map(tuple),
    gains=st.lists(line_items(GAIN_CATEGORIES, gains=True), min_size=1, max_size=3).map(tuple),
    discount_rate=st.sampled_from([D("0"), D("0.1"), D("0.035")]),
)


# Few examples and no shrinking: each one costs the formula engine a second or two.
@settings(max_examples=6, deadline=None, derandomize=True,
          phases=(Phase.explicit, Phase.generate))
@given(case=cases)
def test_random_cases_give_the_method_figures(case):
    with tempfile.TemporaryDirectory() as directory:
        build_and_evaluate(case, Path(directory))


# --- what the file is made of --------------------------------------------------------------


def hostile_case() -> Case:
    return Case(
        horizon_months=3, name=HOSTILE[0],
        costs=tuple(cost("software", "100", "monthly", label=text, assumption=text)
                    for text in HOSTILE),
        gains=(gain("revenue", "1000", "once", label="\x01=2+5\x07", assumption=HOSTILE[1]),),
        qualitative_benefits=tuple(HOSTILE),
        currency="EUR",
    )


def test_hostile_text_stays_text(tmp_path):
    data = build_workbook(hostile_case(), client_name="=1+1", project_name="@SUM(1)")
    workbook = load_workbook(io.BytesIO(data))
    seen = set()
    for sheet in workbook:
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
    assert workbook["Synthèse"]["B3"].value == "=1+1"
    assert workbook["Synthèse"]["B4"].value == "@SUM(1)"

    # The independent engine reads them back as the same strings, not as results.
    evaluated = evaluate(data, tmp_path)
    labels = [evaluated.cell("Coûts", f"D{row}") for row in range(4, 4 + len(HOSTILE))]
    assert labels == HOSTILE
    assert evaluated.cell("Synthèse", "B3") == "=1+1"
    assert evaluated.cell("Gains", "D4") == "=2+5"
    assert_method_figures(evaluated, hostile_case())


def test_defined_names_point_at_the_summary_and_amounts_are_numbers():
    workbook = load_workbook(io.BytesIO(build_workbook(FEATURES)))
    assert workbook.sheetnames == SHEETS_FR
    for name in [*HEADLINE_NAMES, "ROI_HORIZON", "ROI_DISCOUNT_RATE"]:
        assert name in workbook.defined_names, name  # workbook-scoped
    for name in HEADLINE_NAMES:
        ((sheet, coordinate),) = workbook.defined_names[name].destinations
        assert sheet == "Synthèse"
        assert workbook[sheet][coordinate.replace("$", "")].data_type == "f"
    ((sheet, coordinate),) = workbook.defined_names["ROI_HORIZON"].destinations
    assert (sheet, workbook[sheet][coordinate.replace("$", "")].value) == ("Hypothèses", 18)

    costs = workbook["Coûts"]
    amounts = [costs.cell(row=4 + i, column=5) for i in range(len(FEATURES.costs))]
    assert all(cell.data_type == "n" for cell in amounts)
    assert [D(str(cell.value)) for cell in amounts] == [item.amount for item in FEATURES.costs]
    assert costs["F4"].value == 25 and costs["I5"].value is None  # blank end = horizon
    assert costs["I6"].value == 9
    # Every line total is a formula over that line's monthly row.
    assert re.fullmatch(r"=SUM\('Flux mensuels'!\$D\$\d+:\$U\$\d+\)", costs["K4"].value)
    gains = workbook["Gains"]
    assert gains["K4"].value == 0.8 and gains["L4"].value is None and gains["L5"].value == 0.5
    # Every monthly cell of a line is a formula, not a figure.
    monthly = workbook["Flux mensuels"]
    for row in monthly.iter_rows(min_row=5, min_col=4):
        for cell in row:
            assert cell.value is None or cell.data_type == "f", cell.coordinate


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
    evaluated = evaluate(out.read_bytes(), tmp_path, "out.xlsx")
    assert_method_figures(evaluated, read_case(str(path)))
    assert load_workbook(out)["Synthèse"]["B4"].value == CASE_DOCUMENT["name"]

    # Default output: the case file's name with .xlsx; --lang en.
    call_command("roi_xlsx", str(path), "--lang", "en", stdout=io.StringIO())
    assert load_workbook(tmp_path / "case.xlsx").sheetnames == SHEETS_EN


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
