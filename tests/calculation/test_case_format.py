"""The interchange format ``roi-case/1`` (method §5): every rule, its path and its message."""

import copy
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.calculation import (
    DEFAULT_SCENARIOS,
    CaseFormatError,
    KpiValue,
    LineItem,
    Recurrence,
    ScenarioFactors,
    case_errors,
    case_to_dict,
    case_to_json,
    compute,
    parse_case,
    parse_case_json,
)

from .factories import apogea
from .strategies import cases

# The method's own example document.
EXAMPLE = {
    "format": "roi-case/1",
    "name": "PME industrielle – CRM connecté à l'ERP",
    "currency": "EUR",
    "horizon_months": 12,
    "discount_rate": "0.10",
    "costs": [
        {"category": "software", "label": "Abonnement 25 utilisateurs", "amount": "40",
         "quantity": "25", "recurrence": "monthly", "start_month": 1, "end_month": None}
    ],
    "gains": [
        {"category": "productivity", "label": "Relances automatisées", "amount": "18000",
         "recurrence": "yearly", "start_month": 2, "ramp_up_months": 3, "confidence": "0.8"}
    ],
    "qualitative_benefits": ["Vision client à 360°"],
}


def errors_of(document) -> list[tuple[str, str]]:
    with pytest.raises(CaseFormatError) as raised:
        parse_case(document)
    return raised.value.errors


def with_changes(path: str, value, document=None) -> dict:
    """A copy of the example with ``costs.0.amount``-style ``path`` set (or removed)."""
    document = copy.deepcopy(EXAMPLE if document is None else document)
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is REMOVE:
        del target[key]
    else:
        target[key] = value
    return document


REMOVE = object()


# --- reading a valid document -----------------------------------------------------------


def test_the_methods_example_parses_with_its_defaults():
    case = parse_case(EXAMPLE)

    assert case.horizon_months == 12
    assert case.discount_rate == Decimal("0.10")
    assert case.currency == "EUR"
    assert case.costs == (LineItem("software", "Abonnement 25 utilisateurs", Decimal(40),
                                   Recurrence.MONTHLY, quantity=Decimal(25)),)
    assert case.gains == (LineItem("productivity", "Relances automatisées", Decimal(18000),
                                   Recurrence.YEARLY, start_month=2, ramp_up_months=3,
                                   confidence=Decimal("0.8")),)
    assert case.qualitative_benefits == ("Vision client à 360°",)
    assert case.scenarios == DEFAULT_SCENARIOS
    assert case.kpis == ()


def test_minimal_document_uses_the_methods_defaults():
    case = parse_case({"format": "roi-case/1", "horizon_months": 6, "costs": [
        {"category": "training", "amount": "5000", "recurrence": "once"}], "gains": []})

    (item,) = case.costs
    assert (item.label, item.quantity, item.start_month, item.end_month) == ("", 1, 1, None)
    assert case.discount_rate == 0
    assert case.currency == "EUR"
    assert case.name == ""


def test_json_numbers_are_accepted_for_amounts():
    document = with_changes("costs.0.amount", 40)
    document = with_changes("costs.0.quantity", 2.5, document)

    (item,) = parse_case(document).costs
    assert item.amount == Decimal(40)
    assert item.quantity == Decimal("2.5")


def test_json_text_fractions_are_read_as_exact_decimals():
    text = json.dumps(EXAMPLE).replace('"0.8"', "0.1")

    assert parse_case_json(text).gains[0].confidence == Decimal("0.1")


def test_optional_product_keys():
    document = copy.deepcopy(EXAMPLE)
    document["gains"][0].update(margin="0.35", assumption="2 h par semaine et par commercial",
                                subitem="productivity.manual_tasks")
    document["scenarios"] = [{"code": "board", "gains_factor": "0.9", "costs_factor": "1.2"}]
    document["kpis"] = [{"code": "ltv_cac", "baseline": "2.1", "target": "3.5", "actual": None},
                        {"code": "nps"}]

    case = parse_case(document)

    assert case.gains[0].margin == Decimal("0.35")
    assert case.gains[0].subitem == "productivity.manual_tasks"
    assert case.scenarios == (ScenarioFactors("board", Decimal("0.9"), Decimal("1.2")),)
    assert case.kpis == (KpiValue("ltv_cac", Decimal("2.1"), Decimal("3.5")),
                         KpiValue("nps", None, None))


# --- every rule ---------------------------------------------------------------------------

RULES = [
    # (path to change, new value, expected path, expected message)
    ("format", "roi-case/2", "format", 'must be "roi-case/1"'),
    ("format", REMOVE, "format", "required"),
    ("horizon_months", REMOVE, "horizon_months", "required"),
    ("horizon_months", 0, "horizon_months", "must be >= 1"),
    ("horizon_months", 121, "horizon_months", "must be <= 120"),
    ("horizon_months", 12.5, "horizon_months", "must be an integer"),
    ("horizon_months", "12", "horizon_months", "must be an integer"),
    ("horizon_months", True, "horizon_months", "must be an integer"),
    ("discount_rate", "-0.01", "discount_rate", "must be >= 0"),
    ("discount_rate", "1.5", "discount_rate", "must be <= 1"),
    ("name", 42, "name", "must be a string"),
    ("name", "x" * 201, "name", "must be at most 200 characters"),
    ("name", "Projet\x00", "name", "must not contain control characters"),
    ("name", "\x1b[2J", "name", "must not contain control characters"),
    ("currency", "euro", "currency", "must be a 3-letter ISO 4217 code such as EUR"),
    ("costs", REMOVE, "costs", "required"),
    ("gains", {"category": "productivity"}, "gains", "must be a list"),
    ("costs.0", "software", "costs[0]", "must be an object"),
    ("costs.0.amount", "-1", "costs[0].amount", "must be >= 0"),
    ("costs.0.amount", "1000000000000.01", "costs[0].amount", "must be <= 1000000000000"),
    ("costs.0.amount", REMOVE, "costs[0].amount", "required"),
    ("costs.0.amount", "12,50", "costs[0].amount",
     'must be a decimal number written like "1234.56"'),
    ("costs.0.amount", "1e3", "costs[0].amount",
     'must be a decimal number written like "1234.56"'),
    ("costs.0.amount", " 12", "costs[0].amount",
     'must be a decimal number written like "1234.56"'),
    ("costs.0.amount", "0.0000000000001", "costs[0].amount",
     "must have at most 12 decimal places"),
    ("costs.0.amount", True, "costs[0].amount", "must be a decimal number"),
    ("costs.0.amount", None, "costs[0].amount", "must be a decimal number"),
    ("costs.0.amount", ["40"], "costs[0].amount", "must be a decimal number"),
    ("costs.0.amount", float("nan"), "costs[0].amount", "must be a finite number"),
    ("costs.0.amount", float("inf"), "costs[0].amount", "must be a finite number"),
    ("costs.0.amount", Decimal("NaN"), "costs[0].amount", "must be a finite number"),
    ("costs.0.amount", 10**400, "costs[0].amount", "must be <= 1000000000000"),
    ("costs.0.quantity", "0", "costs[0].quantity", "must be > 0 and <= 10000000"),
    ("costs.0.quantity", "10000001", "costs[0].quantity", "must be > 0 and <= 10000000"),
    ("costs.0.category", "productivity", "costs[0].category",
     "must be one of software, integration, training, support, internal, evolution, "
     "transition, contingency"),
    ("costs.0.category", REMOVE, "costs[0].category", "required"),
    ("gains.0.category", "software", "gains[0].category",
     "must be one of productivity, conversion, retention, steering, collaboration, revenue, "
     "marketing, strategic"),
    ("costs.0.recurrence", "weekly", "costs[0].recurrence", "must be one of once, monthly, yearly"),
    ("costs.0.recurrence", REMOVE, "costs[0].recurrence", "required"),
    ("costs.0.start_month", 0, "costs[0].start_month", "must be >= 1"),
    ("costs.0.start_month", 601, "costs[0].start_month", "must be <= 600"),
    ("costs.0.end_month", 601, "costs[0].end_month", "must be <= 600"),
    ("gains.0.end_month", 1, "gains[0].end_month", "must be >= start_month"),
    ("costs.0.label", "x" * 201, "costs[0].label", "must be at most 200 characters"),
    ("costs.0.label", "a\x00b", "costs[0].label", "must not contain control characters"),
    ("costs.0.label", "a\x85\x9bb", "costs[0].label", "must not contain control characters"),
    ("costs.0.assumption", "\x7f", "costs[0].assumption",
     "must not contain control characters"),
    ("costs.0.label", None, "costs[0].label", "must be a string"),
    ("costs.0.assumption", "x" * 4001, "costs[0].assumption", "must be at most 4000 characters"),
    ("costs.0.subitem", 3, "costs[0].subitem", "must be a string"),
    ("costs.0.colour", "red", "costs[0].colour", "unknown key"),
    ("costs.0.confidence", "0.5", "costs[0].confidence", "only allowed on gains"),
    ("costs.0.ramp_up_months", 2, "costs[0].ramp_up_months", "only allowed on gains"),
    ("costs.0.margin", "0.3", "costs[0].margin", "only allowed on gains"),
    ("gains.0.ramp_up_months", -1, "gains[0].ramp_up_months", "must be >= 0"),
    ("gains.0.ramp_up_months", "3", "gains[0].ramp_up_months", "must be an integer"),
    ("gains.0.confidence", "0", "gains[0].confidence", "must be > 0 and <= 1"),
    ("gains.0.confidence", "1.01", "gains[0].confidence", "must be > 0 and <= 1"),
    ("gains.0.margin", "0", "gains[0].margin", "must be > 0 and <= 1"),
    ("gains.0.margin", "1.5", "gains[0].margin", "must be > 0 and <= 1"),
    ("colour", "red", "colour", "unknown key"),
    ("qualitative_benefits", "360°", "qualitative_benefits", "must be a list"),
    ("qualitative_benefits", [12], "qualitative_benefits[0]", "must be a string"),
    ("qualitative_benefits", ["ok", "\x00"], "qualitative_benefits[1]",
     "must not contain control characters"),
    ("costs.0.subitem", "software\x00", "costs[0].subitem", "must not contain control characters"),
    ("qualitative_benefits", ["x" * 501], "qualitative_benefits[0]",
     "must be at most 500 characters"),
    ("scenarios", [{"code": "a", "gains_factor": "0", "costs_factor": "1"}],
     "scenarios[0].gains_factor", "must be > 0 and <= 10"),
    ("scenarios", [{"code": "a", "gains_factor": "1"}], "scenarios[0].costs_factor", "required"),
    ("scenarios", [{"code": "Big Bet", "gains_factor": "1", "costs_factor": "1"}],
     "scenarios[0].code", "must use only a-z, 0-9, _ and -"),
    ("scenarios", [{"gains_factor": "1", "costs_factor": "1"}], "scenarios[0].code", "required"),
    ("scenarios", [{"code": "a", "gains_factor": "1", "costs_factor": "1", "note": ""}],
     "scenarios[0].note", "unknown key"),
    ("scenarios", [{"code": "a", "gains_factor": "1", "costs_factor": "1"}] * 2,
     "scenarios[1].code", "duplicate code"),
    ("scenarios", [{"code": str(i), "gains_factor": "1", "costs_factor": "1"} for i in range(11)],
     "scenarios", "must have at most 10 items"),
    ("kpis", [{"code": "nps", "baseline": "abc"}], "kpis[0].baseline",
     'must be a decimal number written like "1234.56"'),
    ("kpis", [{"code": "cac", "target": "2000000000000"}], "kpis[0].target",
     "must be <= 1000000000000"),
    ("kpis", [{"baseline": "1"}], "kpis[0].code", "required"),
    ("kpis", [{"code": "nps", "owner": "me"}], "kpis[0].owner", "unknown key"),
    ("kpis", [{"code": "nps"}, {"code": "nps"}], "kpis[1].code", "duplicate code"),
]


@pytest.mark.parametrize(("path", "value", "error_path", "message"), RULES,
                         ids=[f"{rule[2]}: {rule[3]}"[:60] for rule in RULES])
def test_each_rule_names_the_field_and_the_rule(path, value, error_path, message):
    assert errors_of(with_changes(path, value)) == [(error_path, message)]


def test_too_many_items_is_refused_without_reading_them():
    document = with_changes("costs", [{"colour": "red"}] * 2001)

    assert errors_of(document) == [("costs", "must have at most 2000 items")]


def test_all_errors_are_reported_at_once_in_document_order():
    document = copy.deepcopy(EXAMPLE)
    document["format"] = "csv"
    document["costs"][0]["amount"] = "-5"
    document["costs"].append({"category": "travel", "amount": "1", "recurrence": "once",
                              "colour": "red"})
    document["gains"][0]["confidence"] = "2"

    errors = errors_of(document)

    assert errors == [
        ("format", 'must be "roi-case/1"'),
        ("costs[0].amount", "must be >= 0"),
        ("costs[1].colour", "unknown key"),
        ("costs[1].category", "must be one of software, integration, training, support, "
                              "internal, evolution, transition, contingency"),
        ("gains[0].confidence", "must be > 0 and <= 1"),
    ]


def test_error_text_has_one_line_per_problem():
    document = with_changes("costs.0.amount", "-1")
    document = with_changes("horizon_months", 0, document)

    with pytest.raises(CaseFormatError) as raised:
        parse_case(document)

    assert str(raised.value) == "horizon_months: must be >= 1\ncosts[0].amount: must be >= 0"


@pytest.mark.parametrize("document", [None, [], "roi-case/1", 12, True])
def test_a_document_that_is_not_an_object(document):
    assert errors_of(document) == [("", "the document must be a JSON object")]


@pytest.mark.parametrize(("text", "message"), [
    ("{", "invalid JSON at line 1, column 2: Expecting property name enclosed in double quotes"),
    ("", "invalid JSON at line 1, column 1: Expecting value"),
    ('{"a": 1,}', "invalid JSON at line 1, column 9: Expecting property name enclosed in double "
                  "quotes"),
    ("[" * 100_000, "invalid JSON: too deeply nested"),
    (b"\xff\xfe", "invalid JSON: the text must be UTF-8"),
])
def test_bad_json_is_reported_cleanly(text, message):
    with pytest.raises(CaseFormatError) as raised:
        parse_case_json(text)

    assert raised.value.errors == [("", message)]


def test_integer_with_too_many_digits_is_bad_json_not_a_crash():
    with pytest.raises(CaseFormatError) as raised:
        parse_case_json('{"horizon_months": ' + "9" * 5000 + "}")

    assert raised.value.errors[0][1].startswith("invalid JSON:")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e99999999999999999999"])
def test_non_finite_numbers_in_json_text_are_refused_at_their_path(number):
    text = json.dumps(EXAMPLE).replace('"40"', number)

    with pytest.raises(CaseFormatError) as raised:
        parse_case_json(text)

    assert raised.value.errors == [("costs[0].amount", "must be a finite number")]


HOSTILE_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | st.decimals(allow_nan=True),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5),
                                                                       children, max_size=3),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(list(EXAMPLE) + ["scenarios", "kpis", "x"]),
                       HOSTILE_VALUES, max_size=8))
def test_hostile_documents_only_ever_raise_case_format_errors(document):
    try:
        parse_case(document)
    except CaseFormatError as error:
        assert error.errors
        assert all(isinstance(p, str) and isinstance(m, str) for p, m in error.errors)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([path for path, *_ in RULES if path != "format"]), HOSTILE_VALUES)
def test_hostile_values_at_every_known_place(path, value):
    try:
        parse_case(with_changes(path, value))
    except CaseFormatError:
        pass


# --- writing and round trip ---------------------------------------------------------------


def test_amounts_are_written_as_exact_strings():
    document = case_to_dict(apogea(12))

    assert document["format"] == "roi-case/1"
    assert document["costs"][0]["amount"] == "12000"
    assert document["discount_rate"] == "0"
    assert "confidence" not in document["costs"][0]
    assert document["gains"][0]["confidence"] == "1"


def test_exponent_decimals_are_written_in_plain_notation():
    case = apogea(12, discount_rate=Decimal("1E-1"))
    document = case_to_dict(case)

    assert document["discount_rate"] == "0.1"
    assert parse_case(document) == case


def test_round_trip_of_the_methods_example_through_json_text():
    case = parse_case(EXAMPLE)

    assert parse_case_json(case_to_json(case)) == case


@settings(max_examples=200, deadline=None)
@given(cases())
def test_round_trip_is_identical_and_computes_identically(case):
    again = parse_case(case_to_dict(case))

    assert again == case
    assert case_errors(case) == []
    assert compute(again) == compute(case)


def test_case_errors_reports_a_case_built_in_code_with_invalid_values():
    bad_cost = LineItem("software", "x", Decimal(-1), Recurrence.ONCE, confidence=Decimal("0.5"))

    errors = case_errors(replace(apogea(0), costs=(bad_cost,)))

    assert errors == [
        ("horizon_months", "must be >= 1"),
        ("costs[0].confidence", "only allowed on gains"),
        ("costs[0].amount", "must be >= 0"),
    ]


def test_duplicate_keys_are_refused():
    with pytest.raises(CaseFormatError) as error:
        parse_case_json('{"format": "roi-case/1", "horizon_months": 12, "horizon_months": 24, '
                        '"costs": [], "gains": []}')
    assert "the key 'horizon_months' appears twice in one object" in str(error.value)


def test_tabs_and_line_breaks_are_text_not_control_characters():
    document = copy.deepcopy(EXAMPLE)
    document["costs"][0]["assumption"] = "Devis du 3 mars :\r\n\t25 × 40 €\u2028fin"
    document["costs"][0]["label"] = "Licences\tCRM"
    case = parse_case(document)
    assert case.costs[0].assumption == "Devis du 3 mars :\r\n\t25 × 40 €\u2028fin"


def test_a_control_character_in_a_key_is_shown_as_a_question_mark():
    document = dict(copy.deepcopy(EXAMPLE), **{"nom\x00\x1b": 1})
    with pytest.raises(CaseFormatError) as error:
        parse_case(document)
    assert error.value.errors == [("nom??", "unknown key")]
