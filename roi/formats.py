"""Numbers the way a French CFO reads them (``45 000,00 €``, ``22,22 %``, ``9,00 mois``),
English available: the one formatter of the pages, the charts, the PDFs and the workbook, and
the one parser of what people type (``12 000,50``, ``12000.50``, ``12 000 €``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from roi.calculation.limits import MAX_AMOUNT, MAX_QUANTITY


def active_language() -> str:
    """The two-letter code of the active language (``fr`` outside a request)."""
    return (get_language() or "fr")[:2]

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|\$|£|eur|euros?|usd|gbp|chf|%)", re.IGNORECASE)


# Thousands groups never start with 0: "0.001" is a thousandth, not 1.
_EN_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
_FR_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+")
# Beyond any bound of the product (10^19 is the largest monthly value of a line): refused
# before Decimal arithmetic meets a 5 000-digit number.
_LARGEST = MAX_AMOUNT * MAX_QUANTITY * 1000
_MAX_DIGITS = 60


class NumberTooLarge(ValueError):
    """A well-formed number beyond anything the product accepts."""


def parse_decimal(text: str | None, *, lang: str | None = None) -> Decimal | None:
    """Read ``12 000,50``, ``12000.50``, ``12 000 €``, ``1.234,5`` or ``1,234.5``.

    A lone comma is the decimal separator (French ``12,5``), except in English where
    ``12,000`` groups thousands. Returns None for an empty value; raises ValueError when it
    is not a number (a currency or percent sign alone, ``€``, is not a number either), and
    :class:`NumberTooLarge` for a number far beyond every bound of the product.
    """
    if text is None:
        return None
    spaceless = _SPACES.sub("", str(text))
    if not spaceless:
        return None
    cleaned = _CURRENCY.sub("", spaceless).strip()
    if not cleaned:
        # "€" or "%" alone: something was typed, and it is not a number.
        raise ValueError(text)
    if lang is None:
        lang = active_language()
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
    if len(cleaned.lstrip("+-").split(".")[0].lstrip("0")) > _MAX_DIGITS:
        raise NumberTooLarge(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if abs(value) > _LARGEST:
        raise NumberTooLarge(text)
    return value


def format_decimal(value: Decimal | None, places: int = 2, *, lang: str = "fr") -> str:
    """``45000`` -> ``45 000,00`` (fr, narrow no-break space) or ``45,000.00`` (en)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # −0,004 € shows as 0,00 €, never "−0,00 €"
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


# The workbook's number formats. A viewer that does not recalculate (mail preview, QuickLook, a
# phone) shows the stored value through these formats, so they follow format_money. The locale
# tag ([$-40C] French, [$-409] English) makes LibreOffice and Numbers use the project's
# separators (45 000,00 € / €45,000.00) whatever their own locale; Excel takes the separators
# from the reader's system settings and uses the tag for dates only.
_EXCEL_LOCALES = {"fr": "[$-40C]", "en": "[$-409]"}
_EXCEL_SYMBOL = re.compile(r"[^\w€$£¥]")  # nothing that could end a quoted literal


def _excel_format(lang: str, before: str, digits: str, after: str, *, red: bool) -> str:
    """``[locale]"before"digits"after";[Red][locale]"−before"digits"after"``."""
    locale = _EXCEL_LOCALES.get(lang, _EXCEL_LOCALES["fr"])
    minus = "-" if lang == "en" else MINUS

    def quoted(text: str) -> str:
        return f'"{text}"' if text else ""

    positive = f"{quoted(before)}{digits}{after}"
    negative = f"{quoted(minus + before)}{digits}{after}"
    return f"{locale}{positive};{'[Red]' if red else ''}{locale}{negative}"


def _excel_digits(places: int, *, grouped: bool) -> str:
    return ("#,##0" if grouped else "0") + ("." + "0" * places if places > 0 else "")


def excel_money_format(currency: str = "EUR", places: int = 2, *, lang: str = "fr") -> str:
    """The Excel number format of an amount, written as :func:`format_money` writes it:
    ``45 000,00 €`` / ``−10 000,00 €`` (fr), ``€45,000.00`` / ``-€10,000.00`` (en), a currency
    without a symbol by its code (``CHF 1,000.00``); negative amounts in red."""
    digits = _excel_digits(places, grouped=True)
    symbol = _EXCEL_SYMBOL.sub("", currency_symbol(currency))
    if lang == "en":
        before = symbol if symbol in CURRENCY_SYMBOLS.values() else f"{symbol}{NBSP}"
        return _excel_format(lang, before, digits, "", red=True)
    return _excel_format(lang, "", digits, f'"{NBSP}{symbol}"', red=True)


def excel_percent_format(places: int = 2, *, lang: str = "fr") -> str:
    """The Excel number format of a figure already in percent (22.22 shows ``22,22 %`` in
    French, ``22.22%`` in English) as :func:`format_percent` writes it; negatives in red."""
    after = '"%"' if lang == "en" else f'"{NBSP}%"'
    return _excel_format(lang, "", _excel_digits(places, grouped=False), after, red=True)


def excel_rate_format(places: int = 2, *, lang: str = "fr") -> str:
    """The Excel number format of a fraction shown as a percentage (0.08 shows ``8,00 %``) as
    :meth:`Formatter.rate` writes it (the format's ``%`` multiplies by 100)."""
    after = "%" if lang == "en" else f'"{NBSP}"%'
    return _excel_format(lang, "", _excel_digits(places, grouped=False), after, red=False)


def excel_number_format(places: int | None = 2, *, lang: str = "fr") -> str:
    """The Excel number format of a plain figure (months, factors): ``9,00`` (fr), ``9.00``
    (en); ``places`` None shows as many decimals as the value has (a quantity: ``2,5``)."""
    if places is None:
        return f"{_EXCEL_LOCALES.get(lang, _EXCEL_LOCALES['fr'])}General"
    return _excel_format(lang, "", _excel_digits(places, grouped=False), "", red=False)


def format_money_compact(value: Decimal, currency: str = "EUR", *, lang: str = "fr",
                         places: int = 0, divisor: Decimal = Decimal(1), suffix: str = "") -> str:
    """An amount for a chart's axis or label: ``−30 k€``, ``12 000 €`` (fr); ``−€30k``,
    ``€12,000`` (en). ``divisor`` and ``suffix`` give thousands (1000, "k") or millions
    (10^6, "M"); the spaces and signs are those of :func:`format_money`."""
    scaled = Decimal(value) / divisor
    if not scaled:
        suffix, places = "", 0
    digits = format_decimal(abs(scaled), places, lang=lang)
    negative = scaled.quantize(Decimal(1).scaleb(-places)) < 0
    symbol = currency_symbol(currency)
    if lang == "en":
        unit = f"{symbol}{digits}{suffix}" if symbol in CURRENCY_SYMBOLS.values() else (
            f"{digits}{suffix}{NBSP}{symbol}")
        return f"-{unit}" if negative else unit
    unit = (f"{digits}{NBSP}{suffix}{symbol}" if symbol in CURRENCY_SYMBOLS.values()
            else f"{digits}{NBSP}{suffix}{NBSP if suffix else ''}{symbol}")
    return f"{MINUS}{unit}" if negative else unit


def format_percent(value: Decimal, places: int = 2, *, lang: str = "fr") -> str:
    """``22,22 %`` (fr) or ``22.22%`` (en)."""
    digits = format_decimal(Decimal(value), places, lang=lang)
    return f"{digits}%" if lang == "en" else f"{digits.replace('-', MINUS)}{NBSP}%"


def irr_capped(value: Decimal | None) -> bool:
    """Whether an IRR is shown as "> 1 000 %" rather than as its figure."""
    return value is not None and Decimal(value) > IRR_DISPLAY_CAP


def format_limit(value: Decimal | int, *, lang: str | None = None) -> str:
    """A bound as a message writes it: ``1 000 000 000 000``, ``0,5`` (fr); ``1,000,000``,
    ``0.5`` (en): thousands grouped, no trailing zeros."""
    number = Decimal(value)
    places = max(0, -number.normalize().as_tuple().exponent)
    return format_decimal(number, places, lang=lang or active_language())


def format_input(value: Decimal | None) -> str:
    """A value for an input field: no thousands separator, trailing zeros removed."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def localized_input(value: Decimal | None) -> str:
    """A value shown back in an input: ``12000,5`` in French, ``12000.5`` in English."""
    text = format_input(value)
    return text.replace(".", ",") if active_language() == "fr" else text


NA = "n/a"
NONE = "—"  # a figure that has no meaning here (a payback without any cost)
# Above this an IRR says only "very fast": it is shown as "> 1 000 %" (the exact figure is in
# the dossier's appendix).
IRR_DISPLAY_CAP = Decimal(1000)


@dataclass(frozen=True)
class Formatter:
    """Display strings in one language and currency: ``45 000,00 €``, ``22,22 %``,
    ``9,00 mois``; undefined figures (None) read ``n/a`` (a payback: "non atteint")."""

    lang: str = "fr"
    currency: str = "EUR"

    def number(self, value: Decimal | None, places: int = 2) -> str:
        return NA if value is None else format_decimal(value, places, lang=self.lang)

    def money(self, value: Decimal | None, places: int = 2) -> str:
        return NA if value is None else format_money(value, self.currency, places,
                                                     lang=self.lang)

    def percent(self, value: Decimal | None, places: int = 2) -> str:
        return NA if value is None else format_percent(value, places, lang=self.lang)

    def months(self, value: Decimal | None) -> str:
        if value is None:
            return _("non atteint")
        return _("%(months)s mois") % {"months": format_decimal(value, 2, lang=self.lang)}

    def payback(self, value: Decimal | None, *, total_costs: Decimal | None) -> str:
        """A payback as a CFO reads it: ``9,00 mois``; "non atteint" when the cumulative does
        not come back within the horizon; ``—`` without any cost (nothing to pay back, where
        the method's rule gives 0)."""
        if not total_costs:
            return NONE
        return self.months(value)

    def irr(self, value: Decimal | None, places: int = 2) -> str:
        """An IRR: ``18,50 %``; above 1 000 % (a one-off cost paid back in weeks), ``> 1 000 %``,
        the exact figure being beside the point (the dossier's appendix gives it)."""
        if value is not None and irr_capped(value):
            return f">{NBSP}{self.percent(IRR_DISPLAY_CAP, 0)}"
        return self.percent(value, places)

    def rate(self, value: Decimal | None) -> str:
        """A fraction as a percentage: 0.08 -> ``8,00 %``."""
        return NA if value is None else self.percent(Decimal(value) * 100)

    def factor(self, value: Decimal) -> str:
        return f"×{NBSP}{format_decimal(value, 2, lang=self.lang)}"
