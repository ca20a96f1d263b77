"""Turn a quantification helper's inputs into a gain line whose assumption keeps the formula.

Amounts are written in the project's currency (``45 €/h``, ``$45/h``) by the one formatter,
:mod:`roi.formats`.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from roi.calculation import limits, quantify
from roi.formats import active_language, format_decimal, format_money


def _number(value: Decimal, *, percent: bool = False) -> str:
    lang = active_language()
    if percent:
        return format_decimal(value * 100, 2, lang=lang).rstrip("0").rstrip(",.") + " %"
    text = format_decimal(value, 2, lang=lang)
    return text[:-3] if text.endswith((",00", ".00")) else text


def _money(value: Decimal, currency: str) -> str:
    """``45 €``, ``12 000,50 €`` (fr); ``$45``, ``$12,000.50`` (en): cents only when there
    are some."""
    places = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
    return format_money(value, currency, places, lang=active_language())


def quantified_line(helper: str, data: dict, *, currency: str = "EUR") -> dict:
    """The line item fields (yearly gain) for a helper's cleaned inputs, its label and
    formula in the project's ``currency``."""
    result = quantify.HELPERS[helper](**data)
    amount = result.yearly_amount.quantize(Decimal("0.01"))
    # A revenue-based gain is stored as revenue with its margin on the line, so the engine,
    # the dossier and the Excel file all show the margin (and do not warn about turnover).
    stored_amount = result.yearly_revenue.quantize(Decimal("0.01"))
    v = {code: value for code, value in result.inputs}

    def money(value: Decimal) -> str:
        return _money(value, currency)

    if helper == "time_saved":
        label = _("Temps gagné : %(h)s h/semaine × %(p)s personnes") % {
            "h": _number(v["hours_per_week"]), "p": _number(v["people"])}
        formula = _("%(h)s h/semaine × %(p)s personnes × %(c)s/h (coût chargé) × "
                    "%(w)s semaines travaillées = %(a)s par an") % {
            "h": _number(v["hours_per_week"]), "p": _number(v["people"]),
            "c": money(v["loaded_hourly_cost"]), "w": _number(v["working_weeks"]),
            "a": money(amount)}
    elif helper == "conversion_uplift":
        label = _("Conversion +%(u)s sur %(o)s opportunités/an") % {
            "u": _number(v["uplift_rate"], percent=True),
            "o": _number(v["opportunities_per_year"])}
        formula = _("%(o)s opportunités/an × %(u)s de hausse de conversion × %(d)s "
                    "d’affaire moyenne × %(m)s de marge = %(a)s de marge par an") % {
            "o": _number(v["opportunities_per_year"]),
            "u": _number(v["uplift_rate"], percent=True), "d": money(v["average_deal"]),
            "m": _number(v["margin_rate"], percent=True), "a": money(amount)}
    elif helper == "churn_reduction":
        label = _("Attrition −%(c)s sur %(n)s clients") % {
            "c": _number(v["churn_drop_rate"], percent=True), "n": _number(v["customers"])}
        formula = _("%(n)s clients × %(c)s de baisse d’attrition × %(r)s de CA annuel par "
                    "client × %(m)s de marge = %(a)s de marge conservée par an") % {
            "n": _number(v["customers"]), "c": _number(v["churn_drop_rate"], percent=True),
            "r": money(v["annual_revenue_per_customer"]),
            "m": _number(v["margin_rate"], percent=True), "a": money(amount)}
    else:
        label = _("Coût d’acquisition −%(d)s sur %(n)s nouveaux clients/an") % {
            "d": money(v["cac_drop"]), "n": _number(v["new_customers_per_year"])}
        formula = _("%(n)s nouveaux clients/an × %(d)s de baisse du coût d’acquisition "
                    "= %(a)s économisés par an") % {
            "n": _number(v["new_customers_per_year"]), "d": money(v["cac_drop"]),
            "a": money(amount)}
    return {
        "label": label[:limits.MAX_LABEL_LENGTH], "amount": stored_amount,
        "margin": result.margin, "quantity": Decimal(1), "recurrence": "yearly",
        "assumption": _("Calculé avec l’assistant : %(formula)s.") % {"formula": formula},
    }
