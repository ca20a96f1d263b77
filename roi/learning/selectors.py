"""The realisation and overrun rates learned from a workspace's tracked projects.

The workspace is every client of the user (what the portfolio lists): a consultant learns
from all the projects they follow. A project counts once it is tracked with at least
:data:`MIN_CLOSED_MONTHS_TO_LEARN` closed months; its trackings are pooled per currency by the
engine (:func:`roi.calculation.learned_rates`), never recomputed here. Three queries whatever
the number of projects, lines or actuals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils.translation import ngettext

from roi.access import memberships_for
from roi.calculation import (
    MIN_CLOSED_MONTHS_TO_LEARN,
    CostOverrun,
    GainRealisation,
    LearnedRates,
    compute_tracking,
    learned_rates,
    suggested_confidence,
    suggested_contingency_rate,
)
from roi.projects.cases import POST_ORDER, project_case
from roi.projects.models import LineItem, ProjectStatus, RoiProject
from roi.tracking.models import LineActual


@dataclass(frozen=True)
class Workspace:
    """What the user's tracked projects teach, per currency (amounts are not converted)."""

    by_currency: dict[str, LearnedRates]

    def rates(self, currency: str) -> LearnedRates | None:
        rates = self.by_currency.get(currency)
        return rates if rates is not None and rates.projects else None

    def gain(self, currency: str, category: str) -> GainRealisation | None:
        rates = self.rates(currency)
        return next((g for g in rates.gains if g.category == category), None) if rates else None

    def cost(self, currency: str, category: str) -> CostOverrun | None:
        rates = self.rates(currency)
        return next((c for c in rates.costs if c.category == category), None) if rates else None

    def suggested_confidence(self, currency: str, category: str) -> Decimal | None:
        gain = self.gain(currency, category)
        return None if gain is None else suggested_confidence(gain.realisation_rate)

    def suggested_contingency(self, currency: str, category: str) -> Decimal | None:
        cost = self.cost(currency, category)
        return None if cost is None else suggested_contingency_rate(cost.overrun_rate)


def tracked_projects(user) -> list[RoiProject]:
    """The user's tracked projects with enough closed months to learn from (one query)."""
    return list(RoiProject.objects.filter(
        client__in=memberships_for(user).values("client_id"), deleted_at__isnull=True,
        status=ProjectStatus.TRACKING, as_of_month__gte=MIN_CLOSED_MONTHS_TO_LEARN,
    ).order_by("pk"))


def workspace_rates(user) -> Workspace:
    """Per currency, the rates pooled over the user's tracked projects (three queries)."""
    projects = tracked_projects(user)
    ids = [project.pk for project in projects]
    lines: dict[int, list[LineItem]] = {pk: [] for pk in ids}
    for line in LineItem.objects.filter(project_id__in=ids).select_related("subitem"):
        lines[line.project_id].append(line)
    actuals: dict[int, dict[int, dict[int, Decimal]]] = {pk: {} for pk in ids}
    for project_id, line_id, month, amount in LineActual.objects.filter(
            line__project_id__in=ids, month__lte=F("line__project__as_of_month")
    ).values_list("line__project_id", "line_id", "month",
                                                  "amount"):
        actuals[project_id].setdefault(line_id, {})[month] = amount.normalize()
    trackings: dict[str, list] = {}
    for project in projects:
        ordered = sorted(lines[project.pk],
                         key=lambda r: (POST_ORDER.get(r.category, 99), r.position, r.pk))
        # The case of each project as its own pages build it (project_case), its rows given.
        case = project_case(project, lines=ordered, benefits=[], kpis=[],
                            actuals=actuals[project.pk])
        trackings.setdefault(project.currency, []).append(compute_tracking(case))
    return Workspace({currency: learned_rates(items) for currency, items in trackings.items()})


@dataclass(frozen=True)
class LearnedRow:
    """One post on the portfolio: ``rate`` is the realisation rate of a gain post or the
    overrun rate of a cost post (fractions); ``contingency`` the suggested one (costs)."""

    kind: str
    category: str
    title: str
    rate: Decimal
    projects: int
    contingency: Decimal | None = None

    @property
    def sign(self) -> str:
        """"+" before an overrun (a shortfall prints its own minus sign)."""
        return "+" if self.rate > 0 else ""


@dataclass(frozen=True)
class LearnedPanel:
    currency: str
    projects: int
    gains: list[LearnedRow]
    costs: list[LearnedRow]


def learned_panels(workspace: Workspace, titles: dict[str, str]) -> list[LearnedPanel]:
    """The portfolio's panels, one per currency with tracked projects, posts in catalogue
    order (``titles``: post code -> its title in the catalogue)."""
    panels = []
    for currency, rates in sorted(workspace.by_currency.items()):
        if not rates.projects:
            continue
        panels.append(LearnedPanel(
            currency=currency, projects=rates.projects,
            gains=[LearnedRow("gain", g.category, titles.get(g.category, g.category),
                              g.realisation_rate, g.projects) for g in rates.gains],
            costs=[LearnedRow("cost", c.category, titles.get(c.category, c.category),
                              c.overrun_rate, c.projects,
                              suggested_contingency_rate(c.overrun_rate))
                   for c in rates.costs],
        ))
    return panels


@dataclass(frozen=True)
class LineSuggestion:
    """What the wizard offers a new line of a post: for a gain, ``confidence`` (the default,
    which the user may keep or change) and ``evidence`` (written into the line's assumption);
    for a cost, the ``contingency`` rate to plan. ``rate`` and ``projects`` say where from."""

    kind: str
    rate: Decimal
    projects: int
    evidence: str
    confidence: Decimal | None = None
    contingency: Decimal | None = None


def line_suggestion(workspace: Workspace, *, currency: str, kind: str, category: str,
                    title: str, fmt) -> LineSuggestion | None:
    """The suggestion for a new line of ``category`` in a project of ``currency``, None when
    no tracked project of that currency planned that post (``fmt``: a Formatter)."""
    if kind == "gain":
        gain = workspace.gain(currency, category)
        if gain is None:
            return None
        confidence = suggested_confidence(gain.realisation_rate)
        evidence = ngettext(
            "Confiance proposée : %(confidence)s, le taux de réalisation des gains « %(post)s » "
            "sur %(n)s projet suivi (réel %(actual)s pour %(planned)s prévus avant confiance, "
            "sur ses mois clos).",
            "Confiance proposée : %(confidence)s, le taux de réalisation des gains « %(post)s » "
            "sur %(n)s projets suivis (réel %(actual)s pour %(planned)s prévus avant confiance, "
            "sur leurs mois clos).", gain.projects) % {
                "confidence": fmt.percent(confidence * 100, 0), "post": title,
                "n": gain.projects, "actual": fmt.money(gain.actual, 0),
                "planned": fmt.money(gain.planned_unadjusted, 0)}
        return LineSuggestion("gain", gain.realisation_rate, gain.projects, evidence,
                              confidence=confidence)
    cost = workspace.cost(currency, category)
    if cost is None:
        return None
    contingency = suggested_contingency_rate(cost.overrun_rate)
    evidence = ngettext(
        "Sur %(n)s projet suivi, le poste « %(post)s » a coûté %(actual)s pour %(planned)s "
        "prévus (%(rate)s).",
        "Sur %(n)s projets suivis, le poste « %(post)s » a coûté %(actual)s pour %(planned)s "
        "prévus (%(rate)s).", cost.projects) % {
            "n": cost.projects, "post": title, "actual": fmt.money(cost.actual, 0),
            "planned": fmt.money(cost.planned, 0),
            "rate": ("+" if cost.overrun_rate > 0 else "") + fmt.percent(
                cost.overrun_rate * 100, 0)}
    return LineSuggestion("cost", cost.overrun_rate, cost.projects, evidence,
                          contingency=contingency)
