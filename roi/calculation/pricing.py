"""Licence prices and licence models of the software post (seed 002), pure Python.

Seed 002 ("Combien coûte un CRM ? Tarifs et modèles") gives the market's price tiers per user
and per month, in euros:

- CRM gratuits: 0 (free editions, limited);
- CRM économiques: 10–30 €/user/month (Pipedrive, Freshsales, Zoho CRM);
- CRM milieu de gamme: 30–100 €/user/month (HubSpot Sales Hub, Monday Sales CRM);
- CRM haut de gamme: 100–300 €/user/month "et plus" (Salesforce, Dynamics 365, SAP).

The seed's tiers share their ends ("10–30", "30–100"); here each tier holds its lower bound and
not its upper one, so that every price has one tier: 30 is mid-range, 100 is high-end; the top
tier also holds 300. A per-user price outside 10–300 gets a warning: not because it is
impossible, but because it is what the usual entry mistakes look like (a whole invoice typed as
a per-user price, a yearly price entered as monthly, a per-user price given quantity 1 …).

Currencies: the thresholds are applied as they are to EUR, USD, GBP and CHF, the currencies the
product offers. They trade within about ±25 % of the euro, while the tiers are a factor 3 wide
and the mistakes the warning is for are a factor 12 (monthly vs yearly) or the number of users,
so converting would change no useful answer. Any other currency (the interchange format accepts
every ISO code) has no known scale here: its prices are still read, but they get no tier and
no warning, rather than a warning on every JPY or SEK price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from roi.calculation.model import Case, LineItem, Recurrence
from roi.calculation.money import to_decimal

__all__ = [
    "LICENCE_MODELS",
    "LICENCE_PRICE_OUT_OF_RANGE",
    "PLAUSIBLE_PRICE_MAX",
    "PLAUSIBLE_PRICE_MIN",
    "PRICE_TIERS",
    "PRICED_CURRENCIES",
    "LicencePrice",
    "PriceTier",
    "PriceWarning",
    "licence_model",
    "licence_price_warnings",
    "licence_prices",
    "price_tier",
]


@dataclass(frozen=True)
class PriceTier:
    """A market tier of seed 002: prices per user per month from ``minimum`` (included) to
    ``maximum`` (excluded, except for the top tier, which includes it)."""

    code: str
    minimum: Decimal
    maximum: Decimal


# Codes are stable (the web layer words them: "économique", "milieu de gamme", "haut de gamme").
PRICE_TIERS: tuple[PriceTier, ...] = (
    PriceTier("free", Decimal(0), Decimal(0)),
    PriceTier("economy", Decimal(10), Decimal(30)),
    PriceTier("mid_range", Decimal(30), Decimal(100)),
    PriceTier("high_end", Decimal(100), Decimal(300)),
)
PLAUSIBLE_PRICE_MIN = Decimal(10)  # per user per month; below: no paid tier of seed 002
PLAUSIBLE_PRICE_MAX = Decimal(300)  # above: beyond the top tier of seed 002
PRICED_CURRENCIES: frozenset[str] = frozenset({"EUR", "USD", "GBP", "CHF"})
LICENCE_PRICE_OUT_OF_RANGE = "licence_price_out_of_range"

SAAS, ON_PREMISE, MIXED = "saas", "on_premise", "mixed"
LICENCE_MODELS: tuple[str, ...] = (SAAS, ON_PREMISE, MIXED)
# The checklist sub-item of a vendor's one-off activation fee: a `once` software line, but not
# a licence bought (catalogue: "software.activation").
ACTIVATION_SUBITEM = "software.activation"


def price_tier(price_per_user_month: Decimal | Fraction) -> PriceTier | None:
    """The tier of a price per user per month (0 is "free"), or None when it lies in none:
    above 0 and below 10, or above 300."""
    free, *paid = PRICE_TIERS
    if price_per_user_month == 0:
        return free
    for tier in paid:
        if tier.minimum <= price_per_user_month < tier.maximum:
            return tier
    top = paid[-1]
    return top if price_per_user_month == top.maximum else None


@dataclass(frozen=True)
class LicencePrice:
    """The per-user licence price a software line implies.

    ``line_index`` is the line's position in ``case.costs``; ``users`` its quantity;
    ``price_per_user_month`` = amount for a ``monthly`` line, amount / 12 for a ``yearly`` one,
    in the case's currency, full precision; ``tier`` the :class:`PriceTier` code, or None when
    the price lies in no tier or the currency has none; ``plausible``: True for a free edition
    or a price within 10–300 (ends included), False outside, None for a currency without tiers
    (see the module's docstring).
    """

    line_index: int
    label: str
    recurrence: Recurrence
    users: Decimal
    price_per_user_month: Decimal
    tier: str | None
    plausible: bool | None


def _is_whole_number_of_users(quantity: Decimal) -> bool:
    return quantity >= 2 and quantity == quantity.to_integral_value()


def licence_prices(case: Case) -> tuple[LicencePrice, ...]:
    """The per-user-per-month price of each software line whose price per user can be read.

    A line can be read when it is a subscription (``monthly`` or ``yearly``; a ``once`` line is
    a purchase or a fee, not a price per month) and its quantity is a whole number of users
    >= 2. With quantity 1 the amount is the whole invoice (seed 000's Apogea enters 12 000 a
    year for 25 users as one amount), so no price per user can be read from it.
    """
    priced = case.currency in PRICED_CURRENCIES
    prices = []
    for index, item in enumerate(case.costs):
        if item.category != "software" or not _is_whole_number_of_users(item.quantity):
            continue
        recurrence = Recurrence(item.recurrence)
        if recurrence is Recurrence.ONCE:
            continue
        price = Fraction(item.amount)
        if recurrence is Recurrence.YEARLY:
            price /= 12
        # The tier is read on the exact price (a yearly amount / 12 need not terminate).
        tier = price_tier(price) if priced else None
        prices.append(LicencePrice(
            line_index=index, label=item.label, recurrence=recurrence, users=item.quantity,
            price_per_user_month=to_decimal(price), tier=None if tier is None else tier.code,
            plausible=(tier is not None) if priced else None,
        ))
    return tuple(prices)


class PriceWarning(NamedTuple):
    """A warning's stable code and params; the engine turns it into a ``CaseWarning`` (this
    module does not import the engine, which calls it)."""

    code: str
    params: dict[str, Any]


def licence_price_warnings(case: Case) -> tuple[PriceWarning, ...]:
    """One ``licence_price_out_of_range`` warning per readable per-user licence price outside
    10–300 per user per month (10 and 300 themselves are plausible; 0 is a free edition).

    Params: ``line_index`` (int, position in ``case.costs``), ``label`` (str),
    ``price_per_user_month``, ``users``, ``minimum`` (10) and ``maximum`` (300) as Decimals in
    the case's currency. Currencies outside :data:`PRICED_CURRENCIES` get none.
    """
    return tuple(
        PriceWarning(LICENCE_PRICE_OUT_OF_RANGE, {
            "line_index": price.line_index,
            "label": price.label,
            "price_per_user_month": price.price_per_user_month,
            "users": price.users,
            "minimum": PLAUSIBLE_PRICE_MIN,
            "maximum": PLAUSIBLE_PRICE_MAX,
        })
        for price in licence_prices(case)
        if price.plausible is False
    )


def _counts(item: LineItem) -> bool:
    return item.amount * item.quantity != 0


def licence_model(case: Case) -> str | None:
    """How the case pays for its CRM (seed 002, "Les différents modèles de tarification"):
    ``"saas"``, ``"on_premise"``, ``"mixed"`` or None.

    The rule, on the cost lines with an amount:

    - a *licence purchase* is a ``once`` line of the ``software`` post, unless it is the vendor's
      activation fee (sub-item ``software.activation``);
    - a *subscription* is a ``monthly`` or ``yearly`` line of the ``software`` post; it is
      *per user* when its quantity is a whole number of users >= 2 (as in
      :func:`licence_prices`).

    Then: no licence purchase and no subscription -> None (no paid software line); a
    subscription without licence purchase -> ``saas``; a licence purchase next to a per-user
    subscription -> ``mixed`` (a perpetual licence plus seats rented by the month: seed 002's
    hybrid); a licence purchase otherwise -> ``on_premise``. That covers seed 002's perpetual
    licence with its maintenance, whether the maintenance is a yearly or monthly line of the
    ``support`` post (post 4, "Support et maintenance") or of the ``software`` post (a lump sum
    billed by the vendor, not per user). A licence purchase without any maintenance line is
    still ``on_premise``.
    """
    software = [item for item in case.costs if item.category == "software" and _counts(item)]
    purchases = [item for item in software if Recurrence(item.recurrence) is Recurrence.ONCE
                 and item.subitem != ACTIVATION_SUBITEM]
    subscriptions = [item for item in software
                     if Recurrence(item.recurrence) is not Recurrence.ONCE]
    if not purchases:
        return SAAS if subscriptions else None
    if any(_is_whole_number_of_users(item.quantity) for item in subscriptions):
        return MIXED
    return ON_PREMISE
