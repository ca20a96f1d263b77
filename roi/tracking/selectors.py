"""Tracking reads: the actuals grid, the reviews and when they are due.

Every figure comes from the engine (``compute(case).tracking``, via the project's read model
:func:`roi.projects.selectors.project_overview`); here they are only arranged for the pages.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from roi.calculation import LineTracking, TrackingResult, active_months
from roi.projects.models import LineItem, LineKind, RoiProject
from roi.projects.selectors import ProjectOverview
from roi.tenancy.models import Membership
from roi.tracking.models import ReviewAction, TrackingReview

# Reviews at 3, 6 and 12 months after go-live, then every 12 months (seed 000's yearly audit).
FIRST_REVIEWS = (3, 6, 12)
YEARLY = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` + ``months`` calendar months, on the last day of a shorter month (31 Jan + 1
    month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_months(horizon_months: int) -> list[int]:
    """The review milestones in months after go-live: 3, 6, 12, then yearly up to the
    horizon (at least the first three)."""
    months = list(FIRST_REVIEWS)
    while months[-1] + YEARLY <= horizon_months:
        months.append(months[-1] + YEARLY)
    return months


@dataclass(frozen=True)
class Milestone:
    months: int  # after go-live
    due_date: datetime.date
    review: TrackingReview | None
    overdue: bool  # due (date reached) and not recorded

    @property
    def done(self) -> bool:
        return self.review is not None


def due_reviews(project: RoiProject, *, today: datetime.date,
                reviews: list[TrackingReview] | None = None) -> list[Milestone]:
    """The project's review milestones with their due dates (go-live + N months), the review
    recorded for each, and whether it is due and not recorded. Empty before a go-live date."""
    if project.go_live_date is None:
        return []
    if reviews is None:
        reviews = list(TrackingReview.objects.filter(project=project))
    by_months = {review.months_after_go_live: review for review in reviews}
    milestones = []
    for months in review_months(project.horizon_months):
        due = add_months(project.go_live_date, months)
        review = by_months.get(months)
        milestones.append(Milestone(months, due, review, review is None and due <= today))
    return milestones


def next_review(milestones: list[Milestone]) -> Milestone | None:
    """The first milestone not recorded yet (what the review page offers to record)."""
    return next((m for m in milestones if m.review is None), None)


def project_reviews(project: RoiProject) -> list[TrackingReview]:
    """The recorded reviews with their actions and owners (two queries)."""
    actions = ReviewAction.objects.select_related("owner__user")
    return list(TrackingReview.objects.filter(project=project).select_related("reviewer")
                .prefetch_related(Prefetch("actions", queryset=actions)))


# --- the grid --------------------------------------------------------------------------------


@dataclass
class GridCell:
    month: int
    amount: Decimal | None  # the reported actual
    missing: bool  # an active closed month without an actual (method §6)
    active: bool = False  # one of the line's active months (planned to carry a value)
    text: str = ""  # what the cell shows (typed, or the stored amount)
    error: str = ""


@dataclass
class GridLine:
    line: LineItem
    tracking: LineTracking | None
    cells: list[GridCell]

    @property
    def missing(self) -> int:
        return sum(1 for cell in self.cells if cell.missing)


@dataclass
class GridPost:
    kind: str
    category: str
    title: str
    lines: list[GridLine]


@dataclass
class Grid:
    months: list[int]  # 1..A
    posts: list[GridPost]
    missing: int  # missing line-months

    @property
    def lines(self) -> list[GridLine]:
        return [line for post in self.posts for line in post.lines]


def tracking_grid(overview: ProjectOverview, tracking: TrackingResult | None) -> Grid:
    """Lines × closed months, grouped by post in the checklist's order (costs, then gains),
    each cell with its reported actual and whether it is a missing actual. No query: the
    read model has the lines and the actuals."""
    closed = overview.project.as_of_month or 0
    months = list(range(1, min(closed, overview.project.horizon_months) + 1))
    titles = overview.catalogue.post_titles
    ordered = ([r for r in overview.lines if r.kind == LineKind.COST]
               + [r for r in overview.lines if r.kind == LineKind.GAIN])
    by_line: dict[int, LineTracking] = {}
    if tracking is not None:
        by_line = {row.pk: line for row, line in zip(ordered, tracking.lines, strict=True)}
    case = overview.case
    items = dict(zip((row.pk for row in ordered), (*case.costs, *case.gains), strict=True))
    posts: list[GridPost] = []
    for row in ordered:
        line_tracking = by_line.get(row.pk)
        missing = set(line_tracking.missing_months) if line_tracking else set()
        active = active_months(items[row.pk], case.horizon_months)
        actuals = overview.actuals.get(row.pk, {})
        cells = [GridCell(month, actuals.get(month), month in missing, month in active)
                 for month in months]
        if not posts or (posts[-1].kind, posts[-1].category) != (row.kind, row.category):
            posts.append(GridPost(row.kind, row.category, titles.get(row.category, row.category),
                                  []))
        posts[-1].lines.append(GridLine(row, line_tracking, cells))
    return Grid(months, posts, sum(line.missing for post in posts for line in post.lines))


def members_of(client) -> list[Membership]:
    """The client's members, who may own a review's action (one query)."""
    return list(Membership.objects.filter(client=client).select_related("user")
                .order_by("user__last_name", "user__email"))
