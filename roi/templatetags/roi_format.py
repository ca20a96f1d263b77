"""Figures the way a French CFO reads them: ``45 000,00 €``, ``22,22 %``, ``9,00 mois``."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from roi.formats import format_decimal, format_input, format_money, format_percent

register = template.Library()

def _lang() -> str:
    return (get_language() or "fr")[:2]


def _money(value, currency: str, places: int) -> str:
    if value is None or value == "":
        return _("n/a")
    return format_money(value, currency, places, lang=_lang())


@register.filter
def money(value, currency: str = "EUR") -> str:
    """45000 -> ``45 000,00 €`` (fr) or ``€45,000.00`` (en); None -> ``n/a``."""
    return _money(value, currency, 2)


@register.filter
def money0(value, currency: str = "EUR") -> str:
    """Rounded to the unit, for dense tables and charts: ``45 000 €``."""
    return _money(value, currency, 0)


@register.filter
def percent(value, places: int = 2) -> str:
    """22.2222 -> ``22,22 %``; None -> ``n/a``."""
    if value is None or value == "":
        return _("n/a")
    return format_percent(value, int(places), lang=_lang())


@register.filter
def fraction_percent(value, places: int = 0) -> str:
    """0.8 -> ``80 %``."""
    if value is None or value == "":
        return ""
    return percent(Decimal(value) * 100, places)


@register.filter
def months(value) -> str:
    """9 -> ``9,00 mois``; None -> ``non atteint``."""
    if value is None or value == "":
        return _("non atteint")
    return _("%(n)s mois") % {"n": format_decimal(Decimal(value), 2, lang=_lang())}


@register.filter
def number(value, places: int = 2) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value), int(places), lang=_lang())


@register.filter
def plain_number(value) -> str:
    """A stored decimal as typed: 12000.000000 -> ``12000``, 0.5 -> ``0,5`` (fr)."""
    if value is None or value == "":
        return ""
    text = format_input(Decimal(value))
    return text.replace(".", ",") if _lang() == "fr" else text


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
