"""Parsing and display of numbers the French way (``12 000,50 €``), English accepted too."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from roi.calculation.limits import MAX_AMOUNT

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|\$|£|eur|euros?|usd|gbp|chf|%)", re.IGNORECASE)


_EN_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_FR_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def parse_decimal(text: str | None, *, lang: str | None = None) -> Decimal | None:
    """Read ``12 000,50``, ``12000.50``, ``12 000 €``, ``1.234,5`` or ``1,234.5``.

    A lone comma is the decimal separator (French ``12,5``), except in English where
    ``12,000`` groups thousands. Returns None for an empty value; raises ValueError when it
    is not a number.
    """
    if text is None:
        return None
    cleaned = _CURRENCY.sub("", _SPACES.sub("", str(text))).strip()
    if not cleaned:
        return None
    if lang is None:
        from django.utils.translation import get_language

        lang = (get_language() or "fr")[:2]
    if lang == "en" and _EN_THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif lang != "en" and _FR_THOUSANDS.fullmatch(cleaned):
        # 1.500 or 12.000.000: dots grouping thousands, as French accounting writes them.
        cleaned = cleaned.replace(".", "")
    if "," in cleaned and "." in cleaned:
        # The last separator is the decimal one: 1.234,50 (fr/de) or 1,234.50 (en).
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if abs(value) > MAX_AMOUNT * 1000:
        raise ValueError(text)
    return value


def format_decimal(value: Decimal | None, places: int = 2, *, lang: str = "fr") -> str:
    """``45000`` -> ``45 000,00`` (fr, narrow no-break space) or ``45,000.00`` (en)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MINUS = "\u2212"
NBSP = "\u00a0"


def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency or "EUR", currency)


def format_money(value: Decimal, currency: str = "EUR", places: int = 2, *,
                 lang: str = "fr") -> str:
    """``45 000,00 €`` / ``−10 000,00 €`` (fr), ``€45,000.00`` / ``-€10,000.00`` (en); a
    currency without a symbol is written as its code (``CHF 1,000.00``)."""
    digits = format_decimal(Decimal(value), places, lang=lang)
    symbol = currency_symbol(currency)
    if lang == "en":
        sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
        if symbol in CURRENCY_SYMBOLS.values():
            return f"{sign}{symbol}{digits}"
        return f"{sign}{symbol}{NBSP}{digits}"
    return f"{digits.replace('-', MINUS)}{NBSP}{symbol}"


def format_percent(value: Decimal, places: int = 2, *, lang: str = "fr") -> str:
    """``22,22 %`` (fr) or ``22.22%`` (en)."""
    digits = format_decimal(Decimal(value), places, lang=lang)
    return f"{digits}%" if lang == "en" else f"{digits.replace('-', MINUS)}{NBSP}%"


def format_input(value: Decimal | None) -> str:
    """A value for an input field: no thousands separator, trailing zeros removed."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
