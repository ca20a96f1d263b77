"""Reads of the projects domain, each in a constant number of queries whatever the number of
lines: the workspace, a client's projects, the portfolio, and :func:`project_overview`, the one
read model of a project (its lines, answers, catalogue, figures and completeness) that the
pages, the wizard and the documents share, so that the engine runs once per request."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet

from checklist.catalogue.completeness import Completeness, completeness
from checklist.catalogue.models import CatalogueVersion
from checklist.catalogue.reader import CatalogueInfo, catalogue_info
from roi.access import memberships_for, projects_for
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
from roi.texts import lines_after_horizon_text

# --- one project -----------------------------------------------------------------------------

# The engine's results of a project, in the database cache (shared by every app server), keyed
# by what they depend on: the project, its revision (bumped by every write of its inputs, see
# roi.projects.services.project_changed), its catalogue version, and this format. A change is
# a new key; old keys simply age out. Bump ENGINE_CACHE_FORMAT when the engine's results or
# their classes change, so that a deploy never reads what an older engine stored.
ENGINE_CACHE_FORMAT = 2
ENGINE_CACHE_SECONDS = 7 * 24 * 3600



class LineFigures(NamedTuple):
    category: str
    total: Decimal  # over the horizon, risk-adjusted for gains
    total_unadjusted: Decimal


@dataclass(frozen=True)
class EngineResults:
    """What the engine worked out for a project, without its input (the case is the rows'):
    pure engine values (roi.calculation dataclasses, Decimals, ints, strings), no Django
    object. Each line's figures are kept as strings (category, total, unadjusted total):
    reading 2 000 of them back is then cheap, and only the lines a page shows become
    Decimals (:meth:`line`)."""

    result: CaseResult  # with case=None: the overview puts its own back
    line_figures: dict[int, tuple[str, str, str]]  # by line id (the engine's item_totals)

    @property
    def line_count(self) -> int:
        return len(self.line_figures)

    def has_line(self, line_id: int) -> bool:
        return line_id in self.line_figures

    def line(self, line_id: int) -> LineFigures:
        category, total, unadjusted = self.line_figures[line_id]
        return LineFigures(category, Decimal(total), Decimal(unadjusted))

    def category_of(self, line_id: int) -> str | None:
        figures = self.line_figures.get(line_id)
        return figures[0] if figures else None


def engine_cache_key(project: RoiProject, catalogue_version: CatalogueVersion | None) -> str:
    return (f"roi:engine:{ENGINE_CACHE_FORMAT}:{project.pk}:{project.revision}:"
            f"{catalogue_version.pk if catalogue_version else 0}")


@functools.cache
def rendering_version() -> str:
    """A digest of what renders a page (the templates, the Python of roi and checklist, the
    translations), read once per process: a deploy that changes any of them reads none of
    the parts its predecessor kept (every app server of one deploy finds the same digest)."""
    digest = hashlib.blake2b(digest_size=6)
    base = Path(settings.BASE_DIR)
    for pattern in ("templates/**/*.html", "roi/**/*.py", "checklist/**/*.py",
                    "locale/**/*.po"):
        for path in sorted(base.glob(pattern)):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def revision_cached(project: RoiProject, catalogue_version: CatalogueVersion | None,
                    part: str, build: Callable[[], str]) -> str:
    """What a page renders from the project's inputs alone (``part`` names it and what else
    it depends on: the language, the reader's rights ...), built once per revision and kept
    beside the engine's results in the database cache, under a key derived from theirs: a
    change of the inputs is a new revision, so a new key; a new deploy, a new
    :func:`rendering_version`."""
    key = f"{engine_cache_key(project, catalogue_version)}:{rendering_version()}:{part}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ENGINE_CACHE_SECONDS)
    return value


def engine_results(project: RoiProject, catalogue_version: CatalogueVersion | None,
                   inputs: Callable[[], tuple[Case, list[LineItem]]], *, fresh: bool = False
                   ) -> EngineResults:
    """The engine's results for ``project`` at its revision: from the cache (one query), else
    computed once from ``inputs()`` (the case and the lines it was built from) and stored.
    ``fresh``: computed whatever the cache holds (and stored)."""
    key = engine_cache_key(project, catalogue_version)
    stored = None if fresh else cache.get(key)
    if isinstance(stored, EngineResults):
        return stored
    case, lines = inputs()
    result = compute(case)
    # The case lists costs then gains, each in the order of ``lines``: pair them back.
    ordered = ([r for r in lines if r.kind == LineKind.COST]
               + [r for r in lines if r.kind == LineKind.GAIN])
    stored = EngineResults(
        dataclasses.replace(result, case=None),
        {row.pk: (row.category, str(total), str(unadjusted))
         for row, (total, unadjusted) in zip(ordered, item_totals(case), strict=True)})
    # In a write's transaction (project_refresh_figures), a cache that fails does not undo
    # the user's change (config/cache.py); the next read computes again.
    cache.set(key, stored, ENGINE_CACHE_SECONDS)
    return stored


class ProjectOverview:
    """Everything a page or a document shows of one project, each part read on first use and
    kept (a constant number of queries whatever the number of lines).

    The engine's results come from the database cache at the project's revision
    (:func:`engine_results`), so that a page whose figures are cached neither loads the lines
    nor computes: the results page reads no line at all. The lines, the answers, the case and
    the catalogue are loaded only by what shows them (the wizard, the review, the documents).
    """

    def __init__(self, project: RoiProject, *, lang: str, lines: list[LineItem] | None = None):
        self.project = project
        self.lang = lang
        if lines is not None:
            self.lines = lines

    @functools.cached_property
    def catalogue_version(self) -> CatalogueVersion | None:
        return CatalogueVersion.of(self.project)

    @functools.cached_property
    def lines(self) -> list[LineItem]:
        """In the checklist's order (see project_lines)."""
        return project_lines(self.project)

    @functools.cached_property
    def answers(self) -> dict[int, ChecklistAnswer]:
        """By stored sub-item id."""
        return {a.subitem_id: a for a in ChecklistAnswer.objects.filter(project=self.project)}

    @functools.cached_property
    def benefits(self) -> list[QualitativeBenefit]:
        return list(self.project.qualitative_benefits.all())

    @functools.cached_property
    def kpis(self) -> list[KpiEntry]:
        return list(kpis_with_measurements(self.project))

    @functools.cached_property
    def case(self) -> Case:
        return project_case(self.project, lines=self.lines, benefits=self.benefits,
                            kpis=self.kpis, actuals=self.actuals)

    @functools.cached_property
    def actuals(self) -> dict:
        """Line id -> {month: amount}: the reported actuals of the closed months (tracking)."""
        return project_actuals(self.project)

    @functools.cached_property
    def catalogue(self) -> CatalogueInfo:
        return catalogue_info(self.catalogue_version, self.lang)

    @functools.cached_property
    def engine(self) -> EngineResults:
        # The case (lines, benefits, KPIs: three queries) is built only on a cache miss.
        return engine_results(self.project, self.catalogue_version,
                              lambda: (self.case, self.lines))

    @functools.cached_property
    def figures(self) -> CaseResult:
        """The engine's results read without loading a line: what the results page shows.
        Its ``case`` holds the project's settings (currency, horizon, rate, scenarios) but no
        line, benefit or KPI; use :attr:`result` for the whole case."""
        if "case" in self.__dict__:
            return self.result
        settings_only = project_case(self.project, lines=[], benefits=[], kpis=[])
        return dataclasses.replace(self.engine.result, case=settings_only)

    @functools.cached_property
    def result(self) -> CaseResult:
        """The engine's results (computed once per revision, see :func:`engine_results`),
        with the project's case."""
        return dataclasses.replace(self.engine.result, case=self.case)

    @property
    def has_lines(self) -> bool:
        return self.engine.line_count > 0

    @functools.cached_property
    def line_totals(self) -> Mapping[int, tuple[Decimal, Decimal]]:
        """Line id -> (total over the horizon, total before risk adjustment)."""
        if "lines" in self.__dict__:
            self.lines_figured(self.lines)
        return _LineTotals(self.engine)

    def line_total(self, line: LineItem) -> tuple[Decimal, Decimal]:
        return self.line_totals[line.pk]

    def lines_figured(self, lines: list[LineItem]) -> None:
        """Make sure the cached results cover ``lines``, read apart from them (a change that
        committed in between): else the engine runs again on the rows as they are now."""
        if any(not self.engine.has_line(line.pk) for line in lines):
            if "lines" in self.__dict__ and any(
                    line.pk not in {row.pk for row in self.lines} for line in lines):
                self.__dict__.pop("lines")  # read before the change: read again
            for name in ("case", "engine", "figures", "result", "line_totals"):
                self.__dict__.pop(name, None)
            self.engine = engine_results(self.project, self.catalogue_version,
                                         lambda: (self.case, self.lines), fresh=True)

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
        if "lines" in self.__dict__:
            ids = {line.subitem_id for line in self.lines}
        else:  # one small query rather than every line
            ids = set(LineItem.objects.filter(project=self.project, subitem__isnull=False)
                      .order_by().values_list("subitem_id", flat=True).distinct())
        return {codes[subitem_id] for subitem_id in ids if subitem_id in codes}

    @functools.cached_property
    def completeness(self) -> Completeness:
        return completeness(self.catalogue, counted=self.counted,
                            not_applicable=self.not_applicable)


class _LineTotals(Mapping):
    """Line id -> (total, total before risk adjustment), made Decimal on first read."""

    def __init__(self, engine: EngineResults):
        self._engine = engine
        self._read: dict[int, tuple[Decimal, Decimal]] = {}

    def __getitem__(self, line_id: int) -> tuple[Decimal, Decimal]:
        if line_id not in self._read:
            figures = self._engine.line(line_id)
            self._read[line_id] = (figures.total, figures.total_unadjusted)
        return self._read[line_id]

    def __iter__(self):
        return iter(self._engine.line_figures)

    def __len__(self) -> int:
        return self._engine.line_count


def project_overview(project: RoiProject, *, lang: str | None = None) -> ProjectOverview:
    """The read model of ``project``, its texts in ``lang`` (default: the active language)."""
    return ProjectOverview(project, lang=active_language() if lang is None else lang)


# --- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceEntry:
    membership: Membership
    projects: list[RoiProject]


def lines_after_horizon(project: RoiProject) -> str | None:
    """What to tell about the project's lines that start after its horizon (counted in the
    longer views only, not in the figures at the horizon), or None when there is none: after
    a shorter horizon is saved, after an import. Two queries."""
    after = project.line_items.filter(start_month__gt=project.horizon_months)
    first = after.order_by("start_month", "pk").values_list("label", "start_month").first()
    if first is None:
        return None
    return lines_after_horizon_text(first[0], first[1], project.horizon_months, after.count())


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


class PortfolioFilter(NamedTuple):
    """The portfolio's filter, cleaned (what the page shows and the zip of dossiers takes)."""

    query: str
    client_id: int | None
    status: str

    @classmethod
    def of(cls, *, query: str = "", client_id=None, status: str = "") -> PortfolioFilter:
        query = clean_single_line(query or "").strip()[:100]
        try:
            client_id = int(client_id) if client_id else None
        except (TypeError, ValueError):
            client_id = None
        if status not in ProjectStatus.values and status != "archived":
            status = ""
        return cls(query, client_id, status)

    def params(self) -> dict[str, str]:
        """The filter as query-string parameters (empty ones left out)."""
        return {k: str(v) for k, v in (("q", self.query), ("client", self.client_id or ""),
                                        ("status", self.status)) if v}

    def apply(self, projects: QuerySet[RoiProject]) -> QuerySet[RoiProject]:
        if self.query:
            # Accents and case aside ("connecte" finds "connecté"): PostgreSQL's unaccent
            # (migration 0003), on both sides of the comparison.
            projects = projects.filter(Q(name__unaccent__icontains=self.query)
                                       | Q(client__name__unaccent__icontains=self.query)
                                       | Q(crm_solution__unaccent__icontains=self.query))
        if self.client_id:
            projects = projects.filter(client_id=self.client_id)
        if self.status == "archived":
            projects = projects.filter(archived_at__isnull=False)
        elif self.status:
            projects = projects.filter(status=self.status)
        return projects


def portfolio_projects(user, selection: PortfolioFilter) -> QuerySet[RoiProject]:
    """The live projects the user may view (:func:`roi.access.projects_for`) that the filter
    keeps, in the portfolio's default order (latest change first)."""
    return selection.apply(projects_for(user)).select_related("client").order_by(
        F("updated_at").desc(nulls_last=True), "-id")


def portfolio_page(user, *, query: str = "", client_id=None, status: str = "",
                   sort: str = "-updated_at", page=1, per_page: int = 25) -> PortfolioPage:
    """The projects of every client of the user, in a constant number of queries."""
    clients = [m.client for m in memberships_for(user).order_by("client__name")]
    projects = RoiProject.objects.filter(
        client__in=[c.pk for c in clients], deleted_at__isnull=True
    ).select_related("client", "updated_by")
    query, client_id, status = selection = PortfolioFilter.of(
        query=query, client_id=client_id, status=status)
    projects = selection.apply(projects)
    sort = sort if sort in PORTFOLIO_SORTS else "-updated_at"
    field = PORTFOLIO_SORTS[sort]
    ordering = (F(field.lstrip("-")).desc(nulls_last=True) if field.startswith("-")
                else F(field).asc(nulls_last=True))
    projects = projects.order_by(ordering, "-id")
    paginator = Paginator(projects, per_page)
    return PortfolioPage(paginator.get_page(page), clients, query, client_id, status, sort)
