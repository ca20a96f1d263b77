"""Numbers typed the way people type them, in French and in English."""

from decimal import Decimal

import pytest

from roi.formats import excel_money_format, format_decimal, format_money, parse_decimal


@pytest.mark.parametrize("typed,lang,expected", [
    ("12 000,50", "fr", "12000.50"), ("12000.50", "fr", "12000.50"), ("12 000 €", "fr", "12000"),
    ("1.234,5", "fr", "1234.5"), ("1,234.5", "fr", "1234.5"), ("12,5", "fr", "12.5"),
    ("12\u202f000,5", "fr", "12000.5"), ("-3", "fr", "-3"), ("8 %", "fr", "8"),
    ("1.500", "fr", "1500"), ("12.000.000", "fr", "12000000"), ("12.50", "fr", "12.50"),
    ("1.5", "fr", "1.5"), ("1.500", "en", "1.500"),
    ("12,000", "en", "12000"), ("12,000.50", "en", "12000.50"), ("1,234,567", "en", "1234567"),
    ("12,5", "en", "12.5"), ("€12,000", "en", "12000"), ("12000", "en", "12000"),
])
def test_parse(typed, lang, expected):
    assert parse_decimal(typed, lang=lang) == Decimal(expected)


@pytest.mark.parametrize("typed", ["douze", "1,2,3", "12..5", "--3", "1e5", "NaN", "∞"])
def test_not_a_number(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed, lang="fr")


def test_empty_is_none():
    assert parse_decimal("  ", lang="fr") is None and parse_decimal(None) is None


def test_format():
    assert format_decimal(Decimal("45000"), 2) == "45\u202f000,00"
    assert format_decimal(Decimal("-1234.565"), 2, lang="en") == "-1,234.57"


def test_an_excel_format_never_takes_a_quote_from_a_currency_code():
    assert excel_money_format('X"Y;') == (
        '[$-40C]#,##0.00"\u00a0XY";[Red][$-40C]"\u2212"#,##0.00"\u00a0XY"')
    assert excel_money_format("EUR", lang="en") == '[$-409]"€"#,##0.00;[Red][$-409]"-€"#,##0.00'


def test_an_amount_that_rounds_to_zero_has_no_sign():
    assert format_decimal(Decimal("-0.004"), 2) == "0,00"
    assert format_decimal(Decimal("-0.4"), 0, lang="en") == "0"
    assert format_money(Decimal("-0.01"), "EUR", 0) == "0\u00a0€"
    assert format_money(Decimal("-0.01"), "EUR", 0, lang="en") == "€0"
    assert format_money(Decimal("-0.5"), "EUR", 0) == "\u22121\u00a0€"
