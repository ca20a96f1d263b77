"""The Excel export: a workbook a CFO can audit, every figure a live formula (method §2–§3).

``build_workbook(case)`` returns the bytes of an .xlsx file with five sheets:

- Summary (first): the headline figures of method §3 as formulas over the monthly flows, the
  by-year table, the scenarios (their factors are editable cells) and the engine's warnings;
- Assumptions: horizon H and annual discount rate r (defined names ``ROI_HORIZON`` and
  ``ROI_DISCOUNT_RATE``), the rules in words, each line's assumption, the qualitative benefits;
- Costs and Gains: one row per line item with its parameters as plain cells and its total over
  the horizon as a formula;
- Monthly flows: months 1..H as columns; one row per line whose every cell applies method §2 to
  that line's parameter cells, then costs_m, gains_m, net_m, cumulative_m, the discount factor
  1 / (1 + r)^(m/12), the discounted net and the rows the paybacks are read from.

Nothing the engine computes is pasted: change an amount in Excel and every figure follows. The
engine's own result is used only for the warnings (words, not figures). Workbook-scoped defined
names point at the headline cells: ROI_TOTAL_COSTS, ROI_TOTAL_GAINS, ROI_TOTAL_GAINS_UNADJUSTED,
ROI_NET_GAIN, ROI_PERCENT, ROI_NPV, ROI_PAYBACK_MONTHS, ROI_DISCOUNTED_PAYBACK_MONTHS,
ROI_IRR_PERCENT.

Formula injection (OWASP "CSV injection"): every user-provided string (labels, assumptions,
names, benefits) goes through :func:`_text`, which stores it as a string cell — openpyxl would
otherwise store a str starting with "=" as a formula — and marks the dangerous ones with Excel's
quote prefix, so that they stay text even when someone edits the cell.

Why the labels are a small dict rather than gettext: the file must come out in the project's
language from a management command too, and a dozen fixed labels in two languages are clearer
next to the layout that uses them than in a catalogue that may not be compiled.
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from checklist.catalogue.loader import CATALOGUE_FILE
from roi.calculation import Case, LineItem, Recurrence, compute
from roi.projects.cases import project_case
from roi.texts import SCENARIO_NAMES, warning_text

__all__ = ["HEADLINE_NAMES", "build_workbook", "project_workbook", "safe_text"]

# Defined name -> the key of the headline it holds (same names as the results document).
HEADLINE_NAMES: dict[str, str] = {
    "ROI_TOTAL_COSTS": "total_costs",
    "ROI_TOTAL_GAINS": "total_gains",
    "ROI_TOTAL_GAINS_UNADJUSTED": "total_gains_unadjusted",
    "ROI_NET_GAIN": "net_gain",
    "ROI_PERCENT": "roi_percent",
    "ROI_NPV": "npv",
    "ROI_PAYBACK_MONTHS": "payback_months",
    "ROI_DISCOUNTED_PAYBACK_MONTHS": "discounted_payback_months",
    "ROI_IRR_PERCENT": "irr_percent",
}

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "sheet_summary": "Synthèse", "sheet_assumptions": "Hypothèses", "sheet_costs": "Coûts",
        "sheet_gains": "Gains", "sheet_monthly": "Flux mensuels",
        "title": "Retour sur investissement du projet CRM",
        "client": "Client", "project": "Projet", "currency": "Devise",
        "horizon": "Horizon (mois)", "discount_rate": "Taux d’actualisation annuel",
        "headline": "Indicateurs sur l’horizon", "value": "Valeur", "how": "Formule",
        "total_costs": "Total des coûts", "total_gains": "Total des gains (ajustés du risque)",
        "total_gains_unadjusted": "Total des gains avant ajustement du risque",
        "net_gain": "Gain net", "roi_percent": "ROI (%)", "npv": "Valeur actuelle nette (VAN)",
        "payback_months": "Délai de retour (mois)",
        "discounted_payback_months": "Délai de retour actualisé (mois)",
        "irr_percent": "TRI annuel (%)",
        "how_total_costs": "Somme des coûts mensuels (feuille « Flux mensuels »)",
        "how_total_gains": "Somme des gains mensuels × confiance",
        "how_total_gains_unadjusted": "Somme des gains mensuels avant confiance",
        "how_net_gain": "Gains − coûts",
        "how_roi_percent": "Gain net / coûts × 100 ; « n/a » sans coût",
        "how_npv": "Σ flux net du mois m / (1 + r)^(m/12)",
        "how_payback_months": "Premier passage du cumul de négatif à positif, interpolé dans "
                              "le mois ; 0 si le cumul n’est jamais négatif",
        "how_discounted_payback_months": "Même règle sur le cumul actualisé",
        "how_irr_percent": "(1 + TRI mensuel des flux nets)^12 − 1 ; « n/a » sans changement "
                           "de signe",
        "by_year": "Par année", "year": "Année", "months": "Mois", "costs": "Coûts",
        "gains": "Gains", "net": "Net", "cumulative": "Cumul fin de période",
        "year_n": "Année {n}", "month_range": "M{a}–M{b}", "total": "Total",
        "present_value": "Valeur actuelle",
        "scenarios": "Scénarios (facteurs modifiables)", "scenario": "Scénario",
        "gains_factor": "Facteur gains", "costs_factor": "Facteur coûts",
        "warnings": "Points d’attention", "no_warning": "Aucun point d’attention.",
        "generated": "Généré par ROI Checklist le {date}. Toutes les cellules de calcul sont "
                     "des formules : Excel les recalcule à l’ouverture.",
        "not_reached": "non atteint",
        "number": "N°", "code": "Code", "post": "Poste", "label": "Libellé",
        "amount": "Montant unitaire", "quantity": "Quantité", "recurrence": "Récurrence",
        "start_month": "Mois de début", "end_month": "Mois de fin",
        "ramp_up_months": "Montée en charge (mois)", "confidence": "Confiance",
        "margin": "Marge", "line_total": "Total sur l’horizon",
        "line_total_unadjusted": "Total avant ajustement", "line_total_adjusted":
            "Total ajusté du risque",
        "costs_title": "Coûts par ligne", "gains_title": "Gains par ligne",
        "lines_note": "Mois de fin vide = jusqu’à l’horizon ; marge vide = 100 %. Récurrence : "
                      "« ponctuel » = montant × quantité au mois de début ; « mensuel » = chaque "
                      "mois ; « annuel » = montant × quantité / 12 chaque mois.",
        "once": "ponctuel", "monthly": "mensuel", "yearly": "annuel",
        "cost_ref": "C{n}", "gain_ref": "G{n}",
        "cost_base": "Montant × quantité", "gain_base": "Montant × quantité × marge",
        "assumptions_title": "Hypothèses du calcul",
        "horizon_note": "Nombre de mois calculés (colonnes de « Flux mensuels ») ; pour un "
                        "autre horizon, régénérez le fichier.",
        "rate_note": "Un flux du mois m vaut flux / (1 + r)^(m/12) aujourd’hui.",
        "rules": "Règles du calcul (méthode ROI Checklist)",
        "rule_1": "Chaque ligne est calculée mois par mois, du mois 1 à l’horizon, et vaut zéro "
                  "hors de ses mois de début et de fin.",
        "rule_2": "Gains : au k-ième mois, × min(1, k / R) pendant la montée en charge de R "
                  "mois (sauf ponctuel), × marge si elle est renseignée.",
        "rule_3": "Gains ajustés du risque = gains × confiance ; les gains avant ajustement "
                  "sont montrés à côté.",
        "rule_4": "Flux net = gains ajustés − coûts ; ROI = gain net / coûts × 100.",
        "line_assumptions": "Hypothèses par ligne", "assumption": "Hypothèse",
        "qualitative": "Bénéfices qualitatifs", "none": "—",
        "monthly_title": "Flux mensuels", "line": "Ligne",
        "summary_rows": "Synthèse mensuelle",
        "costs_m": "Coûts du mois", "gains_m": "Gains du mois (ajustés du risque)",
        "gains_unadjusted_m": "Gains du mois avant ajustement", "net_m": "Flux net",
        "cumulative_m": "Cumul des flux nets",
        "factor_m": "Coefficient d’actualisation 1 / (1 + r)^(m/12)",
        "discounted_net_m": "Flux net actualisé", "discounted_cumulative_m": "Cumul actualisé",
        "payback_m": "Délai de retour si le cumul redevient positif ce mois",
        "discounted_payback_m": "Délai de retour actualisé si le cumul actualisé redevient "
                                "positif ce mois",
        "cost_lines": "Coûts par ligne", "gain_lines_unadjusted": "Gains par ligne, avant "
                                                                  "ajustement du risque",
        "gain_lines_adjusted": "Gains par ligne, ajustés du risque (× confiance)",
        "percent_format": '0.00" %"', "money_prefix": False,
    },
    "en": {
        "sheet_summary": "Summary", "sheet_assumptions": "Assumptions", "sheet_costs": "Costs",
        "sheet_gains": "Gains", "sheet_monthly": "Monthly flows",
        "title": "CRM project return on investment",
        "client": "Client", "project": "Project", "currency": "Currency",
        "horizon": "Horizon (months)", "discount_rate": "Annual discount rate",
        "headline": "Figures over the horizon", "value": "Value", "how": "Formula",
        "total_costs": "Total costs", "total_gains": "Total gains (risk-adjusted)",
        "total_gains_unadjusted": "Total gains before risk adjustment",
        "net_gain": "Net gain", "roi_percent": "ROI (%)", "npv": "Net present value (NPV)",
        "payback_months": "Payback (months)",
        "discounted_payback_months": "Discounted payback (months)",
        "irr_percent": "Annual IRR (%)",
        "how_total_costs": "Sum of the monthly costs (sheet “Monthly flows”)",
        "how_total_gains": "Sum of the monthly gains × confidence",
        "how_total_gains_unadjusted": "Sum of the monthly gains before confidence",
        "how_net_gain": "Gains − costs",
        "how_roi_percent": "Net gain / costs × 100; “n/a” without cost",
        "how_npv": "Σ net flow of month m / (1 + r)^(m/12)",
        "how_payback_months": "First time the cumulative turns from negative to positive, "
                              "interpolated within the month; 0 if it is never negative",
        "how_discounted_payback_months": "Same rule on the discounted cumulative",
        "how_irr_percent": "(1 + monthly IRR of the net flows)^12 − 1; “n/a” without a sign "
                           "change",
        "by_year": "By year", "year": "Year", "months": "Months", "costs": "Costs",
        "gains": "Gains", "net": "Net", "cumulative": "Cumulative at period end",
        "year_n": "Year {n}", "month_range": "M{a}–M{b}", "total": "Total",
        "present_value": "Present value",
        "scenarios": "Scenarios (editable factors)", "scenario": "Scenario",
        "gains_factor": "Gains factor", "costs_factor": "Costs factor",
        "warnings": "Points to check", "no_warning": "Nothing to point out.",
        "generated": "Generated by ROI Checklist on {date}. Every calculated cell is a formula: "
                     "Excel recalculates them when the file is opened.",
        "not_reached": "not reached",
        "number": "No.", "code": "Code", "post": "Post", "label": "Label",
        "amount": "Unit amount", "quantity": "Quantity", "recurrence": "Recurrence",
        "start_month": "Start month", "end_month": "End month",
        "ramp_up_months": "Ramp-up (months)", "confidence": "Confidence",
        "margin": "Margin", "line_total": "Total over the horizon",
        "line_total_unadjusted": "Total before adjustment", "line_total_adjusted":
            "Risk-adjusted total",
        "costs_title": "Costs by line", "gains_title": "Gains by line",
        "lines_note": "Blank end month = until the horizon; blank margin = 100 %. Recurrence: "
                      "“once” = amount × quantity in the start month; “monthly” = every month; "
                      "“yearly” = amount × quantity / 12 every month.",
        "once": "once", "monthly": "monthly", "yearly": "yearly",
        "cost_ref": "C{n}", "gain_ref": "G{n}",
        "cost_base": "Amount × quantity", "gain_base": "Amount × quantity × margin",
        "assumptions_title": "Assumptions of the calculation",
        "horizon_note": "Number of months calculated (columns of “Monthly flows”); for another "
                        "horizon, generate the file again.",
        "rate_note": "A flow of month m is worth flow / (1 + r)^(m/12) today.",
        "rules": "Calculation rules (ROI Checklist method)",
        "rule_1": "Each line is calculated month by month, from month 1 to the horizon, and is "
                  "zero outside its start and end months.",
        "rule_2": "Gains: in the k-th month, × min(1, k / R) during a ramp-up of R months "
                  "(except once), × margin when one is given.",
        "rule_3": "Risk-adjusted gains = gains × confidence; the gains before adjustment are "
                  "shown next to them.",
        "rule_4": "Net flow = risk-adjusted gains − costs; ROI = net gain / costs × 100.",
        "line_assumptions": "Assumptions by line", "assumption": "Assumption",
        "qualitative": "Qualitative benefits", "none": "—",
        "monthly_title": "Monthly flows", "line": "Line",
        "summary_rows": "Monthly summary",
        "costs_m": "Costs of the month", "gains_m": "Gains of the month (risk-adjusted)",
        "gains_unadjusted_m": "Gains of the month before adjustment", "net_m": "Net flow",
        "cumulative_m": "Cumulative net flow",
        "factor_m": "Discount factor 1 / (1 + r)^(m/12)",
        "discounted_net_m": "Discounted net flow",
        "discounted_cumulative_m": "Discounted cumulative",
        "payback_m": "Payback if the cumulative turns positive this month",
        "discounted_payback_m": "Discounted payback if the discounted cumulative turns "
                                "positive this month",
        "cost_lines": "Costs by line",
        "gain_lines_unadjusted": "Gains by line, before risk adjustment",
        "gain_lines_adjusted": "Gains by line, risk-adjusted (× confidence)",
        "percent_format": '0.00"%"', "money_prefix": True,
    },
}

NOT_APPLICABLE = "n/a"  # method §3: an ROI without cost is shown as "n/a"
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
# OWASP CSV/formula injection: a cell starting with one of these may be read as a formula by
# a spreadsheet (directly, or after a copy / a CSV round trip).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\ufe62", "\uff0b",
                     "\ufe63", "\uff0d", "\uff20")
_MAX_CELL_TEXT = 32_767  # Excel's limit per cell
# Payback tests compare the cumulative with 0 to the millionth: the file computes in binary
# floating point, where a cumulative that is exactly 0 for the engine can come out as −1e−13.
_SIGN_DECIMALS = 6

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_SECTION = Font(bold=True, size=12, color="1F3864")
_NOTE = Font(italic=True, color="595959")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_HEADLINE_FILL = PatternFill("solid", fgColor="FFF2CC")
_INPUT_FILL = PatternFill("solid", fgColor="EDF5E8")
_TOP_BORDER = Border(top=Side(style="thin"))
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center")


# --- cells ----------------------------------------------------------------------------------


def safe_text(value: object) -> str:
    """User text as it may go into a cell: no character XML cannot carry, Excel's length cap."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:_MAX_CELL_TEXT]


def _text(ws, row: int, column: int, value: object, *, font: Font | None = None):
    """Write ``value`` as a string cell that no spreadsheet may take for a formula."""
    text = safe_text(value)
    cell = ws.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"  # openpyxl stores a str starting with "=" as a formula otherwise
    if text.startswith(_FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel's leading apostrophe: stays text when edited
    if font is not None:
        cell.font = font
    return cell


def _number(value: Decimal | int | None) -> int | float | None:
    """A numeric cell value. Excel stores doubles, so a Decimal becomes the nearest one."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _put(ws, row: int, column: int, value, number_format: str | None = None, *,
         font: Font | None = None, fill: PatternFill | None = None):
    """Write a number or one of *our* formulas (never user text: see :func:`_text`)."""
    cell = ws.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _ref(sheet: str, column: int, row: int) -> str:
    """An absolute reference to a cell of another sheet: 'Coûts'!$E$4."""
    return f"{quote_sheetname(sheet)}!${get_column_letter(column)}${row}"


def _row_range(sheet: str, row: int, first_column: int, last_column: int) -> str:
    """An absolute reference to part of a row of another sheet: 'Flux mensuels'!$D$5:$O$5."""
    return (f"{quote_sheetname(sheet)}!${get_column_letter(first_column)}${row}:"
            f"${get_column_letter(last_column)}${row}")


def _header_row(ws, row: int, titles: Sequence[str], first_column: int = 1) -> None:
    for offset, title in enumerate(titles):
        cell = _text(ws, row, first_column + offset, title, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _landscape(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- catalogue titles ----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _post_titles() -> dict[str, dict[str, str]]:
    """Post titles per language from the catalogue shipped with the code (no database, so the
    command works on an interchange file alone)."""
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return {
        lang: {post["code"]: post.get(f"title_{lang}") or post["title_fr"]
               for post in data["posts"]}
        for lang in LABELS
    }


# --- the workbook ---------------------------------------------------------------------------


class _Layout:
    """Where things are, so that formulas on one sheet can point at cells of another."""

    # Costs sheet columns
    C_NUMBER, C_CODE, C_POST, C_LABEL, C_AMOUNT, C_QUANTITY, C_RECURRENCE, C_START, C_END = (
        range(1, 10))
    C_BASE, C_TOTAL = 10, 11  # base = amount × quantity
    # Gains sheet columns (the first nine as on the costs sheet); base = amount × quantity ×
    # margin
    G_RAMP, G_CONFIDENCE, G_MARGIN, G_BASE, G_TOTAL_UNADJUSTED, G_TOTAL_ADJUSTED = range(10, 16)
    LINES_HEADER_ROW = 3
    FIRST_LINE_ROW = 4
    # Monthly sheet
    M_HEADER_ROW = 3
    M_FIRST_MONTH_COLUMN = 4  # A: line, B: label, C: total, D…: months 1..H
    M_SUMMARY_FIRST_ROW = 5

    def __init__(self, case: Case) -> None:
        self.horizon = case.horizon_months
        self.cost_count = len(case.costs)
        self.gain_count = len(case.gains)
        first = self.M_SUMMARY_FIRST_ROW
        # Monthly summary rows
        (self.costs_row, self.gains_row, self.gains_unadjusted_row, self.net_row,
         self.cumulative_row, self.factor_row, self.discounted_net_row,
         self.discounted_cumulative_row, self.payback_row,
         self.discounted_payback_row) = range(first, first + 10)
        # Line sections: a section title row, then one row per line, then a blank row.
        self.cost_lines_title = self.discounted_payback_row + 2
        self.first_cost_row = self.cost_lines_title + 1
        self.gain_unadjusted_title = self.first_cost_row + self.cost_count + 1
        self.first_gain_unadjusted_row = self.gain_unadjusted_title + 1
        self.gain_adjusted_title = self.first_gain_unadjusted_row + self.gain_count + 1
        self.first_gain_adjusted_row = self.gain_adjusted_title + 1

    @property
    def last_month_column(self) -> int:
        return self.M_FIRST_MONTH_COLUMN + self.horizon - 1

    def month_column(self, month: int) -> int:
        return self.M_FIRST_MONTH_COLUMN + month - 1


class _Writer:
    def __init__(self, case: Case, lang: str, client_name: str, project_name: str) -> None:
        self.case = case
        self.lang = lang if lang in LABELS else "fr"
        self.labels = LABELS[self.lang]
        self.client_name = client_name
        self.project_name = project_name or case.name
        # The engine validates the case (ValueError on broken invariants) and words the
        # warnings; every figure of the file is a formula, none comes from this result.
        self.result = compute(case)
        self.layout = _Layout(case)
        self.posts = _post_titles()[self.lang]
        symbol = _CURRENCY_SYMBOLS.get(case.currency, case.currency)
        if not re.fullmatch(r"[A-Z€$£]{1,3}", symbol):  # never user text in a number format
            symbol = ""
        body = "#,##0.00"
        if self.labels["money_prefix"]:
            positive = f'"{symbol}"{body}' if symbol else body
        else:
            positive = f'{body} "{symbol}"' if symbol else body
        self.money = f"{positive};[Red]-{positive}"
        self.percent = self.labels["percent_format"]
        self.months_format = "0.00"
        self.wb = Workbook()
        label = self.labels
        self.summary = self.wb.active
        self.summary.title = label["sheet_summary"]
        self.assumptions = self.wb.create_sheet(label["sheet_assumptions"])
        self.costs = self.wb.create_sheet(label["sheet_costs"])
        self.gains = self.wb.create_sheet(label["sheet_gains"])
        self.monthly = self.wb.create_sheet(label["sheet_monthly"])

    def t(self, key: str) -> str:
        return self.labels[key]

    def name(self, name: str, sheet: str, column: int, row: int) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=_ref(sheet, column, row))

    # -- Assumptions -------------------------------------------------------------------------

    def write_assumptions(self) -> None:
        ws, t, case = self.assumptions, self.t, self.case
        _text(ws, 1, 1, t("assumptions_title"), font=_TITLE)
        _text(ws, 3, 1, t("horizon"), font=_BOLD)
        _put(ws, 3, 2, case.horizon_months, "0", fill=_INPUT_FILL)
        _text(ws, 3, 3, t("horizon_note"), font=_NOTE)
        _text(ws, 4, 1, t("discount_rate"), font=_BOLD)
        _put(ws, 4, 2, _number(case.discount_rate), "0.00%", fill=_INPUT_FILL)
        _text(ws, 4, 3, t("rate_note"), font=_NOTE)
        _text(ws, 5, 1, t("currency"), font=_BOLD)
        _text(ws, 5, 2, case.currency)
        self.name("ROI_HORIZON", ws.title, 2, 3)
        self.name("ROI_DISCOUNT_RATE", ws.title, 2, 4)

        row = 7
        _text(ws, row, 1, t("rules"), font=_SECTION)
        for key in ("rule_1", "rule_2", "rule_3", "rule_4"):
            row += 1
            _text(ws, row, 1, t(key))
        row += 2
        _text(ws, row, 1, t("line_assumptions"), font=_SECTION)
        row += 1
        _header_row(ws, row, (t("number"), t("post"), t("label"), t("assumption")))
        for reference, item in self._numbered_lines():
            row += 1
            _text(ws, row, 1, reference)
            _text(ws, row, 2, self.posts.get(item.category, item.category))
            _text(ws, row, 3, item.label)
            _text(ws, row, 4, item.assumption or t("none")).alignment = _WRAP
        row += 2
        _text(ws, row, 1, t("qualitative"), font=_SECTION)
        for benefit in case.qualitative_benefits or (t("none"),):
            row += 1
            _text(ws, row, 1, benefit)
        _widths(ws, {"A": 34, "B": 30, "C": 40, "D": 80})

    def _numbered_lines(self):
        for number, item in enumerate(self.case.costs, start=1):
            yield self.t("cost_ref").format(n=number), item
        for number, item in enumerate(self.case.gains, start=1):
            yield self.t("gain_ref").format(n=number), item

    # -- Costs and Gains ---------------------------------------------------------------------

    def _line_parameters(self, ws, row: int, reference: str, item: LineItem) -> None:
        L = _Layout
        _text(ws, row, L.C_NUMBER, reference)
        _text(ws, row, L.C_CODE, item.category)
        _text(ws, row, L.C_POST, self.posts.get(item.category, item.category))
        _text(ws, row, L.C_LABEL, item.label)
        _put(ws, row, L.C_AMOUNT, _number(item.amount), self.money, fill=_INPUT_FILL)
        _put(ws, row, L.C_QUANTITY, _number(item.quantity), "General",
             fill=_INPUT_FILL)
        _text(ws, row, L.C_RECURRENCE, self.t(Recurrence(item.recurrence).value)).fill = (
            _INPUT_FILL)
        _put(ws, row, L.C_START, item.start_month, "0", fill=_INPUT_FILL)
        _put(ws, row, L.C_END, item.end_month, "0", fill=_INPUT_FILL)

    def _recurrence_validation(self, ws, column: int, first_row: int, last_row: int) -> None:
        if last_row < first_row:
            return
        choices = ",".join(self.t(r.value) for r in Recurrence)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False)
        letter = get_column_letter(column)
        validation.add(f"{letter}{first_row}:{letter}{last_row}")
        ws.add_data_validation(validation)

    def write_costs(self) -> None:
        ws, t, L, layout = self.costs, self.t, _Layout, self.layout
        _text(ws, 1, 1, t("costs_title"), font=_TITLE)
        _header_row(ws, L.LINES_HEADER_ROW, (
            t("number"), t("code"), t("post"), t("label"), t("amount"), t("quantity"),
            t("recurrence"), t("start_month"), t("end_month"), t("cost_base"),
            t("line_total")))
        row = L.FIRST_LINE_ROW
        for number, item in enumerate(self.case.costs, start=1):
            self._line_parameters(ws, row, t("cost_ref").format(n=number), item)
            amount = f"{get_column_letter(L.C_AMOUNT)}{row}"
            quantity = f"{get_column_letter(L.C_QUANTITY)}{row}"
            _put(ws, row, L.C_BASE, f"={amount}*{quantity}", self.money)
            monthly_row = layout.first_cost_row + number - 1
            _put(ws, row, L.C_TOTAL, f"=SUM({self._monthly_range(monthly_row)})",
                 self.money)
            row += 1
        last = row - 1
        self._recurrence_validation(ws, L.C_RECURRENCE, L.FIRST_LINE_ROW, last)
        self._total_row(ws, row, (L.C_TOTAL,), last)
        _text(ws, row + 2, 1, t("lines_note"), font=_NOTE)
        _widths(ws, {"A": 7, "B": 14, "C": 32, "D": 40, "E": 16, "F": 10, "G": 12, "H": 10,
                     "I": 10, "J": 18, "K": 18})
        ws.freeze_panes = ws.cell(row=L.FIRST_LINE_ROW, column=L.C_AMOUNT)
        _landscape(ws)

    def write_gains(self) -> None:
        ws, t, L, layout = self.gains, self.t, _Layout, self.layout
        _text(ws, 1, 1, t("gains_title"), font=_TITLE)
        _header_row(ws, L.LINES_HEADER_ROW, (
            t("number"), t("code"), t("post"), t("label"), t("amount"), t("quantity"),
            t("recurrence"), t("start_month"), t("end_month"), t("ramp_up_months"),
            t("confidence"), t("margin"), t("gain_base"), t("line_total_unadjusted"),
            t("line_total_adjusted")))
        row = L.FIRST_LINE_ROW
        for number, item in enumerate(self.case.gains, start=1):
            self._line_parameters(ws, row, t("gain_ref").format(n=number), item)
            _put(ws, row, L.G_RAMP, item.ramp_up_months, "0", fill=_INPUT_FILL)
            _put(ws, row, L.G_CONFIDENCE, _number(item.confidence), "0.00%", fill=_INPUT_FILL)
            _put(ws, row, L.G_MARGIN, _number(item.margin), "0.00%", fill=_INPUT_FILL)
            amount = f"{get_column_letter(L.C_AMOUNT)}{row}"
            quantity = f"{get_column_letter(L.C_QUANTITY)}{row}"
            margin = f"{get_column_letter(L.G_MARGIN)}{row}"
            _put(ws, row, L.G_BASE, f"={amount}*{quantity}*IF(ISNUMBER({margin}),{margin},1)",
                 self.money)
            unadjusted = layout.first_gain_unadjusted_row + number - 1
            adjusted = layout.first_gain_adjusted_row + number - 1
            _put(ws, row, L.G_TOTAL_UNADJUSTED,
                 f"=SUM({self._monthly_range(unadjusted)})", self.money)
            _put(ws, row, L.G_TOTAL_ADJUSTED, f"=SUM({self._monthly_range(adjusted)})",
                 self.money)
            row += 1
        last = row - 1
        self._recurrence_validation(ws, L.C_RECURRENCE, L.FIRST_LINE_ROW, last)
        self._total_row(ws, row, (L.G_TOTAL_UNADJUSTED, L.G_TOTAL_ADJUSTED), last)
        _text(ws, row + 2, 1, t("lines_note"), font=_NOTE)
        _widths(ws, {"A": 7, "B": 14, "C": 32, "D": 40, "E": 16, "F": 10, "G": 12, "H": 10,
                     "I": 10, "J": 14, "K": 11, "L": 11, "M": 18, "N": 18, "O": 18})
        ws.freeze_panes = ws.cell(row=L.FIRST_LINE_ROW, column=L.C_AMOUNT)
        _landscape(ws)

    def _total_row(self, ws, row: int, columns: Sequence[int], last_line_row: int) -> None:
        _text(ws, row, 1, self.t("total"), font=_BOLD)
        for column in columns:
            letter = get_column_letter(column)
            formula = (f"=SUM({letter}{_Layout.FIRST_LINE_ROW}:{letter}{last_line_row})"
                       if last_line_row >= _Layout.FIRST_LINE_ROW else "=0")
            cell = _put(ws, row, column, formula, self.money, font=_BOLD)
            cell.border = _TOP_BORDER

    # -- Monthly flows -----------------------------------------------------------------------

    def write_monthly(self) -> None:
        ws, t, layout, case = self.monthly, self.t, self.layout, self.case
        L = _Layout
        horizon = case.horizon_months
        first_col = L.M_FIRST_MONTH_COLUMN
        _text(ws, 1, 1, t("monthly_title"), font=_TITLE)
        _header_row(ws, L.M_HEADER_ROW, (t("line"), t("label"), t("total")))
        for month in range(1, horizon + 1):
            cell = _put(ws, L.M_HEADER_ROW, first_col + month - 1, month, '"M"0', font=_BOLD,
                        fill=_HEADER_FILL)
            cell.alignment = _CENTER
        _text(ws, L.M_SUMMARY_FIRST_ROW - 1, 1, t("summary_rows"), font=_SECTION)

        letters = [get_column_letter(first_col + m) for m in range(horizon)]
        months = [f"{letter}${L.M_HEADER_ROW}" for letter in letters]
        rows = layout

        def line_label(row: int, reference: str, item: LineItem) -> None:
            _text(ws, row, 1, f"{reference} · {self.posts.get(item.category, item.category)}")
            _text(ws, row, 2, item.label)

        def line_flows(row: int, sheet: str, parameter_row: int, *, ramp_up: bool) -> None:
            """Method §2 for one line, from its parameter cells on ``sheet``: ``once`` = base
            in the start month only; otherwise base (/ 12 when yearly) in start..end (blank end
            = every month to the horizon), × min(1, k / R) for a gain's ramp-up of R months."""
            base, recurrence, start, end = (
                _ref(sheet, column, parameter_row)
                for column in ((L.G_BASE if ramp_up else L.C_BASE), L.C_RECURRENCE, L.C_START,
                               L.C_END))
            ramp = _ref(sheet, L.G_RAMP, parameter_row)
            for column, month in enumerate(months, start=first_col):
                factor = (f"*IF({ramp}>0,MIN(1,({month}-{start}+1)/{ramp}),1)"
                          if ramp_up else "")
                _put(ws, row, column, (
                    f'=IF({recurrence}="{once}",IF({month}={start},{base},0),'
                    f"IF(AND({month}>={start},OR(NOT(ISNUMBER({end})),{month}<={end})),"
                    f'{base}/IF({recurrence}="{yearly}",12,1){factor},0))'), self.money)

        once, yearly = t("once"), t("yearly")
        _text(ws, rows.cost_lines_title, 1, t("cost_lines"), font=_SECTION)
        for index, item in enumerate(case.costs):
            row = rows.first_cost_row + index
            line_label(row, t("cost_ref").format(n=index + 1), item)
            line_flows(row, self.costs.title, L.FIRST_LINE_ROW + index, ramp_up=False)

        _text(ws, rows.gain_unadjusted_title, 1, t("gain_lines_unadjusted"), font=_SECTION)
        for index, item in enumerate(case.gains):
            row = rows.first_gain_unadjusted_row + index
            line_label(row, t("gain_ref").format(n=index + 1), item)
            line_flows(row, self.gains.title, L.FIRST_LINE_ROW + index, ramp_up=True)

        _text(ws, rows.gain_adjusted_title, 1, t("gain_lines_adjusted"), font=_SECTION)
        for index, item in enumerate(case.gains):
            row = rows.first_gain_adjusted_row + index
            unadjusted = rows.first_gain_unadjusted_row + index
            confidence = _ref(self.gains.title, L.G_CONFIDENCE, L.FIRST_LINE_ROW + index)
            line_label(row, t("gain_ref").format(n=index + 1), item)
            for column, letter in enumerate(letters, start=first_col):
                _put(ws, row, column, f"={letter}{unadjusted}*{confidence}", self.money)

        # Monthly summary rows.
        def sum_rows(first_row: int, count: int):
            if count == 0:
                return lambda letter: "=0"
            last_row = first_row + count - 1
            return lambda letter: f"=SUM({letter}{first_row}:{letter}{last_row})"

        summary = [
            (rows.costs_row, "costs_m", sum_rows(rows.first_cost_row, layout.cost_count)),
            (rows.gains_row, "gains_m",
             sum_rows(rows.first_gain_adjusted_row, layout.gain_count)),
            (rows.gains_unadjusted_row, "gains_unadjusted_m",
             sum_rows(rows.first_gain_unadjusted_row, layout.gain_count)),
            (rows.net_row, "net_m",
             lambda letter: f"={letter}{rows.gains_row}-{letter}{rows.costs_row}"),
            (rows.factor_row, "factor_m",
             lambda letter: f"=1/(1+ROI_DISCOUNT_RATE)^({letter}${L.M_HEADER_ROW}/12)"),
            (rows.discounted_net_row, "discounted_net_m",
             lambda letter: f"={letter}{rows.net_row}*{letter}{rows.factor_row}"),
        ]
        for row, key, formula in summary:
            _text(ws, row, 1, t(key), font=_BOLD)
            number_format = "0.000000" if key == "factor_m" else self.money
            for m, letter in enumerate(letters):
                _put(ws, row, first_col + m, formula(letter), number_format)
        for row, key, source in ((rows.cumulative_row, "cumulative_m", rows.net_row),
                                 (rows.discounted_cumulative_row, "discounted_cumulative_m",
                                  rows.discounted_net_row)):
            _text(ws, row, 1, t(key), font=_BOLD)
            for m, letter in enumerate(letters):
                previous = f"{letters[m - 1]}{row}+" if m else ""
                _put(ws, row, first_col + m, f"={previous}{letter}{source}", self.money)
        # Payback helper rows (method §3): a value only in a month where the cumulative turns
        # from negative to >= 0, (m − 1) + (−cum_{m−1}) / (cum_m − cum_{m−1}); these values
        # grow with m, so the first crossing is the row's MIN.
        for row, key, cumulative in (
                (rows.payback_row, "payback_m", rows.cumulative_row),
                (rows.discounted_payback_row, "discounted_payback_m",
                 rows.discounted_cumulative_row)):
            _text(ws, row, 1, t(key), font=_BOLD)
            for m in range(1, horizon):  # month 1 cannot cross: cumulative_0 = 0
                letter, before = letters[m], letters[m - 1]
                now_cell, before_cell = f"{letter}{cumulative}", f"{before}{cumulative}"
                _put(ws, row, first_col + m, (
                    f"=IF(AND(ROUND({before_cell},{_SIGN_DECIMALS})<0,"
                    f"ROUND({now_cell},{_SIGN_DECIMALS})>=0),"
                    f'({letter}${L.M_HEADER_ROW}-1)+(-{before_cell})/({now_cell}-{before_cell}),"")'
                ), self.months_format)

        # Total column (C) for the rows where a total means something.
        last_letter = letters[-1]
        total_rows = [rows.costs_row, rows.gains_row, rows.gains_unadjusted_row, rows.net_row,
                      rows.discounted_net_row]
        total_rows += [rows.first_cost_row + i for i in range(layout.cost_count)]
        total_rows += [rows.first_gain_unadjusted_row + i for i in range(layout.gain_count)]
        total_rows += [rows.first_gain_adjusted_row + i for i in range(layout.gain_count)]
        for row in total_rows:
            _put(ws, row, 3, f"=SUM({letters[0]}{row}:{last_letter}{row})", self.money,
                 font=_BOLD)
        for row in range(rows.costs_row, rows.discounted_payback_row + 1):
            ws.cell(row=row, column=1).fill = _HEADLINE_FILL

        _widths(ws, {"A": 46, "B": 34, "C": 16})
        for letter in letters:
            ws.column_dimensions[letter].width = 13
        ws.freeze_panes = ws.cell(row=L.M_HEADER_ROW + 1, column=first_col)
        _landscape(ws)

    # -- Summary -----------------------------------------------------------------------------

    def _monthly_range(self, row: int, first_month: int = 1, last_month: int | None = None):
        layout = self.layout
        last_month = layout.horizon if last_month is None else last_month
        return _row_range(self.monthly.title, row, layout.month_column(first_month),
                          layout.month_column(last_month))

    def write_summary(self) -> None:
        ws, t, case, layout = self.summary, self.t, self.case, self.layout
        _text(ws, 1, 1, t("title"), font=_TITLE)
        details = ((t("client"), self.client_name), (t("project"), self.project_name))
        row = 3
        for label, value in details:
            _text(ws, row, 1, label, font=_BOLD)
            _text(ws, row, 2, value)
            row += 1
        _text(ws, row, 1, t("horizon"), font=_BOLD)
        _put(ws, row, 2, "=ROI_HORIZON", "0")
        _text(ws, row + 1, 1, t("discount_rate"), font=_BOLD)
        _put(ws, row + 1, 2, "=ROI_DISCOUNT_RATE", "0.00%")
        _text(ws, row + 2, 1, t("currency"), font=_BOLD)
        _text(ws, row + 2, 2, case.currency)

        row += 4
        _text(ws, row, 1, t("headline"), font=_SECTION)
        row += 1
        _header_row(ws, row, ("", t("value"), t("how")))
        cells: dict[str, str] = {}
        headline_rows = {}
        for key in ("total_costs", "total_gains", "total_gains_unadjusted", "net_gain",
                    "roi_percent", "npv", "payback_months", "discounted_payback_months",
                    "irr_percent"):
            row += 1
            headline_rows[key] = row
            cells[key] = f"$B${row}"
        not_reached = t("not_reached")
        sign = _SIGN_DECIMALS
        net = self._monthly_range(layout.net_row)
        formulas = {
            "total_costs": f"=SUM({self._monthly_range(layout.costs_row)})",
            "total_gains": f"=SUM({self._monthly_range(layout.gains_row)})",
            "total_gains_unadjusted": f"=SUM({self._monthly_range(layout.gains_unadjusted_row)})",
            "net_gain": f"={cells['total_gains']}-{cells['total_costs']}",
            "roi_percent": (f'=IF({cells["total_costs"]}=0,"{NOT_APPLICABLE}",'
                            f"{cells['net_gain']}/{cells['total_costs']}*100)"),
            "npv": f"=SUMPRODUCT({net},{self._monthly_range(layout.factor_row)})",
            "payback_months": self._payback_formula(layout.cumulative_row, layout.payback_row,
                                                    not_reached, sign),
            "discounted_payback_months": self._payback_formula(
                layout.discounted_cumulative_row, layout.discounted_payback_row, not_reached,
                sign),
            "irr_percent": f'=IFERROR(((1+IRR({net}))^12-1)*100,"{NOT_APPLICABLE}")',
        }
        formats = {"roi_percent": self.percent, "irr_percent": self.percent,
                   "payback_months": self.months_format,
                   "discounted_payback_months": self.months_format}
        for key, row_ in headline_rows.items():
            _text(ws, row_, 1, t(key), font=_BOLD)
            cell = _put(ws, row_, 2, formulas[key], formats.get(key, self.money), font=_BOLD,
                        fill=_HEADLINE_FILL)
            cell.alignment = Alignment(horizontal="right")
            _text(ws, row_, 3, t(f"how_{key}"), font=_NOTE)
        for name, key in HEADLINE_NAMES.items():
            self.name(name, ws.title, 2, headline_rows[key])

        row += 2
        row = self._write_by_year(ws, row)
        row += 1
        row = self._write_scenarios(ws, row, headline_rows)
        row += 1
        _text(ws, row, 1, t("warnings"), font=_SECTION)
        with override(self.lang):
            warnings = [warning_text(w) for w in self.result.warnings]
        for text in warnings or [t("no_warning")]:
            row += 1
            _text(ws, row, 1, text)
        row += 2
        pattern = "%d/%m/%Y %H:%M" if self.lang == "fr" else "%Y-%m-%d %H:%M"
        stamp = timezone.localtime().strftime(pattern)
        _text(ws, row, 1, t("generated").format(date=stamp), font=_NOTE)
        _widths(ws, {"A": 44, "B": 20, "C": 20, "D": 20, "E": 20, "F": 20, "G": 20,
                     "H": 20})
        ws.sheet_view.showGridLines = False
        _landscape(ws)

    def _payback_formula(self, cumulative_row: int, payback_row: int, not_reached: str,
                         sign: int) -> str:
        cumulative = self._monthly_range(cumulative_row)
        paybacks = self._monthly_range(payback_row)
        return (f"=IF(ROUND(MIN({cumulative}),{sign})>=0,0,"
                f'IF(COUNT({paybacks})=0,"{not_reached}",MIN({paybacks})))')

    def _write_by_year(self, ws, row: int) -> int:
        t, layout = self.t, self.layout
        _text(ws, row, 1, t("by_year"), font=_SECTION)
        row += 1
        _header_row(ws, row, (t("year"), t("months"), t("costs"), t("gains"), t("net"),
                              t("cumulative")))
        first_year_row = row + 1
        years = math.ceil(layout.horizon / 12)
        for year in range(1, years + 1):
            row += 1
            first, last = 12 * (year - 1) + 1, min(12 * year, layout.horizon)
            _text(ws, row, 1, t("year_n").format(n=year))
            _text(ws, row, 2, t("month_range").format(a=first, b=last))
            for column, source in ((3, layout.costs_row), (4, layout.gains_row),
                                   (5, layout.net_row)):
                _put(ws, row, column, f"=SUM({self._monthly_range(source, first, last)})",
                     self.money)
            year_end = _ref(self.monthly.title, layout.month_column(last),
                            layout.cumulative_row)
            _put(ws, row, 6, f"={year_end}", self.money)
        row += 1
        _text(ws, row, 1, t("total"), font=_BOLD)
        for column in (3, 4, 5):
            letter = get_column_letter(column)
            cell = _put(ws, row, column, f"=SUM({letter}{first_year_row}:{letter}{row - 1})",
                        self.money, font=_BOLD)
            cell.border = _TOP_BORDER
        row += 1
        _text(ws, row, 1, t("present_value"), font=_BOLD)
        factors = self._monthly_range(layout.factor_row)
        for column, source in ((3, layout.costs_row), (4, layout.gains_row),
                               (5, layout.net_row)):
            _put(ws, row, column, f"=SUMPRODUCT({self._monthly_range(source)},{factors})",
                 self.money, font=_BOLD)
        return row + 1

    def _write_scenarios(self, ws, row: int, headline_rows: dict[str, int]) -> int:
        """Each scenario multiplies every monthly gain and cost by its factors (method §4), so
        its totals and NPV are the base ones scaled; the factors are input cells."""
        t, layout = self.t, self.layout
        _text(ws, row, 1, t("scenarios"), font=_SECTION)
        row += 1
        _header_row(ws, row, (t("scenario"), t("gains_factor"), t("costs_factor"),
                              t("costs"), t("gains"), t("net_gain"), t("roi_percent"),
                              t("npv")))
        factors = self._monthly_range(layout.factor_row)
        present_costs = f"SUMPRODUCT({self._monthly_range(layout.costs_row)},{factors})"
        present_gains = f"SUMPRODUCT({self._monthly_range(layout.gains_row)},{factors})"
        costs = f"$B${headline_rows['total_costs']}"
        gains = f"$B${headline_rows['total_gains']}"
        with override(self.lang):
            names = {code: str(name) for code, name in SCENARIO_NAMES.items()}
        for scenario in self.case.scenarios:
            row += 1
            _text(ws, row, 1, names.get(scenario.code, scenario.code))
            _put(ws, row, 2, _number(scenario.gains_factor), "0.00", fill=_INPUT_FILL)
            _put(ws, row, 3, _number(scenario.costs_factor), "0.00", fill=_INPUT_FILL)
            _put(ws, row, 4, f"=C{row}*{costs}", self.money)
            _put(ws, row, 5, f"=B{row}*{gains}", self.money)
            _put(ws, row, 6, f"=E{row}-D{row}", self.money)
            _put(ws, row, 7, f'=IF(D{row}=0,"{NOT_APPLICABLE}",F{row}/D{row}*100)',
                 self.percent)
            _put(ws, row, 8, f"=B{row}*{present_gains}-C{row}*{present_costs}", self.money)
        return row + 1

    # -- all ---------------------------------------------------------------------------------

    def build(self) -> bytes:
        self.write_assumptions()
        self.write_costs()
        self.write_gains()
        self.write_monthly()
        self.write_summary()
        properties = self.wb.properties
        properties.creator = "ROI Checklist"
        properties.title = safe_text(self.project_name)[:200] or self.t("title")
        # openpyxl cannot store computed values: ask Excel to compute everything on opening.
        self.wb.calculation.fullCalcOnLoad = True
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()


def build_workbook(case: Case, *, lang: str = "fr", client_name: str = "",
                   project_name: str = "") -> bytes:
    """The .xlsx file of ``case`` (bytes): the method's figures as live formulas.

    ``lang`` "fr" (default) or "en" names the sheets and labels; ``project_name`` defaults to
    the case's name. Money cells are numbers in the case's currency, ROI and IRR are in percent
    (22.22 means 22.22 %), paybacks in months. Raises ValueError on a case the engine refuses.
    """
    return _Writer(case, lang, client_name, project_name).build()


def project_workbook(project) -> bytes:
    """The .xlsx file of a stored project, in the project's language (for the web download)."""
    return build_workbook(project_case(project), lang=project.language,
                          client_name=project.client.name, project_name=project.name)
