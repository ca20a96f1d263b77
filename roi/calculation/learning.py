"""What a new forecast takes from past ones (issue 12, item 7; seed 004: "comparer les
prévisions passées aux résultats réels pour affiner votre modèle").

:func:`roi.calculation.tracking.learned_rates` pools the trackings; the two functions here turn
its pooled rates into what the wizard offers, so the rounding and the bounds have one home.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["suggested_confidence", "suggested_contingency_rate"]

_HUNDREDTH = Decimal("0.01")


def suggested_confidence(realisation_rate: Decimal) -> Decimal:
    """The confidence offered to a new gain line: the post's realisation rate (Σ actual / Σ
    planned before confidence), rounded half-up to a whole percent (0.6834 → 0.68) and kept
    within the method's bounds 0 < c <= 1: a post that came in above plan suggests 1 (the
    confidence is a discount, never a bonus), one that brought nothing the smallest 0.01."""
    rate = Decimal(realisation_rate).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return min(Decimal(1), max(_HUNDREDTH, rate))


def suggested_contingency_rate(overrun_rate: Decimal) -> Decimal | None:
    """The contingency suggested for a cost post, as a fraction of its planned amount: its
    pooled overrun (Σ actual / Σ planned − 1) rounded half-up to a whole percent; None when
    the post ran to plan or under it (no contingency to suggest)."""
    rate = Decimal(overrun_rate).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return rate if rate > 0 else None
