"""Turn a quantification helper's inputs into a gain line whose assumption keeps the formula."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from roi.calculation import quantify
from roi.formats import format_decimal


def _number(value: Decimal, *, percent: bool = False) -> str:
    lang = (get_language() or "fr")[:2]
    if percent:
        return format_decimal(value * 100, 2, lang=lang).rstrip("0").rstrip(",.") + " %"
    text = format_decimal(value, 2, lang=lang)
    return text[:-3] if text.endswith((",00", ".00")) else text


def quantified_line(helper: str, data: dict) -> dict:
    """The line item fields (yearly gain) for a helper's cleaned inputs."""
    result = quantify.HELPERS[helper](**data)
    amount = result.yearly_amount.quantize(Decimal("0.01"))
    # A revenue-based gain is stored as revenue with its margin on the line, so the engine,
    # the dossier and the Excel file all show the margin (and do not warn about turnover).
    stored_amount = result.yearly_revenue.quantize(Decimal("0.01"))
    v = {code: value for code, value in result.inputs}
    if helper == "time_saved":
        label = _("Temps gagné : %(h)s h/semaine × %(p)s personnes") % {
            "h": _number(v["hours_per_week"]), "p": _number(v["people"])}
        formula = _("%(h)s h/semaine × %(p)s personnes × %(c)s €/h (coût chargé) × "
                    "%(w)s semaines travaillées = %(a)s € par an") % {
            "h": _number(v["hours_per_week"]), "p": _number(v["people"]),
            "c": _number(v["loaded_hourly_cost"]), "w": _number(v["working_weeks"]),
            "a": _number(amount)}
    elif helper == "conversion_uplift":
        label = _("Conversion +%(u)s sur %(o)s opportunités/an") % {
            "u": _number(v["uplift_rate"], percent=True),
            "o": _number(v["opportunities_per_year"])}
        formula = _("%(o)s opportunités/an × %(u)s de hausse de conversion × %(d)s € "
                    "d’affaire moyenne × %(m)s de marge = %(a)s € de marge par an") % {
            "o": _number(v["opportunities_per_year"]),
            "u": _number(v["uplift_rate"], percent=True), "d": _number(v["average_deal"]),
            "m": _number(v["margin_rate"], percent=True), "a": _number(amount)}
    elif helper == "churn_reduction":
        label = _("Attrition −%(c)s sur %(n)s clients") % {
            "c": _number(v["churn_drop_rate"], percent=True), "n": _number(v["customers"])}
        formula = _("%(n)s clients × %(c)s de baisse d’attrition × %(r)s € de CA annuel par "
                    "client × %(m)s de marge = %(a)s € de marge conservée par an") % {
            "n": _number(v["customers"]), "c": _number(v["churn_drop_rate"], percent=True),
            "r": _number(v["annual_revenue_per_customer"]),
            "m": _number(v["margin_rate"], percent=True), "a": _number(amount)}
    else:
        label = _("Coût d’acquisition −%(d)s € sur %(n)s nouveaux clients/an") % {
            "d": _number(v["cac_drop"]), "n": _number(v["new_customers_per_year"])}
        formula = _("%(n)s nouveaux clients/an × %(d)s € de baisse du coût d’acquisition "
                    "= %(a)s € économisés par an") % {
            "n": _number(v["new_customers_per_year"]), "d": _number(v["cac_drop"]),
            "a": _number(amount)}
    return {
        "label": label[:200], "amount": stored_amount, "margin": result.margin,
        "quantity": Decimal(1), "recurrence": "yearly",
        "assumption": _("Calculé avec l’assistant : %(formula)s.") % {"formula": formula},
    }
