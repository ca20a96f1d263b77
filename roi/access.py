"""The one place that answers "may this user see / change this?".

Every view, htmx partial and download resolves tenant data through these helpers:
- a user who is not a member of the client gets 404 (not found and not allowed look the same,
  so an outsider cannot even learn that a project exists);
- a member whose role lacks the action gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from roi.options.models import Decision
from roi.projects.models import RoiProject
from roi.tenancy.models import Client, Membership, Role


class Action(str, Enum):
    VIEW = "view"  # read every page, download the dossier and the exports
    EDIT = "edit"  # change the figures of a project, create projects
    COMMENT = "comment"  # comment on lines and assumptions
    APPROVE = "approve"  # approve or request changes
    MANAGE = "manage"  # invite members, manage the workspace


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.CONSULTANT: frozenset(Action),
    Role.SALES_DIRECTOR: frozenset({Action.VIEW, Action.EDIT, Action.COMMENT}),
    Role.CFO: frozenset({Action.VIEW, Action.COMMENT, Action.APPROVE}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def role_allows(role: str, action: Action) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


@dataclass(frozen=True)
class ClientAccess:
    client: Client
    role: str

    def can(self, action: Action | str) -> bool:
        return role_allows(self.role, Action(action))

    @property
    def can_edit(self) -> bool:
        return self.can(Action.EDIT)

    @property
    def can_manage(self) -> bool:
        return self.can(Action.MANAGE)

    @property
    def can_approve(self) -> bool:
        return self.can(Action.APPROVE)

    @property
    def can_comment(self) -> bool:
        return self.can(Action.COMMENT)


@dataclass(frozen=True)
class ProjectAccess(ClientAccess):
    project: RoiProject


@dataclass(frozen=True)
class DecisionAccess(ClientAccess):
    decision: Decision


def clients_for(user) -> QuerySet[Client]:
    """The client companies the user belongs to, whatever the role."""
    if not user.is_authenticated:
        return Client.objects.none()
    return Client.objects.filter(memberships__user=user)


def projects_for(user) -> QuerySet[RoiProject]:
    """Every live project of every client the user belongs to (the scoped queryset)."""
    if not user.is_authenticated:
        return RoiProject.objects.none()
    return RoiProject.objects.filter(client__memberships__user=user, deleted_at__isnull=True)


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("client")


def _check(role: str, action: Action) -> None:
    if not role_allows(role, action):
        raise PermissionDenied


def client_access(user, client_id, action: Action = Action.VIEW) -> ClientAccess:
    membership = (
        Membership.objects.select_related("client")
        .filter(user=user, client_id=_as_id(client_id))
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    _check(membership.role, action)
    return ClientAccess(client=membership.client, role=membership.role)


def project_access(
    user, project_id, action: Action = Action.VIEW, *, include_deleted: bool = False
) -> ProjectAccess:
    """Resolve a project for the user in one query (project, client and the user's role).

    A deleted project (in its grace period) is not found, except by the restore view.
    """
    if not user.is_authenticated:
        raise Http404
    qs = RoiProject.objects.all() if include_deleted else RoiProject.objects.filter(
        deleted_at__isnull=True)
    project = _project_with_role(qs, user, project_id)
    if project is None:
        raise Http404
    _check(project.user_role, action)
    return ProjectAccess(client=project.client, role=project.user_role, project=project)


def _project_with_role(qs: QuerySet, user, project_id) -> RoiProject | None:
    # The annotation reuses the join of the filter, so ``user_role`` is this user's role.
    return (
        qs.select_related("client")
        .filter(pk=_as_id(project_id), client__memberships__user=user)
        .annotate(user_role=F("client__memberships__role"))
        .first()
    )


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def require_client(action: Action = Action.VIEW) -> Callable:
    """View decorator: login required, then ``access`` (ClientAccess) is passed to the view."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, client_id: int, *args, **kwargs) -> HttpResponse:
            access = client_access(request.user, client_id, action)
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorator


def require_project(action: Action = Action.VIEW, *, include_deleted: bool = False
                    ) -> Callable:
    """View decorator: login required, then ``access`` (ProjectAccess) is passed to the view.

    Writes are checked on the method too: a read-only role posting to any project URL gets 403
    even where the view's action is VIEW (e.g. a page whose form only editors may submit).
    """

    def decorator(view: Callable) -> Callable:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, project_id: int, *args, **kwargs) -> HttpResponse:
            needed = action
            if request.method not in ("GET", "HEAD", "OPTIONS") and action == Action.VIEW:
                needed = Action.EDIT
            access = project_access(request.user, project_id, needed,
                                    include_deleted=include_deleted)
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorator


def decision_access(user, client_id, decision_id, action: Action = Action.VIEW
                    ) -> DecisionAccess:
    """A decision of a client the user belongs to (404 otherwise, and for another client's
    decision), then the role's check (403)."""
    access = client_access(user, client_id, Action.VIEW)
    decision = Decision.objects.filter(client=access.client, pk=_as_id(decision_id)).first()
    if decision is None:
        raise Http404
    _check(access.role, action)
    return DecisionAccess(client=access.client, role=access.role, decision=decision)


def require_decision(action: Action = Action.VIEW) -> Callable:
    """View decorator for ``clients/<client_id>/decisions/<decision_id>/…``: login required,
    then ``access`` (DecisionAccess) is passed to the view. A POST needs EDIT where the view's
    action is VIEW, as for projects."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, client_id: int, decision_id: int, *args,
                    **kwargs) -> HttpResponse:
            needed = action
            if request.method not in ("GET", "HEAD", "OPTIONS") and action == Action.VIEW:
                needed = Action.EDIT
            access = decision_access(request.user, client_id, decision_id, needed)
            return view(request, access, *args, **kwargs)

        return wrapped

    return decorator
