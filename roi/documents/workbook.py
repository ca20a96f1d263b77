"""The Excel export: a workbook a CFO can audit, every figure a live formula (method §2–§3) that
also stores the engine's result, so that a viewer that does not recalculate (a mail preview,
QuickLook, a phone) shows the right numbers.

``build_workbook(case)`` returns the bytes of an .xlsx file with five sheets, written by
:class:`CaseSheets`:

- Summary (first): the headline figures of method §3 as formulas over the monthly flows, the
  by-year table, the scenarios (their factors are editable cells) and the engine's warnings;
- Assumptions: horizon H, annual discount rate r and the IRR's starting point (defined names
  ``ROI_HORIZON``, ``ROI_DISCOUNT_RATE``, ``ROI_IRR_GUESS``), the rules in words, each line's
  assumption, the qualitative benefits;
- Costs and Gains: one row per line item with its parameters as plain (editable) cells and its
  total over the horizon as a formula;
- Monthly flows: months 1..H as columns; one row per line: its first and last active month, the
  value of an active month and its ramp-up and confidence (formulas over the line's parameter
  cells), then per month ``(month >= first) × (month <= last) × value`` (× ``MIN(1, k / R)``
  for a gain's ramp-up); then costs_m, gains_m, net_m, cumulative_m, the discount factor
  1 / (1 + r)^(m/12), the discounted net and the rows the paybacks are read from.

Cached values. Every formula is written with ``write_formula(cell, formula, format, value)``
where ``value`` is the engine's own figure (``compute``, ``item_totals``, the per-month rows);
the per-line month cells, which the engine does not hand out, come from its exact per-line
flows (:func:`roi.calculation.lines.post_flows`), never from a float re-implementation (they are
written by :meth:`FormulaWorksheet.write_formula_row`, which gives the same bytes faster). A
test recalculates the file in LibreOffice Calc and finds every stored value equal to Calc's.

IRR. ``IRR`` is an iteration from a starting rate: from Excel's default (10 % a month) it does
not reach a root such as −96.78 % a year, or reaches another root when the flows change sign
several times. The formula therefore starts from ``ROI_IRR_GUESS``, the engine's own monthly
rate (1 + IRR)^(1/12) − 1 (10 % when the engine finds none), an editable cell on the
Assumptions sheet; a result at or below −99 % a year is "n/a", as in the method.

Formula injection (OWASP "CSV injection"): every user-provided string (labels, assumptions,
names, benefits) goes through :meth:`CaseSheets.text`, which writes a string cell (XlsxWriter's
``write_string``: never a formula) and marks the dangerous ones with Excel's quote prefix, so
that they stay text even when someone edits the cell. Formulas are ours only.

Labels go through gettext (French msgids, the file's language by ``override``); post titles
come from the catalogue version the case was filled with (the shipped file for a case file on
the command line); number formats from :mod:`roi.formats`.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from checklist.catalogue.models import RECURRENCE_CHOICES
from checklist.catalogue.reader import CatalogueInfo, catalogue_from_file
from roi.calculation import (
    Case,
    CaseResult,
    LineItem,
    Recurrence,
    case_to_json,
    compute,
    item_totals,
)
from roi.calculation.lines import post_flows
from roi.documents.cache import cache_get, cached, document_key
from roi.formats import (
    excel_money_format,
    excel_number_format,
    excel_percent_format,
    excel_rate_format,
)
from roi.projects.selectors import project_overview
from roi.texts import SCENARIO_NAMES, warning_text

__all__ = ["HEADLINE_NAMES", "CaseLayout", "CaseSheets", "FormulaWorksheet", "Styles",
           "build_workbook", "new_workbook", "project_workbook", "safe_text"]

# Defined name (after the name prefix) -> the key of the headline it holds (the results
# document's keys).
_HEADLINE_SUFFIXES: dict[str, str] = {
    "TOTAL_COSTS": "total_costs",
    "TOTAL_GAINS": "total_gains",
    "TOTAL_GAINS_UNADJUSTED": "total_gains_unadjusted",
    "NET_GAIN": "net_gain",
    "PERCENT": "roi_percent",
    "NPV": "npv",
    "PAYBACK_MONTHS": "payback_months",
    "DISCOUNTED_PAYBACK_MONTHS": "discounted_payback_months",
    "IRR_PERCENT": "irr_percent",
}
HEADLINE_NAMES: dict[str, str] = {f"ROI_{suffix}": key
                                  for suffix, key in _HEADLINE_SUFFIXES.items()}

NOT_APPLICABLE = "n/a"  # method §3: an ROI without cost is shown as "n/a"
# OWASP CSV/formula injection: a cell starting with one of these may be read as a formula by
# a spreadsheet (directly, or after a copy / a CSV round trip).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\ufe62", "\uff0b",
                     "\ufe63", "\uff0d", "\uff20")
# Characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot).
_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL_TEXT = 32_767  # Excel's limit per cell
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31
_NAME_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Payback tests compare the cumulative with 0 to the millionth: the file computes in binary
# floating point, where a cumulative that is exactly 0 for the engine can come out as −1e−13.
_SIGN_DECIMALS = 6
_MILLIONTH = Decimal(1).scaleb(-_SIGN_DECIMALS)
_ANNUAL_IRR_FLOOR = -99  # percent: the method's IRR is above −99 % a year
_DEFAULT_IRR_GUESS = 0.1  # Excel's own default, when the engine finds no IRR
_PRECISE = Context(prec=50, Emax=999_999, Emin=-999_999)

_BOLD = {"bold": True}
_TITLE = {"bold": True, "font_size": 14}
_SECTION = {"bold": True, "font_size": 12, "font_color": "#1F3864"}
_NOTE = {"italic": True, "font_color": "#595959"}
_HEADER = {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "vcenter"}
_HEADLINE = {"bg_color": "#FFF2CC"}
_INPUT = {"bg_color": "#EDF5E8"}
_TOP_BORDER = {"top": 1}
_WRAP = {"text_wrap": True, "valign": "top"}
_QUOTE_PREFIX = {"quote_prefix": True}  # Excel's leading apostrophe: stays text when edited


# --- cells ----------------------------------------------------------------------------------


def safe_text(value: object) -> str:
    """User text as it may go into a cell: no character XML cannot carry, Excel's length cap."""
    return _ILLEGAL_CHARACTERS.sub("", str(value))[:_MAX_CELL_TEXT]


def _cached(value):
    """A stored result: a number as the nearest double, text as it is."""
    if isinstance(value, Decimal | Fraction):
        return float(value)
    return value


class FormulaWorksheet(Worksheet):
    """A worksheet for this module's formulas, with a fast path for the line-month cells.

    - XlsxWriter scans every formula with some thirty regular expressions to prefix the
      functions newer than Excel 2007 (``_xlfn.``); ours use none of them (IF, AND, OR, NOT,
      ISNUMBER, IFERROR, MIN, MAX, SUM, SUMPRODUCT, COUNT, ROUND, IRR: a test holds the list),
      so :meth:`_prepare_formula` only drops the leading "=".
    - :meth:`write_formula_row` stores a row of formula cells with the checks of
      ``write_formula`` done once for the row, and :meth:`_write_cell` writes a numeric formula
      cell in one piece. The file is byte for byte what ``write_formula`` gives (a test
      compares them); a 2 000-line workbook has 120 000 such cells, and XlsxWriter's per-cell
      work was most of its time.
    """

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula[1:] if formula.startswith("=") else formula

    def write_formula_row(self, row: int, first_col: int, formulas: Sequence[str],
                          cell_format: Format, values: Sequence[float]) -> None:
        """``write_formula(row, first_col + k, formulas[k], cell_format, values[k])`` for
        every k (0-based row and column; formulas of this module, with or without "=")."""
        last_col = first_col + len(formulas) - 1
        if self.constant_memory or self._check_dimensions(row, first_col) or (
                self._check_dimensions(row, last_col)):
            for offset, (formula, value) in enumerate(zip(formulas, values, strict=True)):
                self.write_formula(row, first_col + offset, formula, cell_format, value)
            return
        cells = self.table[row]
        for offset, (formula, value) in enumerate(zip(formulas, values, strict=True)):
            cells[first_col + offset] = CellFormulaTuple(
                formula[1:] if formula.startswith("=") else formula, cell_format, value)

    def _write_cell(self, row, col, cell) -> None:
        if type(cell) is CellFormulaTuple and type(cell.value) is float and cell.format:
            formula = cell.formula
            if "&" in formula or "<" in formula or ">" in formula:
                formula = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" '
                          f's="{cell.format._get_xf_index()}"><f>{formula}</f>'
                          f"<v>{cell.value}</v></c>")
            return
        super()._write_cell(row, col, cell)


def new_workbook(output) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook writing to ``output`` (a path or a binary file object) in memory,
    ready for :class:`CaseSheets`."""
    return xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})


class Styles:
    """The cell formats of one workbook, each created once per set of properties (XlsxWriter
    formats belong to one workbook: writers sharing a workbook should share its Styles)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self._formats: dict[tuple, Format] = {}

    def get(self, *parts: dict | None, **properties) -> Format | None:
        """The format with the properties of ``parts`` (later ones win) and ``properties``."""
        # The key follows the order the properties come in: the same set in another order
        # only makes a second Format object, which XlsxWriter merges when it saves.
        key = (*(item for part in parts if part for item in part.items()),
               *properties.items())
        found = self._formats.get(key)
        if found is None:
            if not key:
                return None
            merged: dict = {}
            for part in parts:
                if part:
                    merged.update(part)
            merged.update(properties)
            found = self._formats[key] = self.workbook.add_format(merged)
        return found


def _ref(sheet: str, column: int, row: int) -> str:
    """An absolute reference to a cell of a sheet: 'Coûts'!$E$4 (1-based row and column)."""
    return f"{quote_sheetname(sheet)}!${xl_col_to_name(column - 1)}${row}"


def _row_range(sheet: str, row: int, first_column: int, last_column: int) -> str:
    """An absolute reference to part of a row: 'Flux mensuels'!$I$5:$T$5."""
    return (f"{quote_sheetname(sheet)}!${xl_col_to_name(first_column - 1)}${row}:"
            f"${xl_col_to_name(last_column - 1)}${row}")


def _formula_text(text: str) -> str:
    """A string literal inside one of our formulas (a translated word)."""
    return '"' + text.replace('"', '""') + '"'


def _sheet_name(prefix: str, name: str) -> str:
    """A valid sheet name: no character Excel refuses, at most 31 characters."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub("", f"{prefix}{name}").strip("'")
    return cleaned[:_MAX_SHEET_NAME] or "ROI"


def _round_half_away(value: Decimal) -> Decimal:
    """Excel's ROUND(value, 6): half away from zero."""
    return value.quantize(_MILLIONTH, rounding=ROUND_HALF_UP, context=_PRECISE)


def _crossings(cumulative: Sequence[Decimal]) -> list[Decimal | str]:
    """The payback helper row's values for months 2..H, as its formula computes them: where
    ROUND(c_{m−1}, 6) < 0 <= ROUND(c_m, 6), (m − 1) + (−c_{m−1}) / (c_m − c_{m−1}); else ""."""
    values: list[Decimal | str] = []
    with localcontext(_PRECISE):
        for month in range(2, len(cumulative) + 1):
            before, now = cumulative[month - 2], cumulative[month - 1]
            if _round_half_away(before) < 0 <= _round_half_away(now):
                values.append((month - 1) + (-before) / (now - before))
            else:
                values.append("")
    return values


def _monthly_irr_guess(irr_percent: Decimal | None) -> float:
    """The engine's IRR as a monthly rate, (1 + IRR)^(1/12) − 1: where IRR starts."""
    if irr_percent is None:
        return _DEFAULT_IRR_GUESS
    with localcontext(_PRECISE):
        return float((1 + irr_percent / 100) ** (Decimal(1) / 12) - 1)


# --- where things are --------------------------------------------------------------------------


class CaseLayout:
    """Where a case's cells are (rows and columns 1-based, as Excel shows them), so that a
    formula on one sheet can point at a cell of another, and so that sheets added later (the
    tracking's actuals, a comparison) can point at a line's monthly cells."""

    # Costs sheet columns
    C_NUMBER, C_CODE, C_POST, C_LABEL, C_AMOUNT, C_QUANTITY, C_RECURRENCE, C_START, C_END = (
        range(1, 10))
    C_BASE, C_TOTAL = 10, 11  # base = amount × quantity
    # Gains sheet columns (the first nine as on the costs sheet); base = amount × quantity ×
    # margin
    G_RAMP, G_CONFIDENCE, G_MARGIN, G_BASE, G_TOTAL_UNADJUSTED, G_TOTAL_ADJUSTED = range(10, 16)
    LINES_HEADER_ROW = 3
    FIRST_LINE_ROW = 4
    # Monthly sheet: A line, B label, C total, D first month, E last month, F value of an
    # active month, G months to full value (gains), H confidence (gains), I… months 1..H.
    M_HEADER_ROW = 3
    M_LINE, M_LABEL, M_TOTAL, M_FIRST, M_LAST, M_VALUE, M_RAMP, M_CONFIDENCE = range(1, 9)
    M_FIRST_MONTH_COLUMN = 9
    M_SUMMARY_FIRST_ROW = 5

    def __init__(self, case: Case) -> None:
        self.horizon = case.horizon_months
        self.cost_count = len(case.costs)
        self.gain_count = len(case.gains)
        first = self.M_SUMMARY_FIRST_ROW
        (self.costs_row, self.gains_row, self.gains_unadjusted_row, self.net_row,
         self.cumulative_row, self.factor_row, self.discounted_net_row,
         self.discounted_cumulative_row, self.payback_row,
         self.discounted_payback_row) = range(first, first + 10)
        # Line sections: a title row, then one row per line, then a blank row.
        self.cost_lines_title = self.discounted_payback_row + 2
        self.first_cost_row = self.cost_lines_title + 1
        self.gain_lines_title = self.first_cost_row + self.cost_count + 1
        self.first_gain_row = self.gain_lines_title + 1

    @property
    def last_month_column(self) -> int:
        return self.M_FIRST_MONTH_COLUMN + self.horizon - 1

    def month_column(self, month: int) -> int:
        return self.M_FIRST_MONTH_COLUMN + month - 1

    def cost_row(self, index: int) -> int:
        """The monthly sheet's row of the case's cost line ``index`` (0-based)."""
        return self.first_cost_row + index

    def gain_row(self, index: int) -> int:
        """The monthly sheet's row of gain line ``index`` (0-based), before confidence."""
        return self.first_gain_row + index

    @classmethod
    def line_row(cls, index: int) -> int:
        """The Costs or Gains sheet's row of line ``index`` (0-based)."""
        return cls.FIRST_LINE_ROW + index


# --- one case's sheets -------------------------------------------------------------------------


class CaseSheets:
    """Writes one case's five sheets into an XlsxWriter workbook.

    ``sheet_prefix`` goes before every sheet name (``"Option 2 – "``) and ``name_prefix``
    before every defined name (``"ROI_"`` gives ``ROI_NPV``…), so that several cases can share
    one workbook; their writers should share one :class:`Styles`. ``result`` is the engine's
    result of ``case`` when the caller has it already; ``catalogue`` names the posts (default:
    the catalogue file shipped with the code). After :meth:`write`, :attr:`sheet_names`,
    :attr:`layout` and :meth:`headline_ref` say where everything is.
    """

    def __init__(self, workbook: xlsxwriter.Workbook, case: Case, *, lang: str = "fr",
                 catalogue: CatalogueInfo | None = None, result: CaseResult | None = None,
                 client_name: str = "", project_name: str = "", sheet_prefix: str = "",
                 name_prefix: str = "ROI_", styles: Styles | None = None) -> None:
        if name_prefix and not _NAME_PREFIX.fullmatch(name_prefix):
            raise ValueError(f"invalid defined-name prefix {name_prefix!r}")
        self.workbook = workbook
        self.case = case
        self.lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        # The engine validates the case (ValueError on broken invariants) and gives every
        # figure the file stores next to its formula.
        self.result = result if result is not None else compute(case)
        self.totals = item_totals(case)
        self.catalogue = catalogue if catalogue is not None else catalogue_from_file(self.lang)
        self.client_name = client_name
        self.project_name = project_name or case.name
        self.name_prefix = name_prefix
        self.styles = styles if styles is not None else Styles(workbook)
        self.layout = CaseLayout(case)
        with override(self.lang):
            self.sheet_names = {key: _sheet_name(sheet_prefix, name) for key, name in (
                ("summary", _("Synthèse")), ("assumptions", _("Hypothèses")),
                ("costs", _("Coûts")), ("gains", _("Gains")),
                ("monthly", _("Flux mensuels")), ("actuals", _("Réels")))}
        self.money = excel_money_format(case.currency, lang=self.lang)
        self.percent = excel_percent_format(lang=self.lang)
        self.rate = excel_rate_format(lang=self.lang)
        self.months_format = excel_number_format(2, lang=self.lang)
        self.integer = excel_number_format(0, lang=self.lang)
        self.headline_rows: dict[str, int] = {}
        self.sheets: dict[str, Worksheet] = {}

    # -- helpers -----------------------------------------------------------------------------

    def name(self, suffix: str) -> str:
        """The defined name ``suffix`` of this case (``ROI_NPV``)."""
        return f"{self.name_prefix}{suffix}"

    def headline_ref(self, key: str) -> str:
        """The absolute reference of headline ``key`` (``"npv"``): 'Synthèse'!$B$16."""
        return _ref(self.sheet_names["summary"], 2, self.headline_rows[key])

    def _define(self, suffix: str, sheet: str, column: int, row: int) -> None:
        self.workbook.define_name(self.name(suffix), f"={_ref(sheet, column, row)}")

    def style(self, *parts: dict | None, num_format: str | None = None) -> Format | None:
        if num_format:
            return self.styles.get(*parts, num_format=num_format)
        return self.styles.get(*parts)

    def text(self, ws: Worksheet, row: int, column: int, value: object,
             *parts: dict | None) -> None:
        """Write ``value`` as a string cell that no spreadsheet may take for a formula."""
        text = safe_text(value)
        quote = _QUOTE_PREFIX if text.startswith(_FORMULA_TRIGGERS) else None
        ws.write_string(row - 1, column - 1, text, self.style(*parts, quote))

    def number(self, ws: Worksheet, row: int, column: int, value, num_format: str | None,
               *parts: dict | None) -> None:
        """Write a number; None leaves the cell blank (with its format: an input stays one)."""
        style = self.style(*parts, num_format=num_format)
        if value is None:
            ws.write_blank(row - 1, column - 1, None, style)
        else:
            ws.write_number(row - 1, column - 1, _cached(value), style)

    def formula(self, ws: Worksheet, row: int, column: int, formula: str, value,
                num_format: str | None, *parts: dict | None) -> None:
        """Write one of *our* formulas (never user text) with the engine's result."""
        ws.write_formula(row - 1, column - 1, formula, self.style(*parts, num_format=num_format),
                         _cached(value))

    def header_row(self, ws: Worksheet, row: int, titles: Sequence[str],
                   first_column: int = 1) -> None:
        for offset, title in enumerate(titles):
            self.text(ws, row, first_column + offset, title, _HEADER)

    @staticmethod
    def _widths(ws: Worksheet, widths: Sequence[float], first_column: int = 1) -> None:
        for offset, width in enumerate(widths):
            column = first_column + offset - 1
            ws.set_column(column, column, width)

    @staticmethod
    def _landscape(ws: Worksheet) -> None:
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    def _monthly_range(self, row: int, first_month: int = 1, last_month: int | None = None):
        layout = self.layout
        last_month = layout.horizon if last_month is None else last_month
        return _row_range(self.sheet_names["monthly"], row, layout.month_column(first_month),
                          layout.month_column(last_month))

    def _post(self, item: LineItem) -> str:
        return self.catalogue.post_title(item.category)

    # -- all ---------------------------------------------------------------------------------

    def write(self) -> CaseSheets:
        """Add the five sheets (Summary first) and write them; returns ``self``."""
        with override(self.lang):
            keys = ["summary", "assumptions", "costs", "gains", "monthly"]
            if self.result.tracking is not None:  # after go-live (method §6)
                keys.append("actuals")
            for key in keys:
                self.sheets[key] = self.workbook.add_worksheet(
                    self.sheet_names[key], worksheet_class=FormulaWorksheet)
            self.recurrence_words = {code: str(label) for code, label in RECURRENCE_CHOICES}
            self.write_assumptions()
            self.write_costs()
            self.write_gains()
            self.write_monthly()
            self.write_summary()
            if "actuals" in self.sheets:
                self.write_actuals()
        return self

    # -- Assumptions -------------------------------------------------------------------------

    def write_assumptions(self) -> None:
        ws, case, sheet = self.sheets["assumptions"], self.case, self.sheet_names["assumptions"]
        self.text(ws, 1, 1, _("Hypothèses du calcul"), _TITLE)
        self.text(ws, 3, 1, _("Horizon (mois)"), _BOLD)
        self.number(ws, 3, 2, case.horizon_months, self.integer, _INPUT)
        self.text(ws, 3, 3, _("Nombre de mois calculés (colonnes de « Flux mensuels ») ; pour "
                              "un autre horizon, régénérez le fichier."), _NOTE)
        self.text(ws, 4, 1, _("Taux d’actualisation annuel"), _BOLD)
        self.number(ws, 4, 2, case.discount_rate, self.rate, _INPUT)
        self.text(ws, 4, 3, _("Un flux du mois m vaut flux / (1 + r)^(m/12) aujourd’hui."),
                  _NOTE)
        self.text(ws, 5, 1, _("Devise"), _BOLD)
        self.text(ws, 5, 2, case.currency)
        self.text(ws, 6, 1, _("Point de départ du TRI (taux mensuel)"), _BOLD)
        self.number(ws, 6, 2, _monthly_irr_guess(self.result.headline.irr_percent),
                    excel_rate_format(4, lang=self.lang), _INPUT)
        self.text(ws, 6, 3, _("La fonction TRI (IRR) cherche par itérations à partir de ce "
                              "taux : c’est le taux mensuel trouvé par ROI Checklist, pour que "
                              "le tableur trouve la même racine (10 % s’il n’y en a pas)."),
                  _NOTE)
        self._define("HORIZON", sheet, 2, 3)
        self._define("DISCOUNT_RATE", sheet, 2, 4)
        self._define("IRR_GUESS", sheet, 2, 6)

        row = 8
        self.text(ws, row, 1, _("Règles du calcul (méthode ROI Checklist)"), _SECTION)
        for rule in (
            _("Chaque ligne est calculée mois par mois, du mois 1 à l’horizon, et vaut zéro "
              "hors de ses mois de début et de fin."),
            _("Gains : au k-ième mois, × min(1, k / R) pendant la montée en charge de R mois "
              "(sauf ponctuel), × marge si elle est renseignée."),
            _("Gains ajustés du risque = gains × confiance ; les gains avant ajustement sont "
              "montrés à côté."),
            _("Flux net = gains ajustés − coûts ; ROI = gain net / coûts × 100."),
        ):
            row += 1
            self.text(ws, row, 1, rule)
        row += 2
        self.text(ws, row, 1, _("Hypothèses par ligne"), _SECTION)
        row += 1
        self.header_row(ws, row, (_("N°"), _("Poste"), _("Libellé"), _("Hypothèse")))
        for reference, item in self._numbered_lines():
            row += 1
            self.text(ws, row, 1, reference)
            self.text(ws, row, 2, self._post(item))
            self.text(ws, row, 3, item.label)
            self.text(ws, row, 4, item.assumption or "—", _WRAP)
        row += 2
        self.text(ws, row, 1, _("Bénéfices qualitatifs"), _SECTION)
        for benefit in case.qualitative_benefits or ("—",):
            row += 1
            self.text(ws, row, 1, benefit)
        self._widths(ws, (34, 40, 40, 80))
        self._landscape(ws)

    def _cost_ref(self, index: int) -> str:
        return _("C%(n)s") % {"n": index + 1}

    def _gain_ref(self, index: int) -> str:
        return _("G%(n)s") % {"n": index + 1}

    def _numbered_lines(self):
        for index, item in enumerate(self.case.costs):
            yield self._cost_ref(index), item
        for index, item in enumerate(self.case.gains):
            yield self._gain_ref(index), item

    # -- Costs and Gains ---------------------------------------------------------------------

    def _line_parameters(self, ws: Worksheet, row: int, reference: str,
                         item: LineItem) -> None:
        L = CaseLayout
        self.text(ws, row, L.C_NUMBER, reference)
        self.text(ws, row, L.C_CODE, item.category)
        self.text(ws, row, L.C_POST, self._post(item))
        self.text(ws, row, L.C_LABEL, item.label)
        self.number(ws, row, L.C_AMOUNT, item.amount, self.money, _INPUT)
        self.number(ws, row, L.C_QUANTITY, item.quantity, excel_number_format(None, lang=self.lang),
                    _INPUT)
        self.text(ws, row, L.C_RECURRENCE,
                  self.recurrence_words[Recurrence(item.recurrence).value], _INPUT)
        self.number(ws, row, L.C_START, item.start_month, self.integer, _INPUT)
        self.number(ws, row, L.C_END, item.end_month, self.integer, _INPUT)

    def _recurrence_validation(self, ws: Worksheet, count: int) -> None:
        words = [self.recurrence_words[r.value] for r in Recurrence]
        if count == 0 or any("," in word or '"' in word for word in words):
            return  # a list validation cannot carry a comma or a quote inside a choice
        first = CaseLayout.FIRST_LINE_ROW - 1
        column = CaseLayout.C_RECURRENCE - 1
        ws.data_validation(first, column, first + count - 1, column,
                           {"validate": "list", "source": words})

    def _total_row(self, ws: Worksheet, row: int, totals: Sequence[tuple[int, Decimal]],
                   count: int) -> None:
        self.text(ws, row, 1, _("Total"), _BOLD)
        first = CaseLayout.FIRST_LINE_ROW
        for column, value in totals:
            letter = xl_col_to_name(column - 1)
            formula = f"=SUM({letter}{first}:{letter}{first + count - 1})" if count else "=0"
            self.formula(ws, row, column, formula, value, self.money, _BOLD, _TOP_BORDER)

    def write_costs(self) -> None:
        ws, L, layout = self.sheets["costs"], CaseLayout, self.layout
        self.text(ws, 1, 1, _("Coûts par ligne"), _TITLE)
        self.header_row(ws, L.LINES_HEADER_ROW, (
            _("N°"), _("Code"), _("Poste"), _("Libellé"), _("Montant unitaire"), _("Quantité"),
            _("Récurrence"), _("Mois de début"), _("Mois de fin"), _("Montant × quantité"),
            _("Total sur l’horizon")))
        amount, quantity = xl_col_to_name(L.C_AMOUNT - 1), xl_col_to_name(L.C_QUANTITY - 1)
        for index, item in enumerate(self.case.costs):
            row = L.line_row(index)
            self._line_parameters(ws, row, self._cost_ref(index), item)
            self.formula(ws, row, L.C_BASE, f"={amount}{row}*{quantity}{row}",
                         item.amount * item.quantity, self.money)
            self.formula(ws, row, L.C_TOTAL,
                         f"=SUM({self._monthly_range(layout.cost_row(index))})",
                         self.totals[index][0], self.money)
        count = layout.cost_count
        self._recurrence_validation(ws, count)
        total_row = L.line_row(count)
        self._total_row(ws, total_row, ((L.C_TOTAL, self.result.headline.total_costs),),
                        count)
        self.text(ws, total_row + 2, 1, self._lines_note(), _NOTE)
        self._widths(ws, (7, 14, 40, 40, 16, 10, 12, 10, 10, 18, 18))
        ws.freeze_panes(L.FIRST_LINE_ROW - 1, L.C_AMOUNT - 1)
        self._landscape(ws)

    def _lines_note(self) -> str:
        words = self.recurrence_words
        return _("Mois de fin vide = jusqu’à l’horizon ; marge vide = 100 %%. Récurrence : "
                 "« %(once)s » = montant × quantité au mois de début ; « %(monthly)s » = "
                 "chaque mois ; « %(yearly)s » = montant × quantité / 12 chaque mois.") % {
            "once": words["once"], "monthly": words["monthly"], "yearly": words["yearly"]}

    def write_gains(self) -> None:
        ws, L, layout, headline = self.sheets["gains"], CaseLayout, self.layout, (
            self.result.headline)
        self.text(ws, 1, 1, _("Gains par ligne"), _TITLE)
        self.header_row(ws, L.LINES_HEADER_ROW, (
            _("N°"), _("Code"), _("Poste"), _("Libellé"), _("Montant unitaire"), _("Quantité"),
            _("Récurrence"), _("Mois de début"), _("Mois de fin"), _("Montée en charge (mois)"),
            _("Confiance"), _("Marge"), _("Montant × quantité × marge"),
            _("Total avant ajustement"), _("Total ajusté du risque")))
        amount, quantity = xl_col_to_name(L.C_AMOUNT - 1), xl_col_to_name(L.C_QUANTITY - 1)
        margin, confidence = xl_col_to_name(L.G_MARGIN - 1), xl_col_to_name(L.G_CONFIDENCE - 1)
        unadjusted = xl_col_to_name(L.G_TOTAL_UNADJUSTED - 1)
        costs = layout.cost_count
        for index, item in enumerate(self.case.gains):
            row = L.line_row(index)
            self._line_parameters(ws, row, self._gain_ref(index), item)
            self.number(ws, row, L.G_RAMP, item.ramp_up_months, self.integer, _INPUT)
            self.number(ws, row, L.G_CONFIDENCE, item.confidence, self.rate, _INPUT)
            self.number(ws, row, L.G_MARGIN, item.margin, self.rate, _INPUT)
            base = item.amount * item.quantity * (1 if item.margin is None else item.margin)
            self.formula(ws, row, L.G_BASE, f"={amount}{row}*{quantity}{row}*"
                         f"IF(ISNUMBER({margin}{row}),{margin}{row},1)", base, self.money)
            total, total_unadjusted = self.totals[costs + index]
            self.formula(ws, row, L.G_TOTAL_UNADJUSTED,
                         f"=SUM({self._monthly_range(layout.gain_row(index))})",
                         total_unadjusted, self.money)
            self.formula(ws, row, L.G_TOTAL_ADJUSTED, f"={unadjusted}{row}*{confidence}{row}",
                         total, self.money)
        count = layout.gain_count
        self._recurrence_validation(ws, count)
        total_row = L.line_row(count)
        self._total_row(ws, total_row, (
            (L.G_TOTAL_UNADJUSTED, headline.total_gains_unadjusted),
            (L.G_TOTAL_ADJUSTED, headline.total_gains)), count)
        self.text(ws, total_row + 2, 1, self._lines_note(), _NOTE)
        self._widths(ws, (7, 14, 40, 40, 16, 10, 12, 10, 10, 14, 11, 11, 18, 18, 18))
        ws.freeze_panes(L.FIRST_LINE_ROW - 1, L.C_AMOUNT - 1)
        self._landscape(ws)

    # -- Monthly flows -----------------------------------------------------------------------

    def write_monthly(self) -> None:
        ws, layout, case, result = self.sheets["monthly"], self.layout, self.case, self.result
        L = CaseLayout
        horizon = case.horizon_months
        first_col = L.M_FIRST_MONTH_COLUMN
        self.text(ws, 1, 1, _("Flux mensuels"), _TITLE)
        self.header_row(ws, L.M_HEADER_ROW, (
            _("Ligne"), _("Libellé"), _("Total"), _("Premier mois"), _("Dernier mois"),
            _("Montant d’un mois actif"), _("Mois jusqu’au plein"), _("Confiance")))
        month_style = self.style(_BOLD, _HEADER, {"align": "center"}, num_format='"M"0')
        for month in range(1, horizon + 1):
            ws.write_number(L.M_HEADER_ROW - 1, first_col + month - 2, month, month_style)
        self.text(ws, L.M_SUMMARY_FIRST_ROW - 1, 1, _("Synthèse mensuelle"), _SECTION)
        letters = [xl_col_to_name(first_col - 1 + m) for m in range(horizon)]
        header = L.M_HEADER_ROW
        money = self.style(num_format=self.money)
        horizon_name = self.name("HORIZON")
        once = _formula_text(self.recurrence_words["once"])
        yearly = _formula_text(self.recurrence_words["yearly"])
        first_letter, last_letter = xl_col_to_name(L.M_FIRST - 1), xl_col_to_name(L.M_LAST - 1)
        value_letter, ramp_letter = xl_col_to_name(L.M_VALUE - 1), xl_col_to_name(L.M_RAMP - 1)

        def line_row(row: int, sheet: str, parameter_row: int, reference: str, item: LineItem,
                     *, gain: bool, flows: list[int], denominator: int, total) -> None:
            """One line: its active months and monthly value from its parameter cells on
            ``sheet`` (``once`` = its start month only; otherwise start..end, a blank end
            meaning every month to the horizon; ``yearly`` = base / 12), then each month."""
            recurrence, start, end = (_ref(sheet, column, parameter_row) for column in (
                L.C_RECURRENCE, L.C_START, L.C_END))
            base = _ref(sheet, L.G_BASE if gain else L.C_BASE, parameter_row)
            self.text(ws, row, L.M_LINE, f"{reference} · {self._post(item)}")
            self.text(ws, row, L.M_LABEL, item.label)
            self.formula(ws, row, L.M_TOTAL, f"=SUM({letters[0]}{row}:{letters[-1]}{row})",
                         total, self.money, _BOLD)
            is_once = Recurrence(item.recurrence) is Recurrence.ONCE
            last = item.start_month if is_once else (
                horizon if item.end_month is None else item.end_month)
            value = Fraction(item.amount) * Fraction(item.quantity)
            if gain and item.margin is not None:
                value *= Fraction(item.margin)
            if Recurrence(item.recurrence) is Recurrence.YEARLY:
                value /= 12
            self.formula(ws, row, L.M_FIRST, f"={start}", item.start_month, self.integer)
            self.formula(ws, row, L.M_LAST, f"=IF({recurrence}={once},{start},"
                         f"IF(ISNUMBER({end}),{end},{horizon_name}))", last, self.integer)
            self.formula(ws, row, L.M_VALUE, f"=IF({recurrence}={yearly},{base}/12,{base})",
                         value, self.money)
            cells = f"(#{header}>=${first_letter}{row})*(#{header}<=${last_letter}{row})*" \
                    f"${value_letter}{row}"
            if gain:
                ramp = 1 if is_once else max(1, item.ramp_up_months)
                self.formula(ws, row, L.M_RAMP, f"=IF({recurrence}={once},1,"
                             f"MAX(1,{_ref(sheet, L.G_RAMP, parameter_row)}))", ramp,
                             self.integer)
                self.formula(ws, row, L.M_CONFIDENCE,
                             f"={_ref(sheet, L.G_CONFIDENCE, parameter_row)}",
                             item.confidence, self.rate)
                cells += f"*MIN(1,(#{header}-${first_letter}{row}+1)/${ramp_letter}{row})"
            # The hot loop of a large workbook: one formula per line and month.
            pattern = cells.replace("#", "{0}$").format
            ws.write_formula_row(row - 1, first_col - 1, [pattern(letter) for letter in letters],
                                 money, [numerator / denominator for numerator in flows])

        self.text(ws, layout.cost_lines_title, 1, _("Coûts par ligne"), _SECTION)
        for index, item in enumerate(case.costs):
            vector = post_flows((item,), (item.category,), horizon,
                                gains=False)[item.category].unadjusted
            line_row(layout.cost_row(index), self.sheet_names["costs"], L.line_row(index),
                     self._cost_ref(index), item, gain=False, flows=vector.numerators,
                     denominator=vector.denominator, total=self.totals[index][0])
        self.text(ws, layout.gain_lines_title, 1,
                  _("Gains par ligne, avant ajustement du risque (× confiance en colonne H)"),
                  _SECTION)
        for index, item in enumerate(case.gains):
            vector = post_flows((item,), (item.category,), horizon,
                                gains=True)[item.category].unadjusted
            line_row(layout.gain_row(index), self.sheet_names["gains"], L.line_row(index),
                     self._gain_ref(index), item, gain=True, flows=vector.numerators,
                     denominator=vector.denominator,
                     total=self.totals[layout.cost_count + index][1])

        # Monthly summary rows, with the engine's monthly rows as their values.
        monthly = result.monthly
        rows = layout
        costs_first, costs_last = layout.first_cost_row, layout.cost_row(layout.cost_count - 1)
        gains_first, gains_last = layout.first_gain_row, layout.gain_row(layout.gain_count - 1)
        confidence = xl_col_to_name(L.M_CONFIDENCE - 1)

        def costs_m(letter: str) -> str:
            return f"=SUM({letter}{costs_first}:{letter}{costs_last})" if layout.cost_count \
                else "=0"

        def gains_m(letter: str) -> str:
            if not layout.gain_count:
                return "=0"
            return (f"=SUMPRODUCT({letter}{gains_first}:{letter}{gains_last},"
                    f"${confidence}${gains_first}:${confidence}${gains_last})")

        def gains_unadjusted_m(letter: str) -> str:
            return f"=SUM({letter}{gains_first}:{letter}{gains_last})" if layout.gain_count \
                else "=0"

        with localcontext(_PRECISE):
            rate = Decimal(case.discount_rate)
            factors = [(1 + rate) ** (Decimal(-month) / 12) for month in range(1, horizon + 1)]
        summary = [
            (rows.costs_row, _("Coûts du mois"), costs_m, [m.costs for m in monthly],
             self.money),
            (rows.gains_row, _("Gains du mois (ajustés du risque)"), gains_m,
             [m.gains for m in monthly], self.money),
            (rows.gains_unadjusted_row, _("Gains du mois avant ajustement"), gains_unadjusted_m,
             [m.gains_unadjusted for m in monthly], self.money),
            (rows.net_row, _("Flux net"),
             lambda letter: f"={letter}{rows.gains_row}-{letter}{rows.costs_row}",
             [m.net for m in monthly], self.money),
            (rows.factor_row, _("Coefficient d’actualisation 1 / (1 + r)^(m/12)"),
             lambda letter: f"=1/(1+{self.name('DISCOUNT_RATE')})^({letter}${header}/12)",
             factors, excel_number_format(6, lang=self.lang)),
            (rows.discounted_net_row, _("Flux net actualisé"),
             lambda letter: f"={letter}{rows.net_row}*{letter}{rows.factor_row}",
             [m.discounted_net for m in monthly], self.money),
        ]
        for row, label, formula, values, number_format in summary:
            self.text(ws, row, 1, label, _BOLD, _HEADLINE)
            for m, letter in enumerate(letters):
                self.formula(ws, row, first_col + m, formula(letter), values[m], number_format)
        for row, label, source, values in (
                (rows.cumulative_row, _("Cumul des flux nets"), rows.net_row,
                 [m.cumulative for m in monthly]),
                (rows.discounted_cumulative_row, _("Cumul actualisé"), rows.discounted_net_row,
                 [m.discounted_cumulative for m in monthly])):
            self.text(ws, row, 1, label, _BOLD, _HEADLINE)
            for m, letter in enumerate(letters):
                previous = f"{letters[m - 1]}{row}+" if m else ""
                self.formula(ws, row, first_col + m, f"={previous}{letter}{source}", values[m],
                             self.money)
        # Payback helper rows (method §3): a value only in a month where the cumulative turns
        # from negative to >= 0, (m − 1) + (−cum_{m−1}) / (cum_m − cum_{m−1}); these values
        # grow with m, so the first crossing is the row's MIN.
        for row, label, cumulative, values in (
                (rows.payback_row, _("Délai de retour si le cumul redevient positif ce mois"),
                 rows.cumulative_row, [m.cumulative for m in monthly]),
                (rows.discounted_payback_row,
                 _("Délai de retour actualisé si le cumul actualisé redevient positif ce mois"),
                 rows.discounted_cumulative_row, [m.discounted_cumulative for m in monthly])):
            self.text(ws, row, 1, label, _BOLD, _HEADLINE)
            for m, crossing in enumerate(_crossings(values), start=1):  # month m + 1
                letter, before = letters[m], letters[m - 1]
                now_cell, before_cell = f"{letter}{cumulative}", f"{before}{cumulative}"
                self.formula(ws, row, first_col + m, (
                    f"=IF(AND(ROUND({before_cell},{_SIGN_DECIMALS})<0,"
                    f"ROUND({now_cell},{_SIGN_DECIMALS})>=0),"
                    f'({letter}${header}-1)+(-{before_cell})/({now_cell}-{before_cell}),"")'
                ), crossing, self.months_format)

        # Total column (C) of the summary rows where a total means something.
        headline = result.headline
        for row, value in ((rows.costs_row, headline.total_costs),
                           (rows.gains_row, headline.total_gains),
                           (rows.gains_unadjusted_row, headline.total_gains_unadjusted),
                           (rows.net_row, headline.net_gain),
                           (rows.discounted_net_row, headline.npv)):
            self.formula(ws, row, L.M_TOTAL, f"=SUM({letters[0]}{row}:{letters[-1]}{row})",
                         value, self.money, _BOLD)

        self._widths(ws, (46, 34, 16, 9, 9, 14, 9, 11))
        ws.set_column(first_col - 1, first_col - 2 + horizon, 13)
        ws.freeze_panes(L.M_HEADER_ROW, first_col - 1)
        self._landscape(ws)

    # -- Summary -----------------------------------------------------------------------------

    def write_summary(self) -> None:
        ws, case, layout, headline = (self.sheets["summary"], self.case, self.layout,
                                      self.result.headline)
        self.text(ws, 1, 1, _("Retour sur investissement du projet CRM"), _TITLE)
        row = 3
        for label, value in ((_("Client"), self.client_name), (_("Projet"), self.project_name)):
            self.text(ws, row, 1, label, _BOLD)
            self.text(ws, row, 2, value)
            row += 1
        self.text(ws, row, 1, _("Horizon (mois)"), _BOLD)
        self.formula(ws, row, 2, f"={self.name('HORIZON')}", case.horizon_months, self.integer)
        self.text(ws, row + 1, 1, _("Taux d’actualisation annuel"), _BOLD)
        self.formula(ws, row + 1, 2, f"={self.name('DISCOUNT_RATE')}", case.discount_rate,
                     self.rate)
        self.text(ws, row + 2, 1, _("Devise"), _BOLD)
        self.text(ws, row + 2, 2, case.currency)

        row += 4
        self.text(ws, row, 1, _("Indicateurs sur l’horizon"), _SECTION)
        row += 1
        self.header_row(ws, row, ("", _("Valeur"), _("Formule")))
        keys = list(_HEADLINE_SUFFIXES.values())
        for key in keys:
            row += 1
            self.headline_rows[key] = row
        cells = {key: f"$B${self.headline_rows[key]}" for key in keys}
        not_reached = _("non atteint")
        net = self._monthly_range(layout.net_row)
        annual_irr = f"((1+IRR({net},{self.name('IRR_GUESS')}))^12-1)*100"
        na = _formula_text(NOT_APPLICABLE)
        formulas = {
            "total_costs": f"=SUM({self._monthly_range(layout.costs_row)})",
            "total_gains": f"=SUM({self._monthly_range(layout.gains_row)})",
            "total_gains_unadjusted": f"=SUM({self._monthly_range(layout.gains_unadjusted_row)})",
            "net_gain": f"={cells['total_gains']}-{cells['total_costs']}",
            "roi_percent": (f"=IF({cells['total_costs']}=0,{na},"
                            f"{cells['net_gain']}/{cells['total_costs']}*100)"),
            "npv": f"=SUMPRODUCT({net},{self._monthly_range(layout.factor_row)})",
            "payback_months": self._payback_formula(layout.cumulative_row, layout.payback_row,
                                                    not_reached),
            "discounted_payback_months": self._payback_formula(
                layout.discounted_cumulative_row, layout.discounted_payback_row, not_reached),
            "irr_percent": (f"=IFERROR(IF({annual_irr}>{_ANNUAL_IRR_FLOOR},{annual_irr},{na}),"
                            f"{na})"),
        }
        labels = {
            "total_costs": (_("Total des coûts"),
                            _("Somme des coûts mensuels (feuille « Flux mensuels »)")),
            "total_gains": (_("Total des gains (ajustés du risque)"),
                            _("Somme des gains mensuels × confiance")),
            "total_gains_unadjusted": (_("Total des gains avant ajustement du risque"),
                                       _("Somme des gains mensuels avant confiance")),
            "net_gain": (_("Gain net"), _("Gains − coûts")),
            "roi_percent": (_("ROI (%)"), _("Gain net / coûts × 100 ; « n/a » sans coût")),
            "npv": (_("Valeur actuelle nette (VAN)"),
                    _("Σ flux net du mois m / (1 + r)^(m/12)")),
            "payback_months": (_("Délai de retour (mois)"), _(
                "Premier passage du cumul de négatif à positif, interpolé dans le mois ; 0 si "
                "le cumul n’est jamais négatif")),
            "discounted_payback_months": (_("Délai de retour actualisé (mois)"),
                                          _("Même règle sur le cumul actualisé")),
            "irr_percent": (_("TRI annuel (%)"), _(
                "(1 + TRI mensuel des flux nets)^12 − 1, en partant du taux mensuel de ROI "
                "Checklist (feuille « Hypothèses ») ; « n/a » sans changement de signe ou à "
                "−99 % et moins")),
        }
        formats = {"roi_percent": self.percent, "irr_percent": self.percent,
                   "payback_months": self.months_format,
                   "discounted_payback_months": self.months_format}
        values = {key: getattr(headline, key) for key in keys}
        for key in ("payback_months", "discounted_payback_months"):
            if values[key] is None:
                values[key] = not_reached
        for key in ("roi_percent", "irr_percent"):
            if values[key] is None:
                values[key] = NOT_APPLICABLE
        right = {"align": "right"}
        for key, key_row in self.headline_rows.items():
            label, how = labels[key]
            self.text(ws, key_row, 1, label, _BOLD)
            self.formula(ws, key_row, 2, formulas[key], values[key],
                         formats.get(key, self.money), _BOLD, _HEADLINE, right)
            self.text(ws, key_row, 3, how, _NOTE)
        for suffix, key in _HEADLINE_SUFFIXES.items():
            self._define(suffix, self.sheet_names["summary"], 2, self.headline_rows[key])

        row += 2
        row = self._write_by_year(ws, row)
        row += 1
        row = self._write_scenarios(ws, row)
        row += 1
        self.text(ws, row, 1, _("Points d’attention"), _SECTION)
        warnings = [warning_text(w, currency=self.case.currency) for w in self.result.warnings]
        for text in warnings or [_("Aucun point d’attention.")]:
            row += 1
            self.text(ws, row, 1, text)
        row += 2
        pattern = "%Y-%m-%d %H:%M" if self.lang == "en" else "%d/%m/%Y %H:%M"
        stamp = timezone.localtime().strftime(pattern)
        self.text(ws, row, 1, _(
            "Généré par ROI Checklist le %(date)s. Toutes les cellules de calcul sont des "
            "formules : Excel les recalcule à l’ouverture ; les valeurs enregistrées sont "
            "celles de ROI Checklist.") % {"date": stamp}, _NOTE)
        self._widths(ws, (44, 20, 20, 20, 20, 20, 20, 20))
        ws.hide_gridlines(2)
        self._landscape(ws)

    def _payback_formula(self, cumulative_row: int, payback_row: int, not_reached: str) -> str:
        cumulative = self._monthly_range(cumulative_row)
        paybacks = self._monthly_range(payback_row)
        return (f"=IF(ROUND(MIN({cumulative}),{_SIGN_DECIMALS})>=0,0,"
                f"IF(COUNT({paybacks})=0,{_formula_text(not_reached)},MIN({paybacks})))")

    def _write_by_year(self, ws: Worksheet, row: int) -> int:
        layout, by_year = self.layout, self.result.by_year
        self.text(ws, row, 1, _("Par année"), _SECTION)
        row += 1
        self.header_row(ws, row, (_("Année"), _("Mois"), _("Coûts"), _("Gains"), _("Net"),
                                  _("Cumul fin de période")))
        first_year_row = row + 1
        monthly = self.sheet_names["monthly"]
        for year in by_year.years:
            row += 1
            self.text(ws, row, 1, _("Année %(n)s") % {"n": year.year})
            self.text(ws, row, 2, _("M%(a)s–M%(b)s") % {"a": year.first_month,
                                                        "b": year.last_month})
            for column, source, value in ((3, layout.costs_row, year.costs),
                                          (4, layout.gains_row, year.gains),
                                          (5, layout.net_row, year.net)):
                self.formula(ws, row, column, "=SUM("
                             f"{self._monthly_range(source, year.first_month, year.last_month)})",
                             value, self.money)
            year_end = _ref(monthly, layout.month_column(year.last_month), layout.cumulative_row)
            self.formula(ws, row, 6, f"={year_end}", year.cumulative, self.money)
        row += 1
        self.text(ws, row, 1, _("Total"), _BOLD)
        for column, value in ((3, by_year.total.costs), (4, by_year.total.gains),
                              (5, by_year.total.net)):
            letter = xl_col_to_name(column - 1)
            self.formula(ws, row, column, f"=SUM({letter}{first_year_row}:{letter}{row - 1})",
                         value, self.money, _BOLD, _TOP_BORDER)
        row += 1
        self.text(ws, row, 1, _("Valeur actuelle"), _BOLD)
        factors = self._monthly_range(layout.factor_row)
        present = by_year.present_value
        for column, source, value in ((3, layout.costs_row, present.costs),
                                      (4, layout.gains_row, present.gains),
                                      (5, layout.net_row, present.net)):
            self.formula(ws, row, column,
                         f"=SUMPRODUCT({self._monthly_range(source)},{factors})", value,
                         self.money, _BOLD)
        return row + 1

    def _write_scenarios(self, ws: Worksheet, row: int) -> int:
        """Each scenario multiplies every monthly gain and cost by its factors (method §4), so
        its totals and NPV are the base ones scaled; the factors are input cells."""
        layout = self.layout
        self.text(ws, row, 1, _("Scénarios (facteurs modifiables)"), _SECTION)
        row += 1
        self.header_row(ws, row, (_("Scénario"), _("Facteur gains"), _("Facteur coûts"),
                                  _("Coûts"), _("Gains"), _("Gain net"), _("ROI (%)"),
                                  _("Valeur actuelle nette (VAN)")))
        factors = self._monthly_range(layout.factor_row)
        present_costs = f"SUMPRODUCT({self._monthly_range(layout.costs_row)},{factors})"
        present_gains = f"SUMPRODUCT({self._monthly_range(layout.gains_row)},{factors})"
        costs = f"$B${self.headline_rows['total_costs']}"
        gains = f"$B${self.headline_rows['total_gains']}"
        factor_format = excel_number_format(2, lang=self.lang)
        na = _formula_text(NOT_APPLICABLE)
        for scenario in self.result.scenarios:
            row += 1
            figures, code = scenario.headline, scenario.factors.code
            self.text(ws, row, 1, SCENARIO_NAMES.get(code, code))
            self.number(ws, row, 2, scenario.factors.gains_factor, factor_format, _INPUT)
            self.number(ws, row, 3, scenario.factors.costs_factor, factor_format, _INPUT)
            self.formula(ws, row, 4, f"=C{row}*{costs}", figures.total_costs, self.money)
            self.formula(ws, row, 5, f"=B{row}*{gains}", figures.total_gains, self.money)
            self.formula(ws, row, 6, f"=E{row}-D{row}", figures.net_gain, self.money)
            self.formula(ws, row, 7, f"=IF(D{row}=0,{na},F{row}/D{row}*100)",
                         NOT_APPLICABLE if figures.roi_percent is None else figures.roi_percent,
                         self.percent)
            self.formula(ws, row, 8, f"=B{row}*{present_gains}-C{row}*{present_costs}",
                         figures.npv, self.money)
        return row + 1


    # -- Actuals (after go-live, method §6) --------------------------------------------------

    def write_actuals(self) -> None:
        """The closed months 1..A, one row per line: each month's reported actual (an input),
        or, where none is reported, the plan's value from the monthly sheet (× confidence for a
        gain: a missing actual counts as planned); then the line's actual, plan and variance
        over 1..A as live formulas, the totals, the actual ROI and the tracking warnings."""
        ws, layout, case = self.sheets["actuals"], self.layout, self.case
        tracking = self.result.tracking
        closed = tracking.as_of_month
        monthly = self.sheet_names["monthly"]
        L = CaseLayout
        header, first_row = 4, 5
        first_month_col = 3
        real_col, plan_col, variance_col, percent_col = (first_month_col + closed + offset
                                                         for offset in range(4))
        self.text(ws, 1, 1, _("Réels après la mise en service"), _TITLE)
        self.text(ws, 2, 1, _("Mois clos : 1 à %(a)s. Les cellules vertes sont les réels "
                              "saisis ; les autres reprennent le plan (réel manquant).")
                  % {"a": closed}, _NOTE)
        self.header_row(ws, header, (_("Ligne"), _("Libellé")))
        month_style = self.style(_BOLD, _HEADER, {"align": "center"}, num_format='"M"0')
        for month in range(1, closed + 1):
            ws.write_number(header - 1, first_month_col + month - 2, month, month_style)
        self.header_row(ws, header, (_("Réel"), _("Plan"), _("Écart"), _("Écart %")),
                        first_column=real_col)
        first_letter = xl_col_to_name(first_month_col - 1)
        last_letter = xl_col_to_name(first_month_col + closed - 2) if closed else first_letter
        real_letter, plan_letter, variance_letter = (xl_col_to_name(c - 1) for c in (
            real_col, plan_col, variance_col))

        def flows(item: LineItem, gain: bool):
            return post_flows((item,), (item.category,), case.horizon_months,
                              gains=gain)[item.category].adjusted

        rows: dict[str, list[int]] = {"cost": [], "gain": []}
        row = first_row
        lines = [(item, "cost", index, layout.cost_row(index), self._cost_ref(index))
                 for index, item in enumerate(case.costs)]
        lines += [(item, "gain", index, layout.gain_row(index), self._gain_ref(index))
                  for index, item in enumerate(case.gains)]
        for (item, kind, _index, monthly_row, reference), line in zip(
                lines, tracking.lines, strict=True):
            gain = kind == "gain"
            self.text(ws, row, 1, f"{reference} · {self._post(item)}")
            self.text(ws, row, 2, item.label)
            reported = item.actuals_by_month
            planned = flows(item, gain)
            for month in range(1, closed + 1):
                column = first_month_col + month - 1
                if month in reported:
                    self.number(ws, row, column, reported[month], self.money, _INPUT)
                    continue
                cell = _ref(monthly, layout.month_column(month), monthly_row)
                factor = f"*{_ref(monthly, L.M_CONFIDENCE, monthly_row)}" if gain else ""
                self.formula(ws, row, column, f"={cell}{factor}",
                             Fraction(planned.numerators[month - 1], planned.denominator),
                             self.money)
            self.formula(ws, row, real_col, f"=SUM({first_letter}{row}:{last_letter}{row})"
                         if closed else "=0", line.actual, self.money, _BOLD)
            plan_range = self._monthly_range(monthly_row, 1, max(closed, 1))
            factor = f"*{_ref(monthly, L.M_CONFIDENCE, monthly_row)}" if gain else ""
            plan = f"=SUM({plan_range}){factor}" if closed else "=0"
            self.formula(ws, row, plan_col, plan, line.plan, self.money)
            self.formula(ws, row, variance_col, f"={real_letter}{row}-{plan_letter}{row}",
                         line.variance, self.money)
            self.formula(ws, row, percent_col,
                         f'=IF({plan_letter}{row}=0,"",{variance_letter}{row}/{plan_letter}'
                         f"{row}*100)",
                         "" if line.plan == 0 else line.variance / line.plan * 100, self.percent)
            rows[kind].append(row)
            row += 1

        row += 1
        totals = {}
        for kind, label, plan, actual, variance in (
                ("cost", _("Total coûts"), tracking.plan_costs, tracking.actual_costs,
                 tracking.cost_variance),
                ("gain", _("Total gains ajustés"), tracking.plan_gains, tracking.actual_gains,
                 tracking.gain_variance)):
            self.text(ws, row, 2, label, _BOLD, _TOP_BORDER)
            kind_rows = rows[kind]
            for column, value in ((real_col, actual), (plan_col, plan),
                                  (variance_col, variance)):
                letter = xl_col_to_name(column - 1)
                formula = (f"=SUM({letter}{kind_rows[0]}:{letter}{kind_rows[-1]})"
                           if kind_rows else "=0")
                self.formula(ws, row, column, formula, value, self.money, _BOLD, _TOP_BORDER)
            self.formula(ws, row, percent_col,
                         f'=IF({plan_letter}{row}=0,"",{variance_letter}{row}/{plan_letter}'
                         f"{row}*100)", "" if plan == 0 else variance / plan * 100,
                         self.percent, _BOLD, _TOP_BORDER)
            totals[kind] = row
            row += 1
        costs_total, gains_total = totals["cost"], totals["gain"]
        row += 1
        self.text(ws, row, 2, _("ROI réel sur les mois clos"), _BOLD)
        self.formula(ws, row, real_col,
                     f'=IF({real_letter}{costs_total}=0,"",({real_letter}{gains_total}'
                     f"-{real_letter}{costs_total})/{real_letter}{costs_total}*100)",
                     "" if tracking.actual_roi_percent is None else tracking.actual_roi_percent,
                     self.percent, _BOLD, _HEADLINE)
        row += 1
        codes = {w.code for w in tracking.warnings}
        self.text(ws, row, 2, _("Coûts au-delà du plan + 10 %"), _BOLD)
        self.formula(ws, row, real_col,
                     f'=IF({real_letter}{costs_total}>{plan_letter}{costs_total}*1.1,'
                     f'{_formula_text(_("ALERTE"))},"")',
                     _("ALERTE") if "costs_over_plan" in codes else "", None)
        row += 1
        self.text(ws, row, 2, _("Gains en deçà du plan − 20 %"), _BOLD)
        self.formula(ws, row, real_col,
                     f'=IF({real_letter}{gains_total}<{plan_letter}{gains_total}*0.8,'
                     f'{_formula_text(_("ALERTE"))},"")',
                     _("ALERTE") if "gains_under_plan" in codes else "", None)
        self._widths(ws, [28, 40])
        ws.set_column(first_month_col - 1, percent_col - 1, 13)
        ws.freeze_panes(header, 2)
        self._landscape(ws)


# --- the workbook ---------------------------------------------------------------------------


def build_workbook(case: Case, *, lang: str = "fr", client_name: str = "",
                   project_name: str = "", catalogue: CatalogueInfo | None = None,
                   result: CaseResult | None = None) -> bytes:
    """The .xlsx file of ``case`` (bytes): the method's figures as live formulas, each stored
    with the engine's result.

    ``lang`` names the sheets and labels (gettext; French by default); ``project_name``
    defaults to the case's name; ``catalogue`` names the posts (default: the catalogue file
    shipped with the code); ``result`` is ``compute(case)`` when the caller has it. Money cells
    are numbers in the case's currency, ROI and IRR are in percent (22.22 means 22.22 %),
    paybacks in months. Raises ValueError on a case the engine refuses.
    """
    buffer = io.BytesIO()
    with _without_garbage_collection():
        workbook = new_workbook(buffer)
        sheets = CaseSheets(workbook, case, lang=lang, catalogue=catalogue, result=result,
                            client_name=client_name, project_name=project_name).write()
        with override(sheets.lang):
            title = safe_text(sheets.project_name)[:200] or _(
                "Retour sur investissement du projet CRM")
        workbook.set_properties({"title": title, "author": "ROI Checklist"})
        workbook.close()
    return buffer.getvalue()


@contextlib.contextmanager
def _without_garbage_collection():
    """A large workbook is some 150 000 cell tuples that live until the file is written:
    Python's cycle collector would scan them again and again for nothing (they hold no
    cycle), about a tenth of the time. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# A change of this module's code changes the workbook: the cache keys carry its fingerprint.
WORKBOOK_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _workbook_key(project, overview) -> str:
    version = overview.catalogue_version
    return document_key("xlsx", [
        case_to_json(overview.case), project.pk, project.name, project.client.name,
        overview.lang, version.version if version else None,
        version.pk if version else None, WORKBOOK_VERSION,
        # The workbook prints the day it was made.
        timezone.localdate(),
    ])


def project_workbook(project) -> bytes:
    """The .xlsx file of a stored project, in the project's language, its posts named by the
    project's catalogue version (for the web download), from the document cache when
    nothing it shows has changed."""
    overview = project_overview(project, lang=project.language or settings.LANGUAGE_CODE)
    return cached(_workbook_key(project, overview), lambda: build_workbook(
        overview.case, lang=overview.lang, catalogue=overview.catalogue,
        result=overview.result, client_name=project.client.name, project_name=project.name))


def workbook_ready(project) -> bytes | None:
    """The project's workbook if it is in the cache (never builds it)."""
    overview = project_overview(project, lang=project.language or settings.LANGUAGE_CODE)
    return cache_get(_workbook_key(project, overview))

