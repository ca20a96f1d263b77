"""What the wizard shows: the project's overview (loaded and computed once) arranged by post
and sub-item, with the state of each step."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from checklist.catalogue.completeness import STATUSES, TODO, subitem_status
from checklist.catalogue.reader import PostInfo, SubItemInfo
from checklist.wizard.steps import GROUPS, STEPS, Group, Step, first_step_of
from roi.calculation.pricing import licence_model, licence_prices
from roi.projects.cases import project_case, project_lines
from roi.projects.models import ChecklistAnswer, LineItem, RoiProject
from roi.projects.selectors import ProjectOverview, project_overview
from roi.review.models import ProjectVersion
from roi.review.selectors import Threads, comment_threads, latest_version
from roi.texts import (
    PRICE_TIER_NAMES,
    licence_model_text,
    price_range_text,
    price_tier_texts,
    warning_text,
)

DONE, INCOMPLETE, WARNING = "done", "incomplete", "warning"

# Which step a warning of the engine belongs to (method §4).
WARNING_STEPS = {
    "no_contingency": "costs-contingency",
    "tco_below_licences": "costs-software",
    "revenue_without_margin": "gains-revenue",
    "revenue_line_without_margin": "gains-revenue",
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
    subitem: SubItemInfo
    lines: list[LineView]
    answer: ChecklistAnswer | None
    status: str  # counted | not_applicable | todo (checklist.catalogue.completeness)

    @property
    def reason(self) -> str:
        return self.answer.reason if self.answer else ""


@dataclass
class PostView:
    post: PostInfo
    items: list[SubItemView]
    other_lines: list[LineView]  # lines of the post that answer no sub-item (imports)
    total: Decimal = Decimal(0)
    total_unadjusted: Decimal = Decimal(0)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            counts[item.status] += 1
        return counts

    @property
    def addressed(self) -> bool:
        return all(item.status != TODO for item in self.items)


class ReviewState:
    """What the review banner of every step shows (the CFO's request, the comments still
    open, the approved version): read without a line or a figure, one query each."""

    def __init__(self, project: RoiProject):
        self.project = project

    @functools.cached_property
    def threads(self) -> Threads:
        """The review's comment threads (the banner and the badges), one query."""
        return comment_threads(self.project)

    @functools.cached_property
    def latest_version(self) -> ProjectVersion | None:
        return latest_version(self.project)


@dataclass
class WizardState:
    overview: ProjectOverview
    posts: dict[str, PostView]
    lines: list[LineItem]  # the lines listed (see wizard_state's ``lines_of``)
    review: ReviewState
    step_states: dict[str, str] = field(default_factory=dict)
    step_warnings: dict[str, list] = field(default_factory=dict)

    @property
    def project(self) -> RoiProject:
        return self.overview.project

    @property
    def threads(self) -> Threads:
        return self.review.threads

    @property
    def latest_version(self) -> ProjectVersion | None:
        return self.review.latest_version

    @property
    def result(self):
        """The engine's figures (cached per revision; no line loaded for them)."""
        return self.overview.figures

    @property
    def benefits(self) -> list:
        return self.overview.benefits

    @property
    def kpis(self) -> list:
        return self.overview.kpis

    @property
    def completeness(self):
        return self.overview.completeness

    @functools.cached_property
    def open_comments_by_post(self) -> dict[str, int]:
        """Post code -> comments still open on its lines (each line's post from the cached
        engine results: no line loaded for the badges)."""
        engine = self.overview.engine
        counts: dict[str, int] = {}
        for line_id, thread in self.threads.by_line.items():
            category = engine.category_of(line_id)
            if category is not None and thread.open_count:
                counts[category] = counts.get(category, 0) + thread.open_count
        return counts

    @functools.cached_property
    def software_pricing(self) -> dict:
        """Seed 002 next to the software post, in the project's currency: the market's tiers
        per user per month, the plausible range, the licence model the lines follow (SaaS per
        user, on-premise perpetual + maintenance, hybrid) and each readable per-user price
        with its tier (all from roi.calculation.pricing)."""
        # Only the software post's lines matter (roi.calculation.pricing reads no other): the
        # step has them loaded already, so no other line is read nor the whole case built.
        software = [line for line in self.lines if line.category == "software"]
        case = project_case(self.project, lines=software, benefits=[], kpis=[], actuals={})
        lang = self.overview.lang
        return {
            "tiers": price_tier_texts(case.currency, lang=lang),
            "range": price_range_text(case.currency, lang=lang),
            "model": licence_model_text(licence_model(case)),
            "prices": [{"label": price.label, "users": price.users,
                        "price": price.price_per_user_month,
                        "tier": str(PRICE_TIER_NAMES.get(price.tier or "", "")),
                        "plausible": price.plausible is not False}
                       for price in licence_prices(case)],
        }

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


ALL_POSTS = "*"


def wizard_state(project: RoiProject, *, overview: ProjectOverview | None = None,
                 lines_of: str | None = ALL_POSTS, review: ReviewState | None = None
                 ) -> WizardState:
    """Everything the wizard shows, in a constant number of queries.

    ``lines_of``: whose lines are loaded and listed: every post's (the default), one post's
    (its code: a post step shows only its own), or none (the other steps). The statuses, the
    totals and the badges never need the lines: they come from the answers, the sub-items
    counted and the engine's cached results.
    """
    overview = overview or project_overview(project)
    counted, not_applicable = overview.counted, overview.not_applicable
    if lines_of == ALL_POSTS or "lines" in overview.__dict__:
        lines = [line for line in overview.lines
                 if lines_of in (ALL_POSTS, line.category)] if lines_of else []
    elif lines_of is None:
        lines = []
    else:
        lines = project_lines(project, category=lines_of)
    overview.lines_figured(lines)
    totals = overview.line_totals
    views: dict[int, LineView] = {line.pk: LineView(line, *totals[line.pk]) for line in lines}
    subitem_ids = set(overview.catalogue.subitem_codes)
    by_subitem: dict[int, list[LineView]] = {}
    by_post_other: dict[str, list[LineView]] = {}
    for line in lines:
        if line.subitem_id in subitem_ids:
            by_subitem.setdefault(line.subitem_id, []).append(views[line.pk])
        else:
            by_post_other.setdefault(line.category, []).append(views[line.pk])
    post_totals = {t.category: t for t in (*overview.figures.costs_by_post,
                                           *overview.figures.gains_by_post)}
    # Costs first, then gains, each in the catalogue's order.
    posts = sorted(overview.catalogue.posts, key=lambda p: (p.kind != "cost", p.order))
    post_views: dict[str, PostView] = {}
    for post in posts:
        items = [
            SubItemView(item, by_subitem.get(item.pk, []), overview.answers.get(item.pk),
                        subitem_status(item.code, counted=counted,
                                       not_applicable=not_applicable))
            for item in post.items
        ]
        total = post_totals.get(post.code)
        post_views[post.code] = PostView(
            post, items, by_post_other.get(post.code, []),
            total.total if total else Decimal(0),
            total.total_unadjusted if total else Decimal(0),
        )
    state = WizardState(overview, post_views, lines, review or ReviewState(project))
    _fill_step_states(state)
    return state


def _fill_step_states(state: WizardState) -> None:
    for warning in state.result.warnings:
        slug = WARNING_STEPS.get(warning.code)
        if slug:
            state.step_warnings.setdefault(slug, []).append(
                warning_text(warning, currency=state.project.currency))
    for step in STEPS:
        state.step_states[step.slug] = _step_state(state, step)
    others = [state.step_states[s.slug] for s in STEPS if s.kind != "summary"]
    state.step_states["summary"] = (
        WARNING if WARNING in others else DONE if all(s == DONE for s in others) else INCOMPLETE
    )


def _step_state(state: WizardState, step: Step) -> str:
    project = state.project
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
