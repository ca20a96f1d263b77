"""What the wizard and the results page show, loaded in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from checklist.models import CatalogueVersion, KpiDefinition, Post
from checklist.steps import GROUPS, STEPS, Group, Step, first_step_of
from roi.adapter import project_case, project_lines
from roi.calculation import CaseResult, compute
from roi.calculation.lines import item_totals
from roi.models import AnswerStatus, ChecklistAnswer, LineItem, RoiProject
from roi.texts import warning_text

DONE, INCOMPLETE, WARNING = "done", "incomplete", "warning"

# Which step a warning of the engine belongs to (method §4).
WARNING_STEPS = {
    "no_contingency": "costs-contingency",
    "tco_below_licences": "costs-software",
    "revenue_without_margin": "gains-revenue",
    "horizon_shorter_than_payback": "context",
    "licence_price_out_of_range": "costs-software",
}


@dataclass
class LineView:
    line: LineItem
    total: Decimal  # over the horizon, risk-adjusted for gains
    total_unadjusted: Decimal


@dataclass
class SubItemView:
    subitem: object
    lines: list[LineView]
    answer: ChecklistAnswer | None

    @property
    def status(self) -> str:
        if self.lines:
            return AnswerStatus.COUNTED
        if self.answer is not None and self.answer.status == AnswerStatus.NOT_APPLICABLE:
            return AnswerStatus.NOT_APPLICABLE
        return AnswerStatus.OPEN

    @property
    def reason(self) -> str:
        return self.answer.reason if self.answer else ""


@dataclass
class PostView:
    post: Post
    items: list[SubItemView]
    other_lines: list[LineView]  # lines of the post that answer no sub-item (imports)
    total: Decimal = Decimal(0)
    total_unadjusted: Decimal = Decimal(0)

    @property
    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in AnswerStatus.values}
        for item in self.items:
            counts[item.status] += 1
        return counts

    @property
    def addressed(self) -> bool:
        return all(item.status != AnswerStatus.OPEN for item in self.items)


@dataclass
class WizardState:
    project: RoiProject
    result: CaseResult
    posts: dict[str, PostView]
    benefits: list
    kpis: list
    step_states: dict[str, str] = field(default_factory=dict)
    step_warnings: dict[str, list] = field(default_factory=dict)

    def posts_of(self, kind: str) -> list[PostView]:
        return [view for view in self.posts.values() if view.post.kind == kind]

    def group_state(self, group: Group) -> str:
        states = [self.step_states[s.slug] for s in STEPS if s.group == group.code]
        if WARNING in states:
            return WARNING
        return DONE if all(state == DONE for state in states) else INCOMPLETE

    @property
    def groups(self) -> list[tuple[Group, str, str]]:
        """(group, its state, the slug of its first step) for the progress bar."""
        return [(group, self.group_state(group), first_step_of(group.code).slug)
                for group in GROUPS]

    @property
    def completeness(self) -> dict[str, int]:
        totals = {status: 0 for status in AnswerStatus.values}
        for view in self.posts.values():
            for status, count in view.counts.items():
                totals[status] += count
        totals["total"] = sum(totals[s] for s in AnswerStatus.values)
        addressed = totals["total"] - totals[AnswerStatus.OPEN]
        totals["percent"] = round(100 * addressed / totals["total"]) if totals["total"] else 0
        return totals

    @property
    def todo_items(self) -> list[tuple[PostView, SubItemView]]:
        return [(view, item) for view in self.posts.values() for item in view.items
                if item.status == AnswerStatus.OPEN]


def catalogue_of(project: RoiProject) -> CatalogueVersion | None:
    return project.catalogue if project.catalogue_id else CatalogueVersion.current()


def wizard_state(project: RoiProject) -> WizardState:
    """Everything the wizard shows: 7 queries whatever the number of lines."""
    catalogue = catalogue_of(project)
    posts = list(
        Post.objects.filter(catalogue=catalogue).prefetch_related("items").order_by(
            "-kind", "order")
    ) if catalogue else []
    lines = project_lines(project)
    answers = {a.subitem_id: a for a in ChecklistAnswer.objects.filter(project=project)}
    benefits = list(project.qualitative_benefits.all())
    kpis = list(project.kpis.all())
    case = project_case(project, lines=lines, benefits=benefits, kpis=kpis)
    result = compute(case)
    # The case lists costs then gains, each in the order of ``lines``: pair them back.
    ordered = [r for r in lines if r.kind == "cost"] + [r for r in lines if r.kind == "gain"]
    totals = item_totals(case)
    views = {row.pk: LineView(row, *totals[index]) for index, row in enumerate(ordered)}

    by_subitem: dict[int, list[LineView]] = {}
    by_post_other: dict[str, list[LineView]] = {}
    for row in lines:
        if row.subitem_id and row.subitem.post_id in {p.pk for p in posts}:
            by_subitem.setdefault(row.subitem_id, []).append(views[row.pk])
        else:
            by_post_other.setdefault(row.category, []).append(views[row.pk])
    post_totals = {t.category: t for t in (*result.costs_by_post, *result.gains_by_post)}
    post_views: dict[str, PostView] = {}
    for post in posts:
        items = [SubItemView(item, by_subitem.get(item.pk, []), answers.get(item.pk))
                 for item in post.items.all()]
        total = post_totals.get(post.code)
        post_views[post.code] = PostView(
            post, items, by_post_other.get(post.code, []),
            total.total if total else Decimal(0),
            total.total_unadjusted if total else Decimal(0),
        )
    state = WizardState(project, result, post_views, benefits, kpis)
    _fill_step_states(state)
    return state


def _fill_step_states(state: WizardState) -> None:
    project = state.project
    for warning in state.result.warnings:
        slug = WARNING_STEPS.get(warning.code)
        if slug:
            state.step_warnings.setdefault(slug, []).append(warning_text(warning))
    for step in STEPS:
        state.step_states[step.slug] = _step_state(state, step, project)
    others = [state.step_states[s.slug] for s in STEPS if s.kind != "summary"]
    state.step_states["summary"] = (
        WARNING if WARNING in others else DONE if all(s == DONE for s in others) else INCOMPLETE
    )


def _step_state(state: WizardState, step: Step, project: RoiProject) -> str:
    if step.slug in state.step_warnings:
        return WARNING
    if step.kind == "context":
        complete = bool(project.users_count and project.start_date and project.crm_solution)
        return DONE if complete else INCOMPLETE
    if step.kind == "post":
        view = state.posts.get(step.post_code)
        return DONE if view is not None and view.addressed else INCOMPLETE
    if step.kind == "benefits":
        return DONE if state.benefits else INCOMPLETE
    if step.kind == "kpis":
        filled = [k for k in state.kpis if k.baseline is not None and k.target is not None]
        return DONE if filled else INCOMPLETE
    return INCOMPLETE


def kpi_definitions(project: RoiProject) -> list[KpiDefinition]:
    catalogue = catalogue_of(project)
    return list(KpiDefinition.objects.filter(catalogue=catalogue)) if catalogue else []
