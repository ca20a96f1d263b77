"""Reads of the tenancy domain: members, pending invitations, where a user may act."""

from __future__ import annotations

from django.db.models import QuerySet

from roi.access import Action, memberships_for, role_allows
from roi.tenancy.models import Invitation, Membership


def client_members(client) -> QuerySet[Membership]:
    return Membership.objects.filter(client=client).select_related("user").order_by(
        "role", "user__last_name", "user__email"
    )


def client_pending_invitations(client) -> QuerySet[Invitation]:
    return Invitation.objects.filter(client=client, accepted_at__isnull=True).select_related(
        "invited_by"
    )


def memberships_where(user, action: Action) -> list[Membership]:
    return [m for m in memberships_for(user).order_by("client__name")
            if role_allows(m.role, action)]
