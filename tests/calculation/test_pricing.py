"""Seed 002's licence prices: tiers, per-user prices, the plausibility warning, licence models."""

from dataclasses import replace
from decimal import Decimal

import pytest

from roi.calculation import compute, results_document
from roi.calculation.pricing import (
    PRICE_TIERS,
    licence_model,
    licence_price_warnings,
    licence_prices,
    price_tier,
)

from .factories import MONTHLY, ONCE, YEARLY, apogea, case, cost, gain

D = Decimal


def users(amount, count, recurrence=MONTHLY, **fields):
    return cost("software", amount, recurrence, quantity=D(count), **fields)


@pytest.mark.parametrize("price,tier", [
    ("0", "free"),
    ("9.99", None),
    ("10", "economy"),
    ("14", "economy"),  # Pipedrive, seed 002
    ("29.99", "economy"),
    ("30", "mid_range"),
    ("99.99", "mid_range"),
    ("100", "high_end"),
    ("300", "high_end"),
    ("300.01", None),
    ("1200.50", None),
])
def test_each_price_has_the_tier_of_seed_002(price, tier):
    found = price_tier(D(price))

    assert (found.code if found else None) == tier


def test_the_tiers_are_the_seeds_bounds():
    assert [(t.code, t.minimum, t.maximum) for t in PRICE_TIERS] == [
        ("free", 0, 0), ("economy", 10, 30), ("mid_range", 30, 100), ("high_end", 100, 300)]


def test_per_user_price_of_a_monthly_and_a_yearly_line():
    subject = case(12, costs=[
        users("40", 25, label="Abonnement mensuel"),
        users("480", 25, YEARLY, label="Abonnement annuel"),
        users("150", 12, YEARLY, label="Module annuel"),
    ])

    prices = licence_prices(subject)

    assert [(p.line_index, p.label, p.users, p.price_per_user_month, p.tier, p.plausible)
            for p in prices] == [
        (0, "Abonnement mensuel", 25, D(40), "mid_range", True),
        (1, "Abonnement annuel", 25, D(40), "mid_range", True),
        (2, "Module annuel", 12, D("12.5"), "economy", True),
    ]


def test_no_price_per_user_is_read_from_a_once_line_a_lump_sum_or_another_post():
    subject = case(12, costs=[
        users("30000", 25, ONCE, label="Licence perpétuelle"),
        # Seed 000's Apogea: 12 000 a year for 25 users, entered as one amount (quantity 1).
        cost("software", 12000, YEARLY, label="Abonnement annuel 25 utilisateurs"),
        cost("software", "40", MONTHLY, quantity=D("2.5")),  # not a number of users
        cost("support", "40", MONTHLY, quantity=D(25)),
    ])

    assert licence_prices(subject) == ()
    assert licence_price_warnings(subject) == ()


@pytest.mark.parametrize("amount,recurrence,expected", [
    ("9.99", MONTHLY, True),
    ("10", MONTHLY, False),
    ("300", MONTHLY, False),
    ("300.01", MONTHLY, True),
    ("119.99", YEARLY, True),  # 9.9991… a month
    ("120", YEARLY, False),  # exactly 10 a month
    ("3600", YEARLY, False),  # exactly 300 a month
    ("3600.12", YEARLY, True),  # 300.01 a month
    ("0", MONTHLY, False),  # a free edition (seed 002: "CRM gratuits")
])
def test_a_licence_outside_10_to_300_a_user_a_month_is_warned(amount, recurrence, expected):
    subject = case(12, costs=[users(amount, 25, recurrence, label="Licences")])

    assert bool(licence_price_warnings(subject)) is expected


def test_the_warning_names_the_line_the_price_and_the_bounds():
    subject = case(12, costs=[cost("integration", 5000),
                              users("1200.50", 25, label="Licences")])

    (warning,) = licence_price_warnings(subject)

    assert warning.code == "licence_price_out_of_range"
    assert warning.params == {"line_index": 1, "label": "Licences",
                              "price_per_user_month": D("1200.50"), "users": D(25),
                              "minimum": D(10), "maximum": D(300)}


def test_thresholds_apply_as_they_are_to_the_products_currencies_only():
    line = users("5", 25)

    for currency in ("EUR", "USD", "GBP", "CHF"):
        assert licence_price_warnings(case(12, costs=[line], currency=currency)), currency
    # 5 000 JPY a user a month is a real price: no scale is known for it, so no warning.
    yen = case(12, costs=[users("5000", 25)], currency="JPY")
    assert licence_price_warnings(yen) == ()
    (price,) = licence_prices(yen)
    assert (price.price_per_user_month, price.tier, price.plausible) == (D(5000), None, None)


def test_compute_appends_the_licence_warning_after_the_existing_ones_in_order():
    subject = case(3, costs=[users("1000", 25, label="Licences"), users("2", 10, label="Add-on")],
                   gains=[gain("productivity", 100)])

    result = compute(subject)

    assert [w.code for w in result.warnings] == [
        "no_contingency", "tco_below_licences", "horizon_shorter_than_payback",
        "licence_price_out_of_range", "licence_price_out_of_range"]
    assert [w.params["label"] for w in result.warnings[3:]] == ["Licences", "Add-on"]
    assert results_document(result)["warnings"][3] == {
        "code": "licence_price_out_of_range",
        "params": {"line_index": "0", "label": "Licences", "price_per_user_month": "1000.00",
                   "users": "25.00", "minimum": "10.00", "maximum": "300.00"}}


def test_the_seed_reference_cases_get_no_licence_warning():
    for subject in (apogea(), apogea(36)):
        assert "licence_price_out_of_range" not in {w.code for w in compute(subject).warnings}


# --- licence models ---


def test_subscriptions_only_are_saas():
    assert licence_model(apogea()) == "saas"  # 12 000 a year, one lump sum
    assert licence_model(case(12, costs=[users("25", 10)])) == "saas"
    # A vendor's activation fee is a one-off fee, not a licence bought.
    activation = cost("software", 2000, ONCE, subitem="software.activation")
    assert licence_model(case(12, costs=[activation, users("25", 10)])) == "saas"


def test_a_perpetual_licence_with_its_maintenance_is_on_premise():
    licence = users("800", 25, ONCE, label="Licence perpétuelle")

    with_support = case(36, costs=[licence, cost("support", 4000, YEARLY, label="Maintenance")])
    with_vendor_maintenance = case(36, costs=[licence, cost("software", 350, MONTHLY)])
    alone = case(36, costs=[licence])

    assert licence_model(with_support) == "on_premise"
    assert licence_model(with_vendor_maintenance) == "on_premise"
    assert licence_model(alone) == "on_premise"


def test_a_perpetual_licence_next_to_per_user_subscriptions_is_mixed():
    subject = case(36, costs=[users("800", 20, ONCE), users("45", 10),
                              cost("support", 4000, YEARLY)])

    assert licence_model(subject) == "mixed"


def test_no_paid_software_line_has_no_licence_model():
    assert licence_model(case(12, costs=[cost("integration", 5000)])) is None
    assert licence_model(case(12)) is None
    zero = case(12, costs=[users("0", 10), cost("software", 0, ONCE)])
    assert licence_model(zero) is None
    only_activation = case(12, costs=[cost("software", 900, ONCE, subitem="software.activation")])
    assert licence_model(only_activation) is None


def test_the_licence_model_ignores_gains_and_changes_with_the_lines():
    subject = case(12, costs=[users("30", 10)], gains=[gain("productivity", 1000)])

    assert licence_model(subject) == "saas"
    assert licence_model(replace(subject, costs=subject.costs + (users("900", 10, ONCE),))) == (
        "mixed")
