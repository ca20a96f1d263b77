"""roi-case/1 after go-live (method §6): ``as_of_month`` and ``actuals``, rules and round trip."""

import copy
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.calculation import (
    CaseFormatError,
    case_errors,
    case_to_dict,
    case_to_json,
    parse_case,
    parse_case_json,
)

from .factories import apogea
from .test_case_format import HOSTILE_VALUES

TRACKED = {
    "format": "roi-case/1",
    "horizon_months": 12,
    "as_of_month": 2,
    "costs": [
        {"category": "software", "amount": "1000", "recurrence": "monthly",
         "actuals": {"1": "1000", "2": "1040.50"}},
        {"category": "integration", "amount": "18000", "recurrence": "once",
         "actuals": {"1": "21500"}},
    ],
    "gains": [
        {"category": "productivity", "amount": "18000", "recurrence": "yearly",
         "confidence": "0.8", "actuals": {"2": "1100"}},
    ],
}


def errors_of(document) -> list[tuple[str, str]]:
    with pytest.raises(CaseFormatError) as raised:
        parse_case(document)
    return raised.value.errors


def changed(change) -> dict:
    document = copy.deepcopy(TRACKED)
    change(document)
    return document


def test_the_tracked_document_parses():
    case = parse_case(TRACKED)

    assert case.as_of_month == 2
    assert case.costs[0].actuals == ((1, Decimal(1000)), (2, Decimal("1040.50")))
    assert case.costs[1].actuals == ((1, Decimal(21500)),)
    assert case.gains[0].actuals == ((2, Decimal(1100)),)


def test_json_numbers_and_any_key_order_are_accepted_for_actuals():
    text = json.dumps(TRACKED).replace('{"1": "1000", "2": "1040.50"}', '{"2": 1040.50, "1": 1000}')

    case = parse_case_json(text)

    assert case.costs[0].actuals == ((1, Decimal(1000)), (2, Decimal("1040.5")))


def test_an_unplanned_line_is_an_amount_0_with_its_actuals():
    document = changed(lambda d: d["costs"].append(
        {"category": "contingency", "label": "Licence oubliée", "amount": "0",
         "recurrence": "once", "start_month": 2, "actuals": {"2": "3000"}}))

    (*_, unplanned) = parse_case(document).costs
    assert unplanned.amount == 0
    assert unplanned.actuals == ((2, Decimal(3000)),)


@pytest.mark.parametrize(("change", "as_of_month"), [
    (lambda d: d.update(as_of_month=12), 12),
    (lambda d: [d.update(as_of_month=0)] + [line.pop("actuals") for line in
                                             d["costs"] + d["gains"]], 0),
    (lambda d: [d.pop("as_of_month")] + [line.update(actuals={}) for line in
                                          d["costs"] + d["gains"]], None),
    (lambda d: [d.update(as_of_month=None)] + [line.update(actuals=None) for line in
                                                d["costs"] + d["gains"]], None),
])
def test_accepted_edges(change, as_of_month):
    assert parse_case(changed(change)).as_of_month == as_of_month


def _set(path: str, value):
    """A change that sets ``costs.0.actuals``-style ``path`` in the document."""

    def change(document):
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() and isinstance(target, list) else (
                target[part])
        target[last] = value

    return change


def _remove_as_of_month(document):
    del document["as_of_month"]


RULES = [
    # (change, expected path, expected message)
    (_set("costs.1.actuals", {"1": "21500", "5": "100"}), "costs[1].actuals.5",
     "month after as_of_month 2"),
    (_set("costs.0.actuals", {"x": "1"}), "costs[0].actuals.x",
     'month must be a whole number written like "3"'),
    (_set("costs.0.actuals", {"1.0": "1"}), "costs[0].actuals.1.0",
     'month must be a whole number written like "3"'),
    (_set("costs.0.actuals", {" 1": "1"}), "costs[0].actuals. 1",
     'month must be a whole number written like "3"'),
    (_set("costs.0.actuals", {"": "1"}), "costs[0].actuals.",
     'month must be a whole number written like "3"'),
    (_set("costs.0.actuals", {"01": "1"}), "costs[0].actuals.01",
     'month must be written without leading zeros, like "3"'),
    (_set("costs.0.actuals", {"0": "1"}), "costs[0].actuals.0", "month must be >= 1"),
    (_set("costs.0.actuals", {"-1": "1"}), "costs[0].actuals.-1", "month must be >= 1"),
    (_set("costs.0.actuals", {"9" * 60: "1"}), "costs[0].actuals." + "9" * 50,
     "month after as_of_month 2"),
    (_set("costs.0.actuals", {"1": "-1"}), "costs[0].actuals.1", "must be >= 0"),
    (_set("costs.0.actuals", {"1": "abc"}), "costs[0].actuals.1",
     'must be a decimal number written like "1234.56"'),
    (_set("costs.0.actuals", {"1": True}), "costs[0].actuals.1", "must be a decimal number"),
    (_set("costs.0.actuals", {"1": None}), "costs[0].actuals.1", "must be a decimal number"),
    (_set("costs.0.actuals", {"1": "0.0000000000001"}), "costs[0].actuals.1",
     "must have at most 12 decimal places"),
    (_set("costs.0.actuals", {"1": "10000000000000000000.01"}), "costs[0].actuals.1",
     "must be <= 10000000000000000000"),
    (_set("gains.0.actuals", {"2": float("nan")}), "gains[0].actuals.2",
     "must be a finite number"),
    (_set("gains.0.actuals", ["1100"]), "gains[0].actuals", "must be an object"),
    (_set("gains.0.actuals", "1100"), "gains[0].actuals", "must be an object"),
    (_set("gains.0.actuals", {str(m): "1" for m in range(1, 122)}), "gains[0].actuals",
     "must have at most 120 months"),
    (_remove_as_of_month, "as_of_month", "required when a line has actuals"),
    (_set("as_of_month", None), "as_of_month", "required when a line has actuals"),
    (_set("as_of_month", 13), "as_of_month", "must be <= horizon_months 12"),
    (_set("as_of_month", -1), "as_of_month", "must be >= 0"),
    (_set("as_of_month", True), "as_of_month", "must be an integer"),
    (_set("as_of_month", "2"), "as_of_month", "must be an integer"),
    (_set("as_of_month", 2.5), "as_of_month", "must be an integer"),
]


@pytest.mark.parametrize(("change", "error_path", "message"), RULES,
                         ids=[f"{rule[1]}: {rule[2]}"[:60] for rule in RULES])
def test_each_tracking_rule_names_the_field_and_the_rule(change, error_path, message):
    assert errors_of(changed(change)) == [(error_path, message)]


def test_every_bad_actual_is_reported_at_once_in_document_order():
    def change(document):
        document["costs"][0]["actuals"] = {"1": "-5", "3": "1", "x": "2"}
        document["gains"][0]["actuals"] = {"0": "1", "2": "many"}

    assert errors_of(changed(change)) == [
        ("costs[0].actuals.1", "must be >= 0"),
        ("costs[0].actuals.3", "month after as_of_month 2"),
        ("costs[0].actuals.x", 'month must be a whole number written like "3"'),
        ("gains[0].actuals.0", "month must be >= 1"),
        ("gains[0].actuals.2", 'must be a decimal number written like "1234.56"'),
    ]


def test_at_month_0_no_month_is_closed_so_every_actual_is_refused():
    assert errors_of(changed(_set("as_of_month", 0))) == [
        ("costs[0].actuals.1", "month after as_of_month 0"),
        ("costs[0].actuals.2", "month after as_of_month 0"),
        ("costs[1].actuals.1", "month after as_of_month 0"),
        ("gains[0].actuals.2", "month after as_of_month 0"),
    ]


def test_an_invalid_horizon_still_bounds_as_of_month_by_the_formats_cap():
    document = changed(lambda d: d.update(horizon_months=0, as_of_month=121))

    assert errors_of(document) == [("horizon_months", "must be >= 1"),
                                   ("as_of_month", "must be <= 120")]


def test_without_as_of_month_the_months_are_still_bounded_by_the_formats_cap():
    def change(document):
        del document["as_of_month"]
        document["costs"][0]["actuals"] = {"9" * 5000: "1", "121": "1", "120": "1"}

    assert errors_of(changed(change)) == [
        ("costs[0].actuals." + "9" * 50, "month must be <= 120"),
        ("costs[0].actuals.121", "month must be <= 120"),
        ("as_of_month", "required when a line has actuals"),
    ]


def test_an_invalid_as_of_month_is_reported_once_not_on_every_actual():
    assert errors_of(changed(_set("as_of_month", 20))) == [
        ("as_of_month", "must be <= horizon_months 12")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["as_of_month", "costs.0.actuals", "gains.0.actuals"]),
       st.one_of(HOSTILE_VALUES, st.dictionaries(st.text(max_size=5), HOSTILE_VALUES,
                                                 max_size=4)))
def test_hostile_tracking_values_only_ever_raise_case_format_errors(path, value):
    try:
        parse_case(changed(_set(path, value)))
    except CaseFormatError as error:
        assert error.errors


# --- writing and round trip ---------------------------------------------------------------


def test_round_trip_with_actuals():
    case = parse_case(TRACKED)

    document = case_to_dict(case)

    assert document["as_of_month"] == 2
    assert document["costs"][0]["actuals"] == {"1": "1000", "2": "1040.50"}
    assert parse_case(document) == case
    assert parse_case_json(case_to_json(case)) == case
    assert case_errors(case) == []


def test_a_plans_document_is_unchanged_by_the_tracking_keys():
    document = case_to_dict(apogea(12))

    # The keys, in order, that the export wrote before method §6: nothing added to a plan.
    assert list(document) == ["format", "name", "currency", "horizon_months", "discount_rate",
                              "costs", "gains", "qualitative_benefits", "scenarios", "kpis"]
    assert list(document["costs"][0]) == ["category", "label", "amount", "quantity",
                                          "recurrence", "start_month", "end_month",
                                          "assumption", "subitem"]
    assert "as_of_month" not in case_to_json(apogea(12))
    assert "actuals" not in case_to_json(apogea(12))


def test_case_errors_reports_actuals_built_in_code_outside_the_closed_months():
    plan = apogea(12)
    bad = replace(plan, as_of_month=1, costs=(
        replace(plan.costs[0], actuals=((0, Decimal(1)), (2, Decimal(-1)))),))

    assert case_errors(bad) == [("costs[0].actuals.0", "month must be >= 1"),
                                ("costs[0].actuals.2", "month after as_of_month 1")]
