"""The interchange format ``roi-case/1`` (method §5): JSON document <-> :class:`Case`.

:func:`parse_case` validates everything and reports *all* problems at once as
``(path, message)`` pairs, e.g. ``("costs[2].amount", "must be >= 0")``; it raises nothing but
:class:`CaseFormatError`, whatever the input. Messages are short English rule statements (the
command line prints them; the web layer may translate them).

Bounds (shared with the database models through :mod:`roi.calculation.limits`):

- ``horizon_months``: integer 1..120; ``discount_rate``: 0..1 (0 % to 100 % a year);
- ``amount``: 0..10^12 per unit; ``quantity``: > 0 and <= 10^7;
- ``start_month``: 1..600; ``end_month``: null or start_month..600 (months may lie beyond the
  horizon: the 24- and 36-month views still use them);
- gains only: ``ramp_up_months`` 0..600, ``confidence`` in (0, 1], ``margin`` null or in (0, 1];
- decimals: strings of plain decimals (``"1234.56"``, ``"-0.5"``) or JSON numbers, at most
  12 decimal places; no NaN, no infinity, no booleans;
- strings: label and name <= 200 characters, assumption <= 4000, qualitative benefit <= 500;
  no control characters (NUL and the other C0/C1 controls but tab, line feed and carriage
  return): a database cannot store NUL, and none of them is text a reader sees;
- lists: at most 2000 items (costs, gains), 100 qualitative benefits, 10 scenarios, 50 KPIs;
- ``scenarios``: ``{code, gains_factor, costs_factor}``, factors in (0, 10], codes unique;
  omitted = the product's defaults (:data:`DEFAULT_SCENARIOS`);
- ``kpis``: ``{code, baseline, target, actual}``, values null or |value| <= 10^12, codes unique;
- tracking (method §6): ``as_of_month`` null (not followed yet) or an integer
  0..horizon_months, required as soon as a line carries actuals; ``actuals`` on any cost or
  gain line: null or an object ``{"month": amount}`` whose keys are month numbers written
  ``"1"``..``"A"`` (no sign, no leading zero: ``"01"`` would be a second spelling of month 1)
  and whose values are decimals 0..10^19 (the largest monthly value of a line), at most 120
  months.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Context, Decimal
from typing import Any

from roi.calculation import limits
from roi.calculation.model import (
    COST_CATEGORIES,
    DEFAULT_SCENARIOS,
    GAIN_CATEGORIES,
    Case,
    KpiValue,
    LineItem,
    Recurrence,
    ScenarioFactors,
)

__all__ = [
    "FORMAT",
    "CaseFormatError",
    "case_errors",
    "case_to_dict",
    "case_to_json",
    "parse_case",
    "parse_case_json",
]

FORMAT = "roi-case/1"

MAX_DECIMAL_PLACES = 12
MAX_DECIMAL_TEXT = 40  # characters of a decimal string
MAX_ASSUMPTION_LENGTH = 4000
MAX_BENEFIT_LENGTH = 500
MAX_BENEFITS = 100
MAX_SCENARIOS = 10
MAX_SCENARIO_FACTOR = Decimal(10)
MAX_KPIS = 50
MAX_KPI_VALUE = Decimal("1000000000000")
MAX_SUBITEM_LENGTH = 64  # the checklist sub-item code
MAX_CODE_LENGTH = 40  # scenario and KPI codes
MAX_JSON_CHARACTERS = 10_000_000

_DECIMAL_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_CURRENCY = re.compile(r"[A-Z]{3}")
# C0 controls but tab, LF, VT, FF and CR; DEL; C1 controls but NEL.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_PLACES = Decimal(1).scaleb(-MAX_DECIMAL_PLACES)
_WIDE = Context(prec=80)  # quantizing a bounded value to 12 places never overflows it

_TOP_KEYS = (
    "format", "name", "currency", "horizon_months", "discount_rate", "as_of_month", "costs",
    "gains", "qualitative_benefits", "scenarios", "kpis",
)
_ITEM_KEYS = (
    "category", "label", "amount", "quantity", "recurrence", "start_month", "end_month",
    "assumption", "subitem", "actuals",
)
_GAIN_ONLY_KEYS = ("ramp_up_months", "confidence", "margin")
_SCENARIO_KEYS = ("code", "gains_factor", "costs_factor")
_KPI_KEYS = ("code", "baseline", "target", "actual")
_RECURRENCES = tuple(recurrence.value for recurrence in Recurrence)
# Month keys of ``actuals``: the canonical spelling is digits without a leading zero.
_MONTH_KEY = re.compile(r"[1-9][0-9]*")
_ZERO_MONTH_KEY = re.compile(r"0+|-[0-9]+")
_PADDED_MONTH_KEY = re.compile(r"0+[1-9][0-9]*")
MAX_ACTUAL_MONTHS = limits.MAX_HORIZON_MONTHS  # actuals only exist for closed months 1..A <= H


class CaseFormatError(ValueError):
    """An invalid ``roi-case/1`` document. ``errors`` lists every ``(path, message)``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(_line(path, message) for path, message in self.errors))


def _line(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


class _Missing:
    """Marks an absent key (distinct from an explicit null)."""


_MISSING = _Missing()


class _Reader:
    """Reads values out of the document, recording every problem instead of stopping."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        # Tracking (method §6): as_of_month as read (_MISSING when absent or null, None when
        # invalid), and whether some line carries actuals (then as_of_month is required).
        self.as_of_month: int | None | _Missing = _MISSING
        self.has_actuals = False

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def object(self, value: Any, path: str, allowed: tuple[str, ...],
               gain_only: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return None
        for key in value:
            if key in allowed:
                continue
            where = _join(path, _shown(key))
            if key in gain_only:
                self.error(where, "only allowed on gains")
            else:
                self.error(where, "unknown key")
        return value

    def list(self, value: Any, path: str, maximum: int) -> list | None:
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return None
        if len(value) > maximum:
            self.error(path, f"must have at most {maximum} items")
            return None
        return value

    def text(self, value: Any, path: str, maximum: int) -> str | None:
        if not isinstance(value, str):
            self.error(path, "must be a string")
            return None
        if len(value) > maximum:
            self.error(path, f"must be at most {maximum} characters")
            return None
        if _CONTROL.search(value):
            self.error(path, "must not contain control characters")
            return None
        return value

    def integer(self, value: Any, path: str, minimum: int, maximum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, "must be an integer")
            return None
        if value < minimum:
            self.error(path, f"must be >= {minimum}")
            return None
        if value > maximum:
            self.error(path, f"must be <= {maximum}")
            return None
        return value

    def decimal(self, value: Any, path: str, check: Callable[[Decimal], str | None]
                ) -> Decimal | None:
        """A decimal from a string or a JSON number; ``check`` returns a rule message or None."""
        number = self._to_decimal(value, path)
        if number is None:
            return None
        message = check(number)
        if message is None and number != number.quantize(_PLACES, context=_WIDE):
            message = f"must have at most {MAX_DECIMAL_PLACES} decimal places"
        if message is not None:
            self.error(path, message)
            return None
        return number

    def _to_decimal(self, value: Any, path: str) -> Decimal | None:
        if isinstance(value, bool):
            self.error(path, "must be a decimal number")
            return None
        if isinstance(value, str):
            if len(value) > MAX_DECIMAL_TEXT or not _DECIMAL_TEXT.fullmatch(value):
                self.error(path, 'must be a decimal number written like "1234.56"')
                return None
            return Decimal(value)
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float | Decimal):
            # str() keeps what the author wrote (0.1 -> "0.1"), not the binary expansion.
            number = Decimal(str(value)) if isinstance(value, float) else value
            if not number.is_finite():
                self.error(path, "must be a finite number")
                return None
            return number
        self.error(path, "must be a decimal number")
        return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shown(key: Any) -> str:
    """A key of the document as a path shows it: 50 characters, control characters as "?"."""
    return _CONTROL.sub("?", str(key)[:50])


def _between(minimum: Decimal, maximum: Decimal, *, exclusive_minimum: bool = False
             ) -> Callable[[Decimal], str | None]:
    """A bounds check whose message states the whole rule."""
    if exclusive_minimum:
        rule = f"must be > {minimum} and <= {maximum}"

        def check(number: Decimal) -> str | None:
            return None if minimum < number <= maximum else rule
    else:

        def check(number: Decimal) -> str | None:
            if number < minimum:
                return f"must be >= {minimum}"
            if number > maximum:
                return f"must be <= {maximum}"
            return None

    return check


_AMOUNT = _between(Decimal(0), limits.MAX_AMOUNT)
_QUANTITY = _between(Decimal(0), limits.MAX_QUANTITY, exclusive_minimum=True)
_FRACTION = _between(Decimal(0), Decimal(1), exclusive_minimum=True)
_RATE = _between(limits.MIN_DISCOUNT_RATE, limits.MAX_DISCOUNT_RATE)
_FACTOR = _between(Decimal(0), MAX_SCENARIO_FACTOR, exclusive_minimum=True)
_KPI = _between(-MAX_KPI_VALUE, MAX_KPI_VALUE)
_ACTUAL = _between(Decimal(0), limits.MAX_ACTUAL)


def _as_of_month(reader: _Reader, document: dict, horizon: int | None) -> int | None | _Missing:
    """Top-level ``as_of_month``: _MISSING when absent or null, None when invalid."""
    value = document.get("as_of_month")
    if value is None:
        return _MISSING
    if isinstance(value, bool) or not isinstance(value, int):
        reader.error("as_of_month", "must be an integer")
        return None
    if value < 0:
        reader.error("as_of_month", "must be >= 0")
        return None
    if horizon is None:
        # The horizon itself is missing or invalid (already reported): check the format's cap.
        if value > limits.MAX_HORIZON_MONTHS:
            reader.error("as_of_month", f"must be <= {limits.MAX_HORIZON_MONTHS}")
            return None
    elif value > horizon:
        reader.error("as_of_month", f"must be <= horizon_months {horizon}")
        return None
    return value


def _month_key_problem(key: Any, as_of_month: int | None | _Missing) -> str | None:
    """The rule a key of ``actuals`` breaks, or None for a month of 1..as_of_month."""
    if not isinstance(key, str):
        return 'month must be a whole number written like "3"'
    if _ZERO_MONTH_KEY.fullmatch(key):
        return "month must be >= 1"
    if _PADDED_MONTH_KEY.fullmatch(key):
        return 'month must be written without leading zeros, like "3"'
    if not _MONTH_KEY.fullmatch(key):
        return 'month must be a whole number written like "3"'
    # A month beyond the format's horizon cap is after any as_of_month; no need to parse
    # a hostile 5000-digit key to know it.
    beyond_cap = len(key) > 4 or int(key) > limits.MAX_HORIZON_MONTHS
    if isinstance(as_of_month, int):
        if beyond_cap or int(key) > as_of_month:
            return f"month after as_of_month {as_of_month}"
    elif beyond_cap:
        # as_of_month is missing or invalid (reported at its own path): the cap still holds.
        return f"month must be <= {limits.MAX_HORIZON_MONTHS}"
    return None


def _actuals(reader: _Reader, value: Any, path: str) -> tuple[tuple[int, Decimal], ...] | None:
    """A line's ``actuals`` object ``{"month": amount}`` as sorted ``(month, amount)`` pairs."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        reader.error(path, "must be an object")
        return None
    if len(value) > MAX_ACTUAL_MONTHS:
        reader.error(path, f"must have at most {MAX_ACTUAL_MONTHS} months")
        return None
    if value:
        reader.has_actuals = True
    before = len(reader.errors)
    pairs = []
    for key, amount in value.items():
        where = _join(path, _shown(key))
        problem = _month_key_problem(key, reader.as_of_month)
        if problem is not None:
            reader.error(where, problem)
            continue
        number = reader.decimal(amount, where, _ACTUAL)
        if number is not None:
            pairs.append((int(key), number))
    if len(reader.errors) != before:
        return None
    return tuple(sorted(pairs))


def _line_item(reader: _Reader, value: Any, path: str, *, gain: bool) -> LineItem | None:
    allowed = _ITEM_KEYS + _GAIN_ONLY_KEYS if gain else _ITEM_KEYS
    data = reader.object(value, path, allowed, gain_only=() if gain else _GAIN_ONLY_KEYS)
    if data is None:
        return None
    before = len(reader.errors)

    def get(key: str) -> Any:
        return data.get(key, _MISSING)

    def required(key: str) -> Any:
        if key not in data:
            reader.error(_join(path, key), "required")
        return get(key)

    categories = GAIN_CATEGORIES if gain else COST_CATEGORIES
    category = required("category")
    if category is not _MISSING and (not isinstance(category, str) or category not in categories):
        reader.error(_join(path, "category"), "must be one of " + ", ".join(categories))
    amount = required("amount")
    if amount is not _MISSING:
        amount = reader.decimal(amount, _join(path, "amount"), _AMOUNT)
    recurrence = required("recurrence")
    if recurrence is not _MISSING and recurrence not in _RECURRENCES:
        reader.error(_join(path, "recurrence"), "must be one of " + ", ".join(_RECURRENCES))

    label = get("label")
    label = "" if label is _MISSING else reader.text(label, _join(path, "label"),
                                                     limits.MAX_LABEL_LENGTH)
    quantity = get("quantity")
    quantity = Decimal(1) if quantity is _MISSING else reader.decimal(
        quantity, _join(path, "quantity"), _QUANTITY)
    start_month = get("start_month")
    start_month = 1 if start_month is _MISSING else reader.integer(
        start_month, _join(path, "start_month"), 1, limits.MAX_MONTH)
    end_month = get("end_month")
    if end_month is _MISSING or end_month is None:
        end_month = None
    else:
        end_month = reader.integer(end_month, _join(path, "end_month"), 1, limits.MAX_MONTH)
        if end_month is not None and start_month is not None and end_month < start_month:
            reader.error(_join(path, "end_month"), "must be >= start_month")
    assumption = get("assumption")
    assumption = "" if assumption is _MISSING else reader.text(
        assumption, _join(path, "assumption"), MAX_ASSUMPTION_LENGTH)
    subitem = get("subitem")
    if subitem is not _MISSING and subitem is not None:
        subitem = reader.text(subitem, _join(path, "subitem"), MAX_SUBITEM_LENGTH)
    elif subitem is _MISSING:
        subitem = None

    ramp_up_months, confidence, margin = 0, Decimal(1), None
    if gain:
        ramp_up_months = get("ramp_up_months")
        ramp_up_months = 0 if ramp_up_months is _MISSING else reader.integer(
            ramp_up_months, _join(path, "ramp_up_months"), 0, limits.MAX_MONTH)
        confidence = get("confidence")
        confidence = Decimal(1) if confidence is _MISSING else reader.decimal(
            confidence, _join(path, "confidence"), _FRACTION)
        margin = get("margin")
        if margin is _MISSING or margin is None:
            margin = None
        else:
            margin = reader.decimal(margin, _join(path, "margin"), _FRACTION)
    actuals = get("actuals")
    actuals = () if actuals is _MISSING else _actuals(reader, actuals, _join(path, "actuals"))

    if len(reader.errors) != before:
        return None
    return LineItem(
        category=category, label=label, amount=amount, recurrence=Recurrence(recurrence),
        quantity=quantity, start_month=start_month, end_month=end_month,
        ramp_up_months=ramp_up_months, confidence=confidence, margin=margin,
        assumption=assumption, subitem=subitem, actuals=actuals,
    )


def _items(reader: _Reader, data: dict, key: str, *, gain: bool) -> tuple[LineItem, ...]:
    if key not in data:
        reader.error(key, "required")
        return ()
    values = reader.list(data[key], key, limits.MAX_ITEMS_PER_LIST)
    if values is None:
        return ()
    items = (_line_item(reader, value, f"{key}[{index}]", gain=gain)
             for index, value in enumerate(values))
    return tuple(item for item in list(items) if item is not None)


def _code(reader: _Reader, data: dict, path: str, seen: set[str]) -> str | None:
    if "code" not in data:
        reader.error(_join(path, "code"), "required")
        return None
    code = reader.text(data["code"], _join(path, "code"), MAX_CODE_LENGTH)
    if code is None:
        return None
    if not _CODE.fullmatch(code):
        reader.error(_join(path, "code"), "must use only a-z, 0-9, _ and -")
        return None
    if code in seen:
        reader.error(_join(path, "code"), "duplicate code")
        return None
    seen.add(code)
    return code


def _scenarios(reader: _Reader, value: Any) -> tuple[ScenarioFactors, ...]:
    values = reader.list(value, "scenarios", MAX_SCENARIOS)
    if values is None:
        return ()
    scenarios, seen = [], set()
    for index, entry in enumerate(values):
        path = f"scenarios[{index}]"
        data = reader.object(entry, path, _SCENARIO_KEYS)
        if data is None:
            continue
        code = _code(reader, data, path, seen)
        factors = []
        for key in ("gains_factor", "costs_factor"):
            if key not in data:
                reader.error(_join(path, key), "required")
                factors.append(None)
            else:
                factors.append(reader.decimal(data[key], _join(path, key), _FACTOR))
        if code is not None and None not in factors:
            scenarios.append(ScenarioFactors(code, factors[0], factors[1]))
    return tuple(scenarios)


def _kpis(reader: _Reader, value: Any) -> tuple[KpiValue, ...]:
    values = reader.list(value, "kpis", MAX_KPIS)
    if values is None:
        return ()
    kpis, seen = [], set()
    for index, entry in enumerate(values):
        path = f"kpis[{index}]"
        data = reader.object(entry, path, _KPI_KEYS)
        if data is None:
            continue
        before = len(reader.errors)
        code = _code(reader, data, path, seen)
        numbers = {}
        for key in ("baseline", "target", "actual"):
            raw = data.get(key)
            numbers[key] = None if raw is None else reader.decimal(raw, _join(path, key), _KPI)
        if len(reader.errors) == before:
            kpis.append(KpiValue(code, numbers["baseline"], numbers["target"], numbers["actual"]))
    return tuple(kpis)


def _benefits(reader: _Reader, value: Any) -> tuple[str, ...]:
    values = reader.list(value, "qualitative_benefits", MAX_BENEFITS)
    if values is None:
        return ()
    benefits = (reader.text(entry, f"qualitative_benefits[{index}]", MAX_BENEFIT_LENGTH)
                for index, entry in enumerate(values))
    return tuple(benefit for benefit in list(benefits) if benefit is not None)


def parse_case(data: Any) -> Case:
    """Validate a decoded ``roi-case/1`` document and build the :class:`Case`.

    Raises :class:`CaseFormatError` listing every problem (never any other exception).
    """
    try:
        return _parse(data)
    except CaseFormatError:
        raise
    except Exception as error:  # pragma: no cover - a bug here must not become a traceback
        raise CaseFormatError([("", f"unreadable document ({type(error).__name__})")]) from None


def _parse(data: Any) -> Case:
    reader = _Reader()
    document = reader.object(data, "", _TOP_KEYS)
    if document is None:
        raise CaseFormatError([("", "the document must be a JSON object")])

    if "format" not in document:
        reader.error("format", "required")
    elif document["format"] != FORMAT:
        reader.error("format", f'must be "{FORMAT}"')

    name = document.get("name", "")
    name = reader.text(name, "name", limits.MAX_LABEL_LENGTH)
    currency = document.get("currency", "EUR")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        reader.error("currency", "must be a 3-letter ISO 4217 code such as EUR")
    horizon = None
    if "horizon_months" not in document:
        reader.error("horizon_months", "required")
    else:
        horizon = reader.integer(document["horizon_months"], "horizon_months", 1,
                                 limits.MAX_HORIZON_MONTHS)
    discount_rate = Decimal(0)
    if "discount_rate" in document:
        discount_rate = reader.decimal(document["discount_rate"], "discount_rate", _RATE)
    # Read before the lines: their actuals are checked against it.
    reader.as_of_month = _as_of_month(reader, document, horizon)

    costs = _items(reader, document, "costs", gain=False)
    gains = _items(reader, document, "gains", gain=True)
    if len(costs) + len(gains) > limits.MAX_LINES_PER_PROJECT:
        reader.error("", f"must have at most {limits.MAX_LINES_PER_PROJECT} lines "
                         f"(costs and gains together), not {len(costs) + len(gains)}")
    if reader.has_actuals and reader.as_of_month is _MISSING:
        reader.error("as_of_month", "required when a line has actuals")
    benefits = _benefits(reader, document.get("qualitative_benefits", []))
    scenarios = DEFAULT_SCENARIOS
    if "scenarios" in document:
        scenarios = _scenarios(reader, document["scenarios"])
    kpis = _kpis(reader, document.get("kpis", []))

    if reader.errors:
        raise CaseFormatError(reader.errors)
    return Case(
        horizon_months=horizon, costs=costs, gains=gains, name=name, currency=currency,
        discount_rate=discount_rate, qualitative_benefits=benefits, scenarios=scenarios,
        kpis=kpis, as_of_month=None if reader.as_of_month is _MISSING else reader.as_of_month,
    )


def _json_decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        # An exponent beyond what Decimal can hold: 1e99999999999999999999 is reported by the
        # field's check as not finite (like NaN and Infinity), 1e-99999999999999999999 as
        # having too many decimal places, each with its path.
        sign = "-" if text.startswith("-") else ""
        if "e-" in text.lower():
            return Decimal(f"{sign}1E-999999")
        return Decimal(f"{sign}Infinity")


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """A JSON object whose key appears twice is ambiguous (which value counts?): refused."""
    data = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKey(f"the key {key!r} appears twice in one object")
        data[key] = value
    return data


def parse_case_json(text: str | bytes) -> Case:
    """Decode a JSON text and :func:`parse_case` it; bad JSON is a :class:`CaseFormatError` too.

    JSON numbers with a fraction are read as exact decimals (``0.1`` is 0.1, not a float).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise CaseFormatError([("", "invalid JSON: the text must be UTF-8")]) from None
    if not isinstance(text, str):
        raise CaseFormatError([("", "invalid JSON: expected a text")])
    if len(text) > MAX_JSON_CHARACTERS:
        raise CaseFormatError([("", f"the document must be at most {MAX_JSON_CHARACTERS} "
                                    "characters")])
    try:
        data = json.loads(text, parse_float=_json_decimal, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise CaseFormatError(
            [("", f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]
        ) from None
    except (ValueError, RecursionError, ArithmeticError) as error:
        # Integers longer than Python's limit, nesting deeper than the parser's stack.
        reason = "too deeply nested" if isinstance(error, RecursionError) else str(error)
        raise CaseFormatError([("", f"invalid JSON: {reason}")]) from None
    return parse_case(data)


def _decimal_text(number: Decimal) -> str:
    # Fixed notation: "1E+3" would not be accepted back by the format.
    return format(number, "f")


def _optional_decimal(number: Decimal | None) -> str | None:
    return None if number is None else _decimal_text(number)


def _item_to_dict(item: LineItem, *, gain: bool) -> dict:
    data = {
        "category": item.category,
        "label": item.label,
        "amount": _decimal_text(item.amount),
        "quantity": _decimal_text(item.quantity),
        "recurrence": Recurrence(item.recurrence).value,
        "start_month": item.start_month,
        "end_month": item.end_month,
    }
    gain_fields = {
        "ramp_up_months": item.ramp_up_months,
        "confidence": _decimal_text(item.confidence),
        "margin": _optional_decimal(item.margin),
    }
    if gain:
        data.update(gain_fields)
    else:
        # Costs have no such fields; a cost that carries them anyway is written out so that
        # parsing it back says so instead of silently dropping them.
        if item.ramp_up_months != 0:
            data["ramp_up_months"] = item.ramp_up_months
        if item.confidence != 1:
            data["confidence"] = gain_fields["confidence"]
        if item.margin is not None:
            data["margin"] = gain_fields["margin"]
    data["assumption"] = item.assumption
    data["subitem"] = item.subitem
    if item.actuals:
        # Only when present, so that the export of a plan is unchanged (method §6).
        data["actuals"] = {str(month): _decimal_text(amount) for month, amount in item.actuals}
    return data


def case_to_dict(case: Case) -> dict:
    """The ``roi-case/1`` document of ``case``; amounts as exact decimal strings, so that
    ``parse_case(case_to_dict(case)) == case``. ``as_of_month`` and ``actuals`` are written only
    when the case is tracked, so that a plan's document is the same as before method §6."""
    document = {
        "format": FORMAT,
        "name": case.name,
        "currency": case.currency,
        "horizon_months": case.horizon_months,
        "discount_rate": _decimal_text(case.discount_rate),
    }
    if case.as_of_month is not None:
        document["as_of_month"] = case.as_of_month
    return document | {
        "costs": [_item_to_dict(item, gain=False) for item in case.costs],
        "gains": [_item_to_dict(item, gain=True) for item in case.gains],
        "qualitative_benefits": list(case.qualitative_benefits),
        "scenarios": [
            {"code": scenario.code, "gains_factor": _decimal_text(scenario.gains_factor),
             "costs_factor": _decimal_text(scenario.costs_factor)}
            for scenario in case.scenarios
        ],
        "kpis": [
            {"code": kpi.code, "baseline": _optional_decimal(kpi.baseline),
             "target": _optional_decimal(kpi.target), "actual": _optional_decimal(kpi.actual)}
            for kpi in case.kpis
        ],
    }


def case_to_json(case: Case) -> str:
    """:func:`case_to_dict` as indented UTF-8 JSON text (accents kept as they are)."""
    return json.dumps(case_to_dict(case), ensure_ascii=False, indent=2) + "\n"


def case_errors(case: Case) -> list[tuple[str, str]]:
    """The format's rules applied to a :class:`Case` built in code (e.g. from the database):
    the ``(path, message)`` list that :func:`parse_case` would report, empty when valid."""
    try:
        parse_case(case_to_dict(case))
    except CaseFormatError as error:
        return error.errors
    except (TypeError, ValueError, AttributeError) as error:
        return [("", f"not a valid case ({type(error).__name__})")]
    return []
