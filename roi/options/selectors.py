"""Reads of the options domain: a client's decisions, a decision's options and their
comparison (the engine's :func:`roi.calculation.comparison.compare` over each project's case),
in a constant number of queries whatever the number of lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from roi.calculation.comparison import (
    MAX_OPTIONS,
    Comparison,
    ComparisonError,
    compare,
    comparison_document,
)
from roi.options.models import Decision, DecisionOption
from roi.projects.models import RoiProject
from roi.projects.selectors import ProjectOverview, project_overview
from roi.texts import comparison_problem_text

__all__ = ["DecisionComparison", "client_decisions", "decision_comparison", "decision_options",
           "option_candidates"]


def _live_options() -> QuerySet[DecisionOption]:
    return (DecisionOption.objects.filter(project__deleted_at__isnull=True)
            .select_related("project").order_by("position"))


def client_decisions(client) -> list[Decision]:
    """The client's decisions, newest first, each with its live options (two queries)."""
    return list(
        Decision.objects.filter(client=client)
        .annotate(option_count=Count("options", filter=Q(
            options__project__deleted_at__isnull=True)))
        .prefetch_related(Prefetch("options", queryset=_live_options(), to_attr="live"))
        .select_related("chosen")
    )


def decision_options(decision: Decision) -> list[DecisionOption]:
    """The decision's options in order (the reference first), without deleted projects."""
    return list(_live_options().filter(decision=decision))


def option_candidates(decision: Decision) -> QuerySet[RoiProject]:
    """The client's live projects not already options of the decision."""
    return (RoiProject.objects.filter(client_id=decision.client_id, deleted_at__isnull=True)
            .exclude(pk__in=DecisionOption.objects.filter(decision=decision)
                     .values("project_id"))
            .order_by("name"))


@dataclass
class DecisionComparison:
    """A decision's options and, when they can be compared, the engine's comparison.

    ``problems``: why not (in words, naming the option and the key), else empty;
    ``document``: the ``roi-comparison/1`` document of ``comparison``.
    """

    decision: Decision
    options: list[DecisionOption]
    overviews: list[ProjectOverview]
    comparison: Comparison | None = None
    document: dict | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [option.project.name for option in self.options]

    @property
    def can_add(self) -> bool:
        return len(self.options) < MAX_OPTIONS


def decision_comparison(decision: Decision, *, lang: str | None = None) -> DecisionComparison:
    """Compare the decision's options (every figure from the engine). Mismatched currency,
    horizon or discount rate is refused by the engine: its problems are worded here."""
    options = decision_options(decision)
    overviews = [project_overview(option.project, lang=lang) for option in options]
    state = DecisionComparison(decision, options, overviews)
    if len(options) < 2:
        return state
    try:
        state.comparison = compare([overview.case for overview in overviews])
    except ComparisonError as error:
        state.problems = [comparison_problem_text(problem, state.names)
                          for problem in error.problems]
        return state
    state.document = comparison_document(state.comparison)
    return state


def option_of(decision: Decision, option_id) -> DecisionOption | None:
    """One option of ``decision`` (None for another decision's option or a bad id)."""
    try:
        option_id = int(option_id)
    except (TypeError, ValueError):
        return None
    return _live_options().filter(decision=decision, pk=option_id).first()
