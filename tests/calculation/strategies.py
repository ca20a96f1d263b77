"""Hypothesis strategies for valid cases (within the interchange format's bounds)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from roi.calculation import COST_CATEGORIES, GAIN_CATEGORIES, Case, LineItem, Recurrence

amounts = st.decimals(min_value=0, max_value=200_000, places=2)
quantities = st.one_of(st.just(Decimal(1)), st.integers(1, 50).map(Decimal),
                       st.decimals(min_value="0.5", max_value=20, places=1))
confidences = st.decimals(min_value="0.05", max_value=1, places=2)
margins = st.one_of(st.none(), st.decimals(min_value="0.05", max_value=1, places=2))
rates = st.one_of(st.just(Decimal(0)), st.decimals(min_value=0, max_value="0.5", places=3))


@st.composite
def line_items(draw, *, gain: bool) -> LineItem:
    start = draw(st.integers(1, 40))
    end = draw(st.one_of(st.none(), st.integers(start, 70)))
    fields = {}
    if gain:
        fields = {
            "ramp_up_months": draw(st.integers(0, 8)),
            "confidence": draw(confidences),
            "margin": draw(margins),
        }
    return LineItem(
        category=draw(st.sampled_from(GAIN_CATEGORIES if gain else COST_CATEGORIES)),
        # Any text a format string may hold: no control character (roi-case/1 refuses them).
        label=draw(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)),
        amount=draw(amounts),
        recurrence=draw(st.sampled_from(list(Recurrence))),
        quantity=draw(quantities),
        start_month=start,
        end_month=end,
        **fields,
    )


@st.composite
def cases(draw, *, max_items: int = 6, horizon=None) -> Case:
    return Case(
        horizon_months=draw(st.integers(1, 60) if horizon is None else horizon),
        costs=tuple(draw(st.lists(line_items(gain=False), max_size=max_items))),
        gains=tuple(draw(st.lists(line_items(gain=True), max_size=max_items))),
        discount_rate=draw(rates),
    )
