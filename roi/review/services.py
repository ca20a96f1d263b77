"""Writes of the CFO's review: submit, request changes, approve (a frozen version), comments.

Status changes lock the project's row, so that two reviewers (or a reviewer and an editor)
cannot both move it from the same state. Slow work never happens under that lock: the frozen
version's PDF is rendered, and every email sent, once the transaction has committed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from roi.calculation import case_to_dict, compute, results_document
from roi.errors import ServiceError
from roi.mail import mail_after_commit
from roi.projects.cases import project_case
from roi.projects.models import ProjectStatus, RoiProject
from roi.review.changes import line_snapshot
from roi.review.models import Comment, ProjectVersion
from roi.review.signals import version_approved
from roi.tenancy.models import Membership, Role


class TransitionError(ServiceError):
    """The project is not in a state that allows this step."""


def _locked(project: RoiProject) -> RoiProject:
    return RoiProject.objects.select_for_update().select_related("client").get(pk=project.pk)


def _recipients(project: RoiProject, roles: list[str], *, exclude=None) -> list[str]:
    return [
        m.user.email for m in Membership.objects.filter(
            client_id=project.client_id, role__in=roles).select_related("user")
        if m.user.email and m.user != exclude
    ]


def _notify(*, project: RoiProject, roles: list[str], subject: str, template: str,
            context: dict, exclude=None) -> None:
    mail_after_commit(subject=subject, template=template,
                      context={"project": project, **context},
                      recipients=_recipients(project, roles, exclude=exclude))


@transaction.atomic
def project_submit(*, project: RoiProject, user, link: str) -> RoiProject:
    project = _locked(project)
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED):
        raise TransitionError(_("Ce projet n’est pas en brouillon : il ne peut pas être soumis."))
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
    if not comment.strip():
        raise TransitionError(_("Dites ce qui doit être modifié."))
    project = _locked(project)
    if project.status != ProjectStatus.SUBMITTED:
        raise TransitionError(_("Seul un projet soumis peut être renvoyé en modification."))
    Comment.objects.create(project=project, author=user, body=comment.strip())
    project.status = ProjectStatus.CHANGES_REQUESTED
    project.updated_by = user
    project.save(update_fields=["status", "updated_by", "updated_at"])
    _notify(project=project, roles=[Role.SALES_DIRECTOR, Role.CONSULTANT], exclude=user,
            subject=_("Modifications demandées : %(name)s") % {"name": project.name},
            template="roi/email/changes_requested.txt",
            context={"user": user, "link": link, "comment": comment.strip()})
    return project


@transaction.atomic
def project_approve(*, project: RoiProject, user, link: str, comment: str = ""
                    ) -> ProjectVersion:
    """Approve and freeze a numbered version: its inputs and results now, its PDF (with the
    approval block) rendered once the approval has committed."""
    project = _locked(project)
    if project.status != ProjectStatus.SUBMITTED:
        raise TransitionError(_("Seul un projet soumis peut être approuvé."))
    number = (project.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    case = project_case(project)
    project.status = ProjectStatus.APPROVED
    project.updated_by = user
    project.save(update_fields=["status", "updated_by", "updated_at"])
    version = ProjectVersion.objects.create(
        project=project, number=number, case=case_to_dict(case),
        lines=[line_snapshot(line) for line in project.line_items.order_by("id")],
        results=results_document(compute(case)), approved_by=user,
        approved_at=timezone.now(), comment=comment.strip(), pdf=b"",
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


def comment_add(*, project: RoiProject, user, body: str, line=None) -> Comment:
    body = body.strip()
    if not body:
        raise ServiceError(_("Le commentaire est vide."))
    comment = Comment(project=project, line=line, author=user, body=body[:4000],
                      line_label=line.label if line is not None else "")
    comment.full_clean()
    comment.save()
    return comment
