"""The ordered, declarative list of wizard steps.

1 Context → 2 Costs (one sub-step per post) → 3 Gains (one sub-step per post) →
4 Qualitative benefits → 5 KPIs → 6 Summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from roi.calculation import COST_CATEGORIES, GAIN_CATEGORIES


@dataclass(frozen=True)
class Step:
    slug: str
    kind: str  # context | post | benefits | kpis | summary
    group: str  # context | costs | gains | benefits | kpis | summary
    post_code: str | None = None


@dataclass(frozen=True)
class Group:
    code: str
    number: int
    title: str | Promise


GROUPS = (
    Group("context", 1, _("Contexte")),
    Group("costs", 2, _("Coûts")),
    Group("gains", 3, _("Gains")),
    Group("benefits", 4, _("Bénéfices qualitatifs")),
    Group("kpis", 5, _("Indicateurs")),
    Group("summary", 6, _("Synthèse")),
)

STEPS: tuple[Step, ...] = (
    Step("context", "context", "context"),
    *(Step(f"costs-{code}", "post", "costs", code) for code in COST_CATEGORIES),
    *(Step(f"gains-{code}", "post", "gains", code) for code in GAIN_CATEGORIES),
    Step("benefits", "benefits", "benefits"),
    Step("kpis", "kpis", "kpis"),
    Step("summary", "summary", "summary"),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
FIRST_STEP = STEPS[0]


def step_for_post(code: str) -> Step:
    prefix = "costs" if code in COST_CATEGORIES else "gains"
    return STEP_BY_SLUG[f"{prefix}-{code}"]


def neighbours(step: Step) -> tuple[Step | None, Step | None]:
    index = STEPS.index(step)
    previous = STEPS[index - 1] if index > 0 else None
    following = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return previous, following


def first_step_of(group: str) -> Step:
    return next(step for step in STEPS if step.group == group)
