"""The suggestions a new forecast takes from past trackings (issue 12, item 7)."""

from decimal import Decimal

import pytest

from roi.calculation import suggested_confidence, suggested_contingency_rate


@pytest.mark.parametrize("rate,expected", [
    ("0.6834", "0.68"), ("0.685", "0.69"), ("1", "1"), ("1.25", "1"), ("0", "0.01"),
    ("0.004", "0.01"), ("0.999", "1"),
])
def test_the_suggested_confidence_is_the_realisation_rate_within_the_method_bounds(rate,
                                                                                    expected):
    assert suggested_confidence(Decimal(rate)) == Decimal(expected)


@pytest.mark.parametrize("rate,expected", [
    ("0.1234", "0.12"), ("0.005", "0.01"), ("0.004", None), ("0", None), ("-0.2", None),
])
def test_the_suggested_contingency_is_the_overrun_when_there_is_one(rate, expected):
    assert suggested_contingency_rate(Decimal(rate)) == (None if expected is None
                                                           else Decimal(expected))
