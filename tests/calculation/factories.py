"""Builders for the tests: the seeds' reference cases and short-hand line items."""

from __future__ import annotations

from decimal import Decimal

from roi.calculation import Case, LineItem, Recurrence

ONCE, MONTHLY, YEARLY = Recurrence.ONCE, Recurrence.MONTHLY, Recurrence.YEARLY


def cost(category: str, amount: str | int, recurrence: Recurrence = ONCE, **fields) -> LineItem:
    return LineItem(category=category, label=fields.pop("label", category),
                    amount=Decimal(amount), recurrence=recurrence, **fields)


def gain(category: str, amount: str | int, recurrence: Recurrence = MONTHLY, **fields) -> LineItem:
    return LineItem(category=category, label=fields.pop("label", category),
                    amount=Decimal(amount), recurrence=recurrence, **fields)


def case(horizon: int, costs=(), gains=(), **fields) -> Case:
    return Case(horizon_months=horizon, costs=tuple(costs), gains=tuple(gains), **fields)


def apogea(horizon: int = 12, **fields) -> Case:
    """Seed 000: the industrial PME with Apogea (45 000 € of costs, 55 000 € of gains)."""
    return case(
        horizon,
        costs=[
            cost("software", 12000, YEARLY, label="Abonnement annuel 25 utilisateurs"),
            cost("integration", 18000, ONCE, label="Intégration, paramétrage, connecteurs ERP"),
            cost("training", 5000, ONCE, label="Formation & accompagnement"),
            cost("support", 3000, YEARLY, label="Support et TMA"),
            cost("internal", 7000, ONCE, label="Temps projet interne mobilisé"),
        ],
        gains=[
            gain("productivity", 18000, YEARLY, label="Gain de temps des commerciaux"),
            gain("conversion", 22000, YEARLY, label="Amélioration du taux de transformation"),
            gain("marketing", 6000, YEARLY, label="Réduction du coût d'acquisition"),
            gain("retention", 9000, YEARLY, label="Meilleure fidélisation client"),
        ],
        name="PME industrielle – CRM connecté à l'ERP",
        **fields,
    )


def junto(horizon: int = 12, **fields) -> Case:
    """Seed 001: 50 000 € invested, 250 000 € of gains in a year."""
    return case(
        horizon,
        costs=[cost("integration", 50000, ONCE, label="Investissement CRM")],
        gains=[
            gain("revenue", 200000, YEARLY, label="Augmentation des ventes"),
            gain("productivity", 30000, YEARLY, label="Réduction des coûts opérationnels"),
            gain("productivity", 20000, YEARLY, label="Gain de productivité"),
        ],
        name="Junto",
        **fields,
    )
