"""The method's warnings as a person meets them (issue 9, items 7.5 and 7.6): revenue without a
margin is raised per line, and the TCO warning waits until the costs have been entered."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from roi.calculation import compute

from .factories import MONTHLY, YEARLY, apogea, case, cost, gain, junto

KNOWN_CODES = {"no_contingency", "tco_below_licences", "revenue_without_margin",
               "revenue_line_without_margin", "horizon_shorter_than_payback",
               "licence_price_out_of_range"}


def codes(subject) -> list[str]:
    return [w.code for w in compute(subject).warnings]


def test_junto_sales_without_a_margin_are_raised_on_their_line():
    warnings = compute(junto()).warnings

    (line,) = [w for w in warnings if w.code == "revenue_line_without_margin"]
    assert line.params == {"line_index": 0, "label": "Augmentation des ventes",
                           "category": "revenue"}
    # Not every gain is revenue (productivity lines are profit): the case-wide one stays quiet.
    assert "revenue_without_margin" not in {w.code for w in warnings}


def test_a_margin_on_the_sales_line_silences_it():
    sales, *others = junto().gains
    with_margin = replace(junto(), gains=(replace(sales, margin=Decimal("0.3")), *others))

    assert "revenue_line_without_margin" not in codes(with_margin)


def test_each_unmargined_revenue_line_is_raised_with_its_index_among_the_gains():
    subject = case(12, costs=[cost("integration", 50000)], gains=[
        gain("productivity", 1000, YEARLY, label="Temps gagné"),
        gain("revenue", 2000, YEARLY, label="Ventes export"),
        gain("revenue", 3000, YEARLY, label="Ventes France", margin=Decimal("0.25")),
        gain("revenue", 0, YEARLY, label="Ventes à chiffrer"),
        gain("revenue", 4000, YEARLY, label="Upsell"),
    ])

    lines = [w.params for w in compute(subject).warnings
             if w.code == "revenue_line_without_margin"]
    assert [(p["line_index"], p["label"]) for p in lines] == [(1, "Ventes export"),
                                                              (4, "Upsell")]


def test_all_gains_revenue_without_margin_is_said_once_for_the_case():
    subject = case(12, costs=[cost("integration", 1000)],
                   gains=[gain("revenue", 1000), gain("conversion", 500)])

    found = codes(subject)
    assert "revenue_without_margin" in found
    assert "revenue_line_without_margin" not in found


def test_the_seed_cases_keep_their_warnings():
    # Apogea's conversion gain is not on the revenue post: no line warning there.
    sound = replace(apogea(12), costs=apogea(12).costs + (cost("contingency", 2000),))
    assert compute(sound).warnings == ()
    assert set(codes(junto())) <= KNOWN_CODES


def test_the_tco_warning_waits_until_the_costs_have_been_entered():
    licences = cost("software", 1000, MONTHLY)
    # The very first line (the licences): a case in progress, not a TCO of 1 × the licences.
    assert "tco_below_licences" not in codes(case(12, costs=[licences]))
    assert "tco_below_licences" not in codes(
        case(12, costs=[licences, cost("training", 2000)]))
    # A gain with an amount: the costs were entered first (the checklist's order), so the
    # warning now says that they add up to little more than the licences.
    entered = case(12, costs=[licences, cost("training", 2000)],
                   gains=[gain("productivity", 500)])
    (warning,) = [w for w in compute(entered).warnings if w.code == "tco_below_licences"]
    assert warning.params["total_costs"] == Decimal("14000")
    # A gain line still without an amount does not count as entered.
    assert "tco_below_licences" not in codes(
        case(12, costs=[licences], gains=[gain("productivity", 0)]))
    # Enough other costs: no warning at all.
    assert "tco_below_licences" not in codes(
        case(12, costs=[licences, cost("integration", 10000)], gains=[gain("productivity", 1)]))


def test_codes_stay_those_the_pages_know():
    subject = case(3, costs=[cost("software", 1000, MONTHLY)],
                   gains=[gain("revenue", 10), gain("productivity", 10)])

    assert set(codes(subject)) <= KNOWN_CODES
    assert codes(subject) == ["no_contingency", "tco_below_licences",
                              "revenue_line_without_margin", "horizon_shorter_than_payback"]
