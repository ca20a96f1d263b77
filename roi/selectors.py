"""Reads: what pages show, each in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from roi.access import Action, memberships_for, role_allows
from roi.models import Invitation, Membership, RoiProject


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


def client_members(client) -> QuerySet[Membership]:
    return Membership.objects.filter(client=client).select_related("user").order_by(
        "role", "user__last_name", "user__email"
    )


def client_pending_invitations(client) -> QuerySet[Invitation]:
    return Invitation.objects.filter(client=client, accepted_at__isnull=True).select_related(
        "invited_by"
    )


def client_deleted_projects(client) -> QuerySet[RoiProject]:
    """Deleted projects still in their grace period (restorable)."""
    return RoiProject.objects.filter(client=client, deleted_at__isnull=False).order_by(
        "-deleted_at")


def memberships_where(user, action: Action) -> list[Membership]:
    return [m for m in memberships_for(user).order_by("client__name")
            if role_allows(m.role, action)]


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
    from django.db.models import F

    clients = [m.client for m in memberships_for(user).order_by("client__name")]
    projects = RoiProject.objects.filter(
        client__in=[c.pk for c in clients], deleted_at__isnull=True
    ).select_related("client", "updated_by")
    query = query.strip()[:100]
    if query:
        projects = projects.filter(Q(name__icontains=query) | Q(client__name__icontains=query)
                                   | Q(crm_solution__icontains=query))
    try:
        client_id = int(client_id) if client_id else None
    except (TypeError, ValueError):
        client_id = None
    if client_id:
        projects = projects.filter(client_id=client_id)
    from roi.models import ProjectStatus

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
