"""Reads of the projects domain, each in a constant number of queries whatever the number of
lines: the workspace, a client's projects, the portfolio, and :func:`project_overview`, the one
read model of a project (its lines, answers, catalogue, figures and completeness) that the
pages, the wizard and the documents share, so that the engine runs once per request."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet

from checklist.catalogue.completeness import Completeness, completeness
from checklist.catalogue.models import CatalogueVersion
from checklist.catalogue.reader import CatalogueInfo, catalogue_info
from roi.access import memberships_for
from roi.calculation import Case, CaseResult, compute, item_totals
from roi.formats import active_language
from roi.projects.cases import project_actuals, project_case, project_lines
from roi.projects.models import (
    AnswerStatus,
    ChecklistAnswer,
    KpiEntry,
    LineItem,
    LineKind,
    ProjectStatus,
    QualitativeBenefit,
    RoiProject,
    kpis_with_measurements,
)
from roi.tenancy.models import Membership
from roi.text_input import clean_single_line

# --- one project -----------------------------------------------------------------------------


@dataclass
class ProjectOverview:
    """Everything a page or a document shows of one project, read once.

    The rows are loaded eagerly (a constant number of queries); the catalogue, the figures and
    the completeness are worked out on first use and kept, so that a document served from the
    cache never computes, and a page computes once.
    """

    project: RoiProject
    catalogue_version: CatalogueVersion | None
    lines: list[LineItem]  # in the checklist's order (see project_lines)
    answers: dict[int, ChecklistAnswer]  # by stored sub-item id
    benefits: list[QualitativeBenefit]
    kpis: list[KpiEntry]
    case: Case
    lang: str
    # Line id -> {month: amount}: the reported actuals of the closed months (tracking).
    actuals: dict = field(default_factory=dict)

    @functools.cached_property
    def catalogue(self) -> CatalogueInfo:
        return catalogue_info(self.catalogue_version, self.lang)

    @functools.cached_property
    def result(self) -> CaseResult:
        return compute(self.case)

    @functools.cached_property
    def line_totals(self) -> dict[int, tuple[Decimal, Decimal]]:
        """Line id -> (total over the horizon, total before risk adjustment)."""
        # The case lists costs then gains, each in the order of ``lines``: pair them back.
        ordered = ([r for r in self.lines if r.kind == LineKind.COST]
                   + [r for r in self.lines if r.kind == LineKind.GAIN])
        return {row.pk: totals for row, totals in zip(ordered, item_totals(self.case),
                                                      strict=True)}

    def line_total(self, line: LineItem) -> tuple[Decimal, Decimal]:
        return self.line_totals[line.pk]

    @functools.cached_property
    def not_applicable(self) -> dict[str, str]:
        """Sub-item code -> reason, for the sub-items of this catalogue said not applicable."""
        codes = self.catalogue.subitem_codes
        return {codes[subitem_id]: answer.reason for subitem_id, answer in self.answers.items()
                if answer.status == AnswerStatus.NOT_APPLICABLE and subitem_id in codes}

    @functools.cached_property
    def counted(self) -> set[str]:
        """The codes of the sub-items of this catalogue that at least one line answers."""
        codes = self.catalogue.subitem_codes
        return {codes[line.subitem_id] for line in self.lines if line.subitem_id in codes}

    @functools.cached_property
    def completeness(self) -> Completeness:
        return completeness(self.catalogue, counted=self.counted,
                            not_applicable=self.not_applicable)


def project_overview(project: RoiProject, *, lang: str | None = None) -> ProjectOverview:
    """The read model of ``project``, its texts in ``lang`` (default: the active language)."""
    lines = project_lines(project)
    benefits = list(project.qualitative_benefits.all())
    kpis = list(kpis_with_measurements(project))
    actuals = project_actuals(project)
    return ProjectOverview(
        project=project, catalogue_version=CatalogueVersion.of(project), lines=lines,
        answers={a.subitem_id: a for a in ChecklistAnswer.objects.filter(project=project)},
        benefits=benefits, kpis=kpis,
        case=project_case(project, lines=lines, benefits=benefits, kpis=kpis, actuals=actuals),
        lang=active_language() if lang is None else lang, actuals=actuals,
    )


# --- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceEntry:
    membership: Membership
    projects: list[RoiProject]


def workspace_for(user, *, include_archived: bool = False) -> list[WorkspaceEntry]:
    """The user's client companies with the projects of each (two queries)."""
    projects = RoiProject.objects.filter(deleted_at__isnull=True).select_related(
        "updated_by").order_by("-updated_at")
    if not include_archived:
        projects = projects.filter(archived_at__isnull=True)
    memberships = memberships_for(user).prefetch_related(
        Prefetch("client__projects", queryset=projects, to_attr="visible_projects")
    ).order_by("client__name")
    return [WorkspaceEntry(m, m.client.visible_projects) for m in memberships]


def client_projects(client, *, archived: bool = False) -> QuerySet[RoiProject]:
    return (
        RoiProject.objects.filter(client=client, archived_at__isnull=not archived,
                                  deleted_at__isnull=True)
        .select_related("updated_by", "created_by")
        .order_by("-updated_at")
    )


def client_deleted_projects(client) -> QuerySet[RoiProject]:
    """Deleted projects still in their grace period (restorable)."""
    return RoiProject.objects.filter(client=client, deleted_at__isnull=False).order_by(
        "-deleted_at")


PORTFOLIO_SORTS = {
    "client": "client__name", "-client": "-client__name", "name": "name", "-name": "-name",
    "status": "status", "-status": "-status", "roi": "roi_percent", "-roi": "-roi_percent",
    "payback": "payback_months", "-payback": "-payback_months", "net": "net_gain",
    "-net": "-net_gain", "updated_at": "updated_at", "-updated_at": "-updated_at",
}


@dataclass(frozen=True)
class PortfolioPage:
    page: Page
    clients: list
    query: str
    client_id: int | None
    status: str
    sort: str


def portfolio_page(user, *, query: str = "", client_id=None, status: str = "",
                   sort: str = "-updated_at", page=1, per_page: int = 25) -> PortfolioPage:
    """The projects of every client of the user, in a constant number of queries."""
    clients = [m.client for m in memberships_for(user).order_by("client__name")]
    projects = RoiProject.objects.filter(
        client__in=[c.pk for c in clients], deleted_at__isnull=True
    ).select_related("client", "updated_by")
    query = clean_single_line(query).strip()[:100]
    if query:
        # Accents and case aside ("connecte" finds "connecté"): PostgreSQL's unaccent
        # (migration 0003), on both sides of the comparison.
        projects = projects.filter(Q(name__unaccent__icontains=query)
                                   | Q(client__name__unaccent__icontains=query)
                                   | Q(crm_solution__unaccent__icontains=query))
    try:
        client_id = int(client_id) if client_id else None
    except (TypeError, ValueError):
        client_id = None
    if client_id:
        projects = projects.filter(client_id=client_id)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    elif status == "archived":
        projects = projects.filter(archived_at__isnull=False)
    else:
        status = ""
    sort = sort if sort in PORTFOLIO_SORTS else "-updated_at"
    field = PORTFOLIO_SORTS[sort]
    ordering = (F(field.lstrip("-")).desc(nulls_last=True) if field.startswith("-")
                else F(field).asc(nulls_last=True))
    projects = projects.order_by(ordering, "-id")
    paginator = Paginator(projects, per_page)
    return PortfolioPage(paginator.get_page(page), clients, query, client_id, status, sort)
