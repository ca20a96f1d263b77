"""Writes of the CFO's review: submit, request changes, approve (a frozen version), comments
and their threads.

Status changes lock the project's row, so that two reviewers (or a reviewer and an editor)
cannot both move it from the same state. Slow work never happens under that lock: the frozen
version's PDF is rendered, and every email sent, once the transaction has committed
(``transaction.on_commit``: the signal :data:`roi.review.signals.version_approved` and
:func:`roi.mail.mail_after_commit`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roi.access import Action, role_allows
from roi.calculation import case_to_dict, results_document
from roi.errors import ServiceError
from roi.mail import mail_after_commit
from roi.projects.models import LineItem, ProjectStatus, RoiProject
from roi.projects.selectors import ProjectOverview, project_overview
from roi.review.changes import line_snapshot
from roi.review.models import Comment, CommentKind, ProjectVersion
from roi.review.selectors import frozen_inputs
from roi.review.signals import version_approved
from roi.tenancy.models import Membership, Role


class TransitionError(ServiceError):
    """The project is not in a state that allows this step."""


class IncompleteChecklist(TransitionError):
    """Sub-items of the checklist are still to do: the user must say they go on anyway."""

    def __init__(self, todo: int, *, approving: bool):
        self.todo = todo
        if approving:
            message = ngettext(
                "%(n)s sous-élément de la checklist est encore « à faire » : approuver "
                "maintenant, c’est approuver un dossier incomplet. Confirmez pour approuver "
                "quand même.",
                "%(n)s sous-éléments de la checklist sont encore « à faire » : approuver "
                "maintenant, c’est approuver un dossier incomplet. Confirmez pour approuver "
                "quand même.", todo)
        else:
            message = ngettext(
                "%(n)s sous-élément de la checklist est encore « à faire » : le DAF verra un "
                "dossier incomplet. Confirmez pour soumettre quand même.",
                "%(n)s sous-éléments de la checklist sont encore « à faire » : le DAF verra un "
                "dossier incomplet. Confirmez pour soumettre quand même.", todo)
        super().__init__(message % {"n": todo})


def _locked(project: RoiProject) -> RoiProject:
    return RoiProject.objects.select_for_update().select_related("client").get(pk=project.pk)


def _recipients(project: RoiProject, *, roles=None, action: Action | None = None,
                exclude=None) -> list[str]:
    """The members' addresses: by role, or every member whose role allows ``action``."""
    members = Membership.objects.filter(client_id=project.client_id).select_related("user")
    if roles is not None:
        members = members.filter(role__in=roles)
    return [
        m.user.email for m in members
        if m.user.email and m.user != exclude
        and (action is None or role_allows(m.role, action))
    ]


def _notify(*, project: RoiProject, subject: str, template: str, context: dict, roles=None,
            action: Action | None = None, exclude=None) -> None:
    mail_after_commit(subject=subject, template=template,
                      context={"project": project, **context},
                      recipients=_recipients(project, roles=roles, action=action,
                                             exclude=exclude))


def _check_complete(overview: ProjectOverview, *, confirmed: bool, approving: bool) -> None:
    todo = overview.completeness.todo
    if todo and not confirmed:
        raise IncompleteChecklist(todo, approving=approving)


@transaction.atomic
def project_submit(*, project: RoiProject, user, link: str,
                   confirm_incomplete: bool = False) -> RoiProject:
    """Submit to the CFO. With sub-items still to do, only once the user has confirmed."""
    project = _locked(project)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED):
        raise TransitionError(_("Ce projet n’est pas en brouillon : il ne peut pas être soumis."))
    _check_complete(project_overview(project), confirmed=confirm_incomplete, approving=False)
    project.status = ProjectStatus.SUBMITTED
    project.updated_by = user
    project.save(update_fields=["status", "updated_by", "updated_at"])
    _notify(project=project, roles=[Role.CFO], exclude=user,
            subject=_("À valider : %(name)s") % {"name": project.name},
            template="roi/email/submitted.txt", context={"user": user, "link": link})
    return project


@transaction.atomic
def project_request_changes(*, project: RoiProject, user, comment: str, link: str
                            ) -> RoiProject:
    """Send the project back to its editors with what must change (a general comment of the
    kind "request", shown as a banner in the wizard and emailed to the editors)."""
    if not comment.strip():
        raise TransitionError(_("Dites ce qui doit être modifié."))
    project = _locked(project)
    if project.status != ProjectStatus.SUBMITTED:
        raise TransitionError(_("Seul un projet soumis peut être renvoyé en modification."))
    Comment.objects.create(project=project, author=user, body=comment.strip()[:4000],
                           kind=CommentKind.REQUEST)
    project.status = ProjectStatus.CHANGES_REQUESTED
    project.updated_by = user
    project.save(update_fields=["status", "updated_by", "updated_at"])
    _notify(project=project, action=Action.EDIT, exclude=user,
            subject=_("Modifications demandées : %(name)s") % {"name": project.name},
            template="roi/email/changes_requested.txt",
            context={"user": user, "link": link, "comment": comment.strip()})
    return project


@transaction.atomic
def project_approve(*, project: RoiProject, user, link: str, comment: str = "",
                    confirm_incomplete: bool = False, choice: dict | None = None) -> ProjectVersion:
    """Approve and freeze a numbered version: its inputs, results and completeness now (read
    under the lock, so exactly what was submitted), its PDF (with the approval block) rendered
    once the approval has committed.

    ``choice``, when the project is approved as the chosen option of a decision, is the
    JSON-ready record of that choice (the comparison as it is now), stored on the version.
    The CFO then chooses among options that need not have been submitted one by one: a draft
    may be chosen too."""
    project = _locked(project)
    allowed = (ProjectStatus.SUBMITTED,) if choice is None else (
        ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED, ProjectStatus.SUBMITTED)
    if project.status not in allowed:
        raise TransitionError(_("Seul un projet soumis peut être approuvé.") if choice is None
                              else _("Cette option est déjà approuvée : rouvrez-la pour la choisir."))
    overview = project_overview(project, lang=project.language)
    _check_complete(overview, confirmed=confirm_incomplete, approving=True)
    number = (project.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    # A project that was tracked before its plan was reopened goes back to tracking.
    project.status = (ProjectStatus.APPROVED if project.go_live_date is None
                      else ProjectStatus.TRACKING)
    project.updated_by = user
    project.save(update_fields=["status", "updated_by", "updated_at"])
    version = ProjectVersion.objects.create(
        project=project, number=number, case=case_to_dict(overview.case),
        lines=[line_snapshot(line) for line in overview.lines],
        results=results_document(overview.result),
        completeness=overview.completeness.as_dict(),
        frozen=frozen_inputs(project, not_applicable=overview.not_applicable),
        catalogue=overview.catalogue_version, approved_by=user,
        approved_at=timezone.now(), comment=comment.strip()[:4000], pdf=b"",
        choice=choice or {},
    )
    version_id = version.pk
    transaction.on_commit(lambda: version_approved.send(sender=ProjectVersion,
                                                        version_id=version_id))
    _notify(project=project, roles=[Role.SALES_DIRECTOR, Role.CONSULTANT, Role.CFO],
            exclude=user,
            subject=_("Approuvé (v%(n)s) : %(name)s") % {"n": number, "name": project.name},
            template="roi/email/approved.txt",
            context={"user": user, "link": link, "version": version})
    return version


@transaction.atomic
def comment_add(*, project: RoiProject, user, body: str, line: LineItem | None = None,
                link: str = "") -> Comment:
    """A comment on a line or on the project; the project's editors get it by email (after
    commit), the author excepted."""
    body = body.strip()
    if not body:
        raise ServiceError(_("Le commentaire est vide."))
    comment = Comment(project=project, line=line, author=user, body=body[:4000],
                      line_label=line.label if line is not None else "")
    comment.full_clean()
    comment.save()
    _notify(project=project, action=Action.EDIT, exclude=user,
            subject=_("Nouveau commentaire : %(name)s") % {"name": project.name},
            template="roi/email/comment_added.txt",
            context={"user": user, "link": link, "comment": comment})
    return comment


GENERAL, DELETED = "general", "deleted"


def thread_resolve(*, project: RoiProject, user, line: LineItem | None = None,
                   thread: str = GENERAL) -> int:
    """Mark a thread resolved: a line's (``line``), the general one, or the comments of
    deleted lines (``thread`` "deleted"). Returns how many comments were still open."""
    comments = Comment.objects.filter(project=project, resolved_at__isnull=True)
    if line is not None:
        comments = comments.filter(line=line)
    elif thread == DELETED:
        comments = comments.filter(line__isnull=True).exclude(line_label="")
    else:
        comments = comments.filter(line__isnull=True, line_label="")
    return comments.update(resolved_at=timezone.now(), resolved_by=user)
