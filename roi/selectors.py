"""Reads: what pages show, each in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from roi.access import memberships_for
from roi.models import Invitation, Membership, RoiProject


@dataclass(frozen=True)
class WorkspaceEntry:
    membership: Membership
    projects: list[RoiProject]


def workspace_for(user, *, include_archived: bool = False) -> list[WorkspaceEntry]:
    """The user's client companies with the projects of each (two queries)."""
    projects = RoiProject.objects.select_related("updated_by").order_by("-updated_at")
    if not include_archived:
        projects = projects.filter(archived_at__isnull=True)
    memberships = memberships_for(user).prefetch_related(
        Prefetch("client__projects", queryset=projects, to_attr="visible_projects")
    ).order_by("client__name")
    return [WorkspaceEntry(m, m.client.visible_projects) for m in memberships]


def client_projects(client, *, archived: bool = False) -> QuerySet[RoiProject]:
    return (
        RoiProject.objects.filter(client=client, archived_at__isnull=not archived)
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
