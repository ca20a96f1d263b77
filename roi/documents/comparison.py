"""The comparison of options (method §7): its formatted figures, its PDF dossier and its
workbook.

:func:`comparison_context` formats a ``roi-comparison/1`` document
(:func:`roi.calculation.comparison_document`): the same context serves the decision page, the
comparison PDF and the "Options étudiées" section of an approved version's dossier, which
renders the document frozen at approval. Every figure comes from the engine; this module only
formats it (:class:`roi.formats.Formatter`).

:func:`build_comparison_workbook` writes one set of sheets per option (:class:`CaseSheets`
with a sheet and defined-name prefix) and a first "Comparaison" sheet whose cells are live
formulas over the options' sheets, each stored with the engine's figure.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override
from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from checklist.catalogue.completeness import Completeness, less_reliable
from checklist.catalogue.reader import CatalogueInfo, catalogue_from_file
from roi.calculation.comparison import Comparison, comparison_document
from roi.documents.cache import cache_get, cached, document_key
from roi.documents.charts import options_cashflow_svg
from roi.documents.pdf import html_to_pdf, stylesheet
from roi.documents.workbook import (
    _SIGN_DECIMALS,
    NOT_APPLICABLE,
    CaseLayout,
    CaseSheets,
    Styles,
    _crossings,
    _formula_text,
    new_workbook,
    safe_text,
)
from roi.formats import Formatter, excel_money_format, excel_number_format, excel_percent_format
from roi.texts import PRICE_TIER_NAMES, licence_model_text, verdict_text

__all__ = ["OptionInfo", "build_comparison_workbook", "cached_comparison_pdf",
           "comparison_context", "render_comparison_pdf"]

SHOWN_HORIZONS = (12, 24, 36)
HEADLINE_KEYS = ("total_costs", "total_gains", "net_gain", "roi_percent", "npv",
                 "payback_months", "discounted_payback_months", "irr_percent")


@dataclass(frozen=True)
class OptionInfo:
    """What the comparison shows of an option besides its figures: the name a reader knows
    it by, and how many of its checklist's sub-items are still to do, out of how many, when
    there is a project behind it."""

    name: str
    todo: int | None = None
    total: int | None = None

    @classmethod
    def of(cls, name: str, state: Completeness) -> OptionInfo:
        return cls(name, state.todo, state.total)

    @property
    def less_reliable(self) -> bool:
        return self.todo is not None and less_reliable(self.todo, self.total or 0)


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _labels() -> dict[str, str]:
    return {
        "total_costs": _("Coût total (TCO)"),
        "total_gains": _("Gains (ajustés du risque)"),
        "net_gain": _("Gain net"),
        "roi_percent": _("ROI"),
        "npv": _("Valeur actuelle nette (VAN)"),
        "payback_months": _("Délai de retour"),
        "discounted_payback_months": _("Délai de retour actualisé"),
        "irr_percent": _("TRI annuel"),
    }


def _cell(key: str, headline: dict, fmt: Formatter) -> str:
    value = _d(headline.get(key))
    if key in ("roi_percent",):
        return fmt.percent(value)
    if key == "irr_percent":
        return fmt.irr(value)
    if key in ("payback_months", "discounted_payback_months"):
        return fmt.payback(value, total_costs=_d(headline["total_costs"]))
    return fmt.money(value)


def _price_rows(option: dict, fmt: Formatter) -> list[dict]:
    return [{
        "label": price["label"],
        "users": fmt.number(Decimal(price["users"]), 0),
        "price": fmt.money(Decimal(price["price_per_user_month"])),
        "tier": str(PRICE_TIER_NAMES.get(price["tier"] or "", "")),
        "plausible": price["plausible"] is not False,
    } for price in option.get("licence_prices", [])]


def comparison_context(document: dict, *, options: Sequence[OptionInfo], lang: str,
                       catalogue: CatalogueInfo | None = None) -> dict:
    """Everything a page or a PDF shows of a comparison, formatted in ``lang`` (call it
    inside ``override(lang)``): ``document`` is a ``roi-comparison/1`` document, ``options``
    names its options in the same order. Money in the comparison's currency."""
    fmt = Formatter(lang=lang, currency=document["currency"])
    catalogue = catalogue or catalogue_from_file(lang)
    titles = catalogue.post_titles
    labels = _labels()
    documents = document["options"]
    names = [info.name for info in options]
    columns = [f"{_('Horizon')} ({document['horizon_months']} {_('mois')})",
               *(f"{months} {_('mois')}" for months in SHOWN_HORIZONS)]
    option_rows = []
    for index, (option, info) in enumerate(zip(documents, options, strict=True)):
        views = [option, *(option["horizons"][str(months)] for months in SHOWN_HORIZONS)]
        versus = document["versus_first"][index]
        option_rows.append({
            "index": index,
            "number": index + 1,
            "name": info.name,
            "reference": index == 0,
            "best_by_npv": index == document["best_by_npv"],
            "best_by_roi": index == document["best_by_roi"],
            "figures": [{"label": labels[key],
                         "cells": [_cell(key, view, fmt) for view in views]}
                        for key in HEADLINE_KEYS],
            "headline": {key: _cell(key, option, fmt) for key in HEADLINE_KEYS},
            "net_negative": Decimal(option["net_gain"]) < 0,
            "licence_model": licence_model_text(option["licence_model"]),
            "licence_prices": _price_rows(option, fmt),
            "versus": None if versus is None else {
                "npv_difference": fmt.money(Decimal(versus["npv_difference"])),
                "net_gain_difference": fmt.money(Decimal(versus["net_gain_difference"])),
                "incremental_payback": fmt.months(_d(versus["incremental_payback_months"])),
            },
            "todo": info.todo,
            "total": info.total,
            "less_reliable": info.less_reliable,
        })
    # Every option k >= 1 lists the cost posts in the same order, with the reference's cost.
    alternatives = [versus["cost_difference_by_post"] for versus in document["versus_first"][1:]]
    post_rows = [{
        "title": titles.get(posts[0]["category"], posts[0]["category"]),
        "reference": fmt.money(Decimal(posts[0]["reference"])),
        "options": [{"amount": fmt.money(Decimal(post["option"])),
                     "difference": fmt.money(Decimal(post["difference"])),
                     "more": Decimal(post["difference"]) > 0} for post in posts],
    } for posts in zip(*alternatives, strict=True)]
    best_npv, best_roi = document["best_by_npv"], document["best_by_roi"]
    verdict = verdict_text(
        npv_name=names[best_npv], npv=fmt.money(Decimal(documents[best_npv]["npv"])),
        roi_name=None if best_roi is None else names[best_roi],
        roi="" if best_roi is None else fmt.percent(Decimal(documents[best_roi]["roi_percent"])),
        roi_option_costs_less=best_roi is not None and Decimal(
            documents[best_roi]["total_costs"]) < Decimal(documents[best_npv]["total_costs"]),
    )
    cumulatives = [[Decimal(v) for v in option["cumulative_net"]] for option in documents]
    chart = options_cashflow_svg(cumulatives, names=names, currency=document["currency"],
                                 lang=lang)
    chart_compact = options_cashflow_svg(cumulatives, names=names,
                                         currency=document["currency"], lang=lang, compact=True)
    return {
        "currency": document["currency"],
        "horizon_months": document["horizon_months"],
        "discount_rate": fmt.rate(Decimal(document["discount_rate"])),
        "columns": columns,
        "options": option_rows,
        "reference": option_rows[0],
        "alternatives": option_rows[1:],
        "post_rows": post_rows,
        "verdict": verdict,
        # Escaped by charts.py. The PDF shows the wide one, a page both (CSS picks one).
        "chart": mark_safe(chart),
        "chart_compact": mark_safe(chart_compact),
    }


def render_comparison_pdf(comparison: Comparison, *, options: Sequence[OptionInfo] | None = None,
                          title: str = "", client_name: str = "", lang: str = "fr",
                          document: dict | None = None) -> bytes:
    """The comparison dossier (PDF bytes) of ``comparison``, in ``lang``."""
    lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    document = document or comparison_document(comparison)
    options = options or [OptionInfo(option.name) for option in comparison.options]
    with override(lang):
        context = comparison_context(document, options=options, lang=lang)
        context.update({
            "lang": lang, "title": title or _("Comparaison des options"),
            "client_name": client_name,
            "edition_date": date_format(timezone.localdate(), "DATE_FORMAT"),
            "stylesheet": mark_safe(stylesheet()),  # our own static file, no user text
        })
        return html_to_pdf(render_to_string("pdf/comparison.html", context))


def _comparison_key(*, options: Sequence[OptionInfo], document: dict, title: str,
                    client_name: str, lang: str) -> str:
    return document_key("comparison", [
        document, [(o.name, o.todo, o.total) for o in options], title, client_name, lang,
        timezone.localdate()])


def comparison_pdf_ready(comparison: Comparison, *, options: Sequence[OptionInfo],
                         document: dict, title: str, client_name: str, lang: str
                         ) -> bytes | None:
    """What :func:`cached_comparison_pdf` would return, if already rendered (never renders)."""
    return cache_get(_comparison_key(options=options, document=document, title=title,
                                     client_name=client_name, lang=lang))


def cached_comparison_pdf(comparison: Comparison, *, options: Sequence[OptionInfo],
                          document: dict, title: str, client_name: str, lang: str) -> bytes:
    """:func:`render_comparison_pdf`, from the document cache when nothing it shows has
    changed (the figures, the names, the checklists' state, the language, today's date)."""
    key = _comparison_key(options=options, document=document, title=title,
                          client_name=client_name, lang=lang)
    return cached(key, lambda: render_comparison_pdf(
        comparison, options=options, document=document, title=title,
        client_name=client_name, lang=lang))


# --- the workbook ------------------------------------------------------------------------------


def build_comparison_workbook(comparison: Comparison, *, names: Sequence[str] | None = None,
                              lang: str = "fr") -> bytes:
    """The .xlsx file of a comparison: a "Comparaison" sheet first, then each option's five
    sheets (prefixed "Option k – ", defined names ``OPTk_…``). The comparison sheet's
    figures are formulas over the options' sheets, stored with the engine's values."""
    lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    names = list(names) if names is not None else [o.name for o in comparison.options]
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    styles = Styles(workbook)
    with override(lang):
        sheet_name = _("Comparaison")
        ws = workbook.add_worksheet(sheet_name)
        catalogue = catalogue_from_file(lang)
        writers = [
            CaseSheets(workbook, option.case, lang=lang, catalogue=catalogue,
                       result=option.result, project_name=names[option.index],
                       sheet_prefix=_("Option %(n)s – ") % {"n": option.index + 1},
                       name_prefix=f"OPT{option.index + 1}_", styles=styles).write()
            for option in comparison.options
        ]
        _ComparisonSheet(ws, comparison, writers, names, lang, catalogue).write()
        workbook.set_properties({"title": _("Comparaison des options"),
                                 "author": "ROI Checklist"})
        workbook.close()
    return buffer.getvalue()


class _ComparisonSheet:
    """The first sheet: each option in a column (B, C…), its headline figures pointing at its
    own "Synthèse" sheet, the differences with the reference, the incremental payback read
    from the difference of cumulatives (helper rows below), the cost difference by post."""

    def __init__(self, ws, comparison: Comparison, writers: list[CaseSheets],
                 names: list[str], lang: str, catalogue: CatalogueInfo) -> None:
        self.ws, self.comparison, self.writers, self.names = ws, comparison, writers, names
        self.lang, self.catalogue = lang, catalogue
        self.base = writers[0]  # for its cell helpers and formats
        self.money = excel_money_format(comparison.currency, lang=lang)
        self.percent = excel_percent_format(lang=lang)
        self.months = excel_number_format(2, lang=lang)

    def column(self, index: int) -> str:
        return xl_col_to_name(index + 1)  # option 0 in column B

    def write(self) -> None:
        ws, base, comparison = self.ws, self.base, self.comparison
        bold, header = {"bold": True}, {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True}
        base.text(ws, 1, 1, _("Comparaison des options"), {"bold": True, "font_size": 14})
        base.text(ws, 2, 1, _("Horizon %(h)s mois, devise %(c)s ; l’option 1 est la référence."
                              ) % {"h": comparison.horizon_months, "c": comparison.currency},
                  {"italic": True})
        row = 4
        base.header_row(ws, row, ("", *self.names))
        labels = _labels()
        not_reached = _("non atteint")
        formats = {"roi_percent": self.percent, "irr_percent": self.percent,
                   "payback_months": self.months, "discounted_payback_months": self.months}
        rows: dict[str, int] = {}
        for key in HEADLINE_KEYS:
            row += 1
            rows[key] = row
            base.text(ws, row, 1, labels[key], bold)
            for option, writer in zip(comparison.options, self.writers, strict=True):
                value = getattr(option.headline, key)
                if value is None:
                    value = not_reached if "payback" in key else NOT_APPLICABLE
                base.formula(ws, row, option.index + 2, f"={writer.headline_ref(key)}", value,
                             formats.get(key, self.money), {"align": "right"})
        # Differences with the reference.
        row += 2
        base.text(ws, row, 1, _("Par rapport à la référence (option 1)"),
                  {"bold": True, "font_size": 12})
        diff_rows = {}
        for key, label in (("npv", _("Écart de VAN")), ("net_gain", _("Écart de gain net"))):
            row += 1
            diff_rows[key] = row
            base.text(ws, row, 1, label, bold)
        row += 1
        payback_row = row
        base.text(ws, row, 1, _("Délai de retour incrémental (mois)"), bold)
        row += 2
        base.text(ws, row, 1, _("Coûts par poste sur l’horizon"), {"bold": True, "font_size": 12})
        row += 1
        base.header_row(ws, row, ("", *self.names))
        post_rows = {}
        codes = [p.category for p in (comparison.versus_first[1].cost_difference_by_post)]
        for code in codes:
            row += 1
            post_rows[code] = row
            base.text(ws, row, 1, self.catalogue.post_title(code))
        row += 2
        base.text(ws, row, 1, _("Meilleure VAN"), bold)
        best_row = row
        # Helper rows: D_m = cumulative_k,m − cumulative_reference,m and its crossings.
        row += 2
        base.text(ws, row, 1, _("Écart de cumul avec la référence, mois par mois (calcul du "
                                "délai de retour incrémental)"), {"italic": True})
        months = comparison.horizon_months
        first_col = 2
        row += 1
        header_row = row
        base.text(ws, row, 1, _("Mois"), header)
        for month in range(1, months + 1):
            base.number(ws, row, first_col + month - 1, month, None, header)
        helper_rows = {}
        for option, writer in zip(comparison.options[1:], self.writers[1:], strict=True):
            versus = comparison.versus_first[option.index]
            row += 1
            d_row = row
            base.text(ws, row, 1, _("Écart cumulé, %(name)s") % {
                "name": safe_text(self.names[option.index])})
            for month in range(1, months + 1):
                theirs = self._cumulative_ref(writer, month)
                ours = self._cumulative_ref(self.writers[0], month)
                base.formula(ws, row, first_col + month - 1, f"={theirs}-{ours}",
                             versus.cumulative_difference[month - 1], self.money)
            row += 1
            crossing_row = row
            base.text(ws, row, 1, _("Retour incrémental si l’écart redevient positif ce mois"))
            for month, crossing in enumerate(_crossings(versus.cumulative_difference), start=2):
                now = f"{xl_col_to_name(first_col + month - 2)}{d_row}"
                before = f"{xl_col_to_name(first_col + month - 3)}{d_row}"
                month_cell = f"{xl_col_to_name(first_col + month - 2)}${header_row}"
                base.formula(ws, row, first_col + month - 1, (
                    f"=IF(AND(ROUND({before},{_SIGN_DECIMALS})<0,"
                    f"ROUND({now},{_SIGN_DECIMALS})>=0),"
                    f'({month_cell}-1)+(-{before})/({now}-{before}),"")'), crossing, self.months)
            helper_rows[option.index] = (d_row, crossing_row)

        last = xl_col_to_name(first_col + months - 2)
        first = xl_col_to_name(first_col - 1)
        for option in comparison.options[1:]:
            versus = comparison.versus_first[option.index]
            letter, reference = self.column(option.index), self.column(0)
            for key, value in (("npv", versus.npv_difference),
                               ("net_gain", versus.net_gain_difference)):
                base.formula(ws, diff_rows[key], option.index + 2,
                             f"={letter}{rows[key]}-{reference}{rows[key]}", value, self.money)
            d_row, crossing_row = helper_rows[option.index]
            differences = f"{first}{d_row}:{last}{d_row}"
            crossings = f"{first}{crossing_row}:{last}{crossing_row}"
            payback = versus.incremental_payback_months
            base.formula(ws, payback_row, option.index + 2, (
                f"=IF(ROUND(MIN({differences}),{_SIGN_DECIMALS})>=0,0,"
                f"IF(COUNT({crossings})=0,{_formula_text(not_reached)},MIN({crossings})))"),
                not_reached if payback is None else payback, self.months, {"align": "right"})
        for option, writer in zip(comparison.options, self.writers, strict=True):
            for position, code in enumerate(codes):
                totals = self._post_total_formula(writer, code)
                value = (comparison.versus_first[1].cost_difference_by_post[position].reference
                         if option.index == 0 else
                         comparison.versus_first[option.index]
                         .cost_difference_by_post[position].option)
                base.formula(ws, post_rows[code], option.index + 2, totals, value, self.money)
        npv_range = f"$B${rows['npv']}:${self.column(len(self.names) - 1)}${rows['npv']}"
        name_range = f"$B$4:${self.column(len(self.names) - 1)}$4"
        base.formula(ws, best_row, 2, f"=INDEX({name_range},MATCH(MAX({npv_range}),"
                     f"{npv_range},0))", safe_text(self.names[comparison.best_by_npv]), None)
        ws.set_column(0, 0, 46)
        ws.set_column(1, max(len(self.names), months) + 1, 18)
        ws.freeze_panes(4, 1)

    @staticmethod
    def _cumulative_ref(writer: CaseSheets, month: int) -> str:
        layout = writer.layout
        sheet = quote_sheetname(writer.sheet_names["monthly"])
        return (f"{sheet}!${xl_col_to_name(layout.month_column(month) - 1)}"
                f"${layout.cumulative_row}")

    @staticmethod
    def _post_total_formula(writer: CaseSheets, code: str) -> str:
        count = writer.layout.cost_count
        if not count:
            return "=0"
        sheet = quote_sheetname(writer.sheet_names["costs"])
        first, last = CaseLayout.FIRST_LINE_ROW, CaseLayout.FIRST_LINE_ROW + count - 1
        codes = f"{sheet}!${xl_col_to_name(CaseLayout.C_CODE - 1)}${first}:" \
                f"${xl_col_to_name(CaseLayout.C_CODE - 1)}${last}"
        totals = f"{sheet}!${xl_col_to_name(CaseLayout.C_TOTAL - 1)}${first}:" \
                 f"${xl_col_to_name(CaseLayout.C_TOTAL - 1)}${last}"
        return f"=SUMIF({codes},{_formula_text(code)},{totals})"
