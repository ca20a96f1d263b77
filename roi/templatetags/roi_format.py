"""Template filters over the one formatter (:class:`roi.formats.Formatter`), in the active
language: ``45 000,00 €``, ``22,22 %``, ``9,00 mois``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from roi.formats import Formatter, active_language, irr_capped, localized_input

register = template.Library()


def _fmt(currency: str = "EUR") -> Formatter:
    return Formatter(lang=active_language(), currency=currency or "EUR")


def _value(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(value)


@register.filter
def money(value, currency: str = "EUR") -> str:
    """45000 -> ``45 000,00 €`` (fr) or ``€45,000.00`` (en); None -> ``n/a``."""
    return _fmt(currency).money(_value(value))


@register.filter
def money0(value, currency: str = "EUR") -> str:
    """Rounded to the unit, for dense tables and charts: ``45 000 €``."""
    return _fmt(currency).money(_value(value), 0)


@register.filter
def percent(value, places: int = 2) -> str:
    """22.2222 -> ``22,22 %``; None -> ``n/a``."""
    return _fmt().percent(_value(value), int(places))


@register.filter
def fraction_percent(value, places: int = 0) -> str:
    """0.8 -> ``80 %``."""
    if value is None or value == "":
        return ""
    return _fmt().percent(Decimal(value) * 100, int(places))


@register.filter
def months(value) -> str:
    """9 -> ``9,00 mois``; None -> ``non atteint``."""
    return _fmt().months(_value(value))


@register.filter
def payback(headline, discounted: str = "") -> str:
    """A headline's payback (``discounted`` for the discounted one): ``9,00 mois``,
    ``non atteint``, or ``—`` without any cost."""
    if headline is None:
        return ""
    value = headline.discounted_payback_months if discounted else headline.payback_months
    return _fmt().payback(value, total_costs=headline.total_costs)


@register.filter
def irr(value, places: int = 1) -> str:
    """An IRR in percent: ``18,5 %``; above 1 000 %, ``> 1 000 %``."""
    return _fmt().irr(_value(value), int(places))


@register.filter
def irr_exact(value) -> str:
    """The exact figure of an IRR shown as "> 1 000 %" (for a tooltip), else ""."""
    return _fmt().percent(_value(value)) if irr_capped(_value(value)) else ""


@register.filter
def number(value, places: int = 2) -> str:
    if value is None or value == "":
        return ""
    return _fmt().number(Decimal(value), int(places))


@register.filter
def plain_number(value) -> str:
    """A stored decimal as typed: 12000.000000 -> ``12000``, 0.5 -> ``0,5`` (fr)."""
    if value is None or value == "":
        return ""
    return localized_input(Decimal(value))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
