"""Writes: every change to clients, memberships, invitations and projects goes through here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from roi.models import Client, Invitation, Membership, RoiProject, Role

INVITATION_SALT = "roi.invitation"
User = get_user_model()


class ServiceError(Exception):
    """A business rule refused the operation; the message is shown to the user."""


# --- clients and members -------------------------------------------------------------------

@transaction.atomic
def client_create(*, user, name: str, sector: str = "", headcount: int | None = None) -> Client:
    """Create a client workspace; its creator becomes its consultant."""
    client = Client(name=name, sector=sector, headcount=headcount)
    client.full_clean()
    client.save()
    Membership.objects.create(user=user, client=client, role=Role.CONSULTANT)
    return client


def client_update(*, client: Client, **fields) -> Client:
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    return client


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a signed link points at; ServiceError if forged, expired or revoked."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        raise ServiceError(_("Ce lien d’invitation a expiré. Demandez un nouvel envoi.")) from None
    except signing.BadSignature:
        raise ServiceError(_("Ce lien d’invitation n’est pas valide.")) from None
    invitation = (
        Invitation.objects.select_related("client").filter(pk=data.get("i")).first()
    )
    if invitation is None or invitation.email != data.get("e"):
        raise ServiceError(_("Cette invitation n’existe plus."))
    return invitation


@transaction.atomic
def invitation_create(*, client: Client, email: str, role: str, invited_by, base_url: str
                      ) -> Invitation:
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(client=client, user__email__iexact=email).exists():
        raise ServiceError(_("Cette personne est déjà membre de ce client."))
    invitation = (
        Invitation.objects.filter(client=client, email=email, accepted_at__isnull=True).first()
    )
    if invitation is None:
        invitation = Invitation(client=client, email=email, role=role, invited_by=invited_by)
    invitation.role = role
    invitation.invited_by = invited_by
    invitation.full_clean()
    invitation.save()
    invitation_send(invitation=invitation, base_url=base_url)
    return invitation


def invitation_send(*, invitation: Invitation, base_url: str) -> None:
    """(Re-)send the invitation email; each sending carries a fresh signed, expiring link."""
    link = base_url.rstrip("/") + reverse("invitation_accept", args=[invitation_token(invitation)])
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "inviter": (inviter.get_full_name() or inviter.email) if inviter else "ROI Checklist",
        "link": link,
        "days": settings.INVITATION_MAX_AGE_SECONDS // 86400,
    }
    send_mail(
        subject=_("Invitation à rejoindre %(client)s sur ROI Checklist")
        % {"client": invitation.client.name},
        message=render_to_string("roi/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user=None, first_name: str = "",
                      last_name: str = "", password: str | None = None):
    """Accept an invitation; accepting twice is harmless (it returns the same membership).

    With no ``user``, the account of the invited email is used, or created with ``password``.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        if not password:
            raise ServiceError(_("Choisissez un mot de passe."))
        user = User(username=invitation.email, email=invitation.email,
                    first_name=first_name, last_name=last_name)
        user.set_password(password)
        user.save()
    membership, _created = Membership.objects.get_or_create(
        user=user, client=invitation.client, defaults={"role": invitation.role}
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


# --- projects ------------------------------------------------------------------------------

PROJECT_FIELDS = (
    "name", "crm_solution", "users_count", "start_date", "horizon_months", "currency",
    "discount_rate", "language",
)


@transaction.atomic
def project_create(*, client: Client, user, **fields) -> RoiProject:
    from checklist.models import CatalogueVersion

    project = RoiProject(client=client, created_by=user, updated_by=user,
                         catalogue=CatalogueVersion.current(), **fields)
    project.full_clean()
    project.save()
    return project


class StaleRevision(ServiceError):
    """Someone else saved the project since this form was displayed."""


def project_touch(*, project: RoiProject, user, expected_revision: int | None = None) -> None:
    """Bump the project's revision, refusing if it moved since ``expected_revision``.

    The conditional UPDATE is atomic in PostgreSQL, so two editors cannot both pass the check.
    """
    qs = RoiProject.objects.filter(pk=project.pk)
    if expected_revision is not None:
        qs = qs.filter(revision=expected_revision)
    updated = qs.update(
        revision=F("revision") + 1, updated_by=user, updated_at=timezone.now()
    )
    if not updated:
        raise StaleRevision(
            _("Ce projet a été modifié par quelqu’un d’autre pendant que vous travailliez. "
              "Vos saisies sont conservées ci-dessous : vérifiez-les puis enregistrez à nouveau.")
        )
    project.refresh_from_db(fields=["revision", "updated_by", "updated_at"])


@transaction.atomic
def project_update(*, project: RoiProject, user, expected_revision: int | None = None,
                   **fields) -> RoiProject:
    project_touch(project=project, user=user, expected_revision=expected_revision)
    for name, value in fields.items():
        setattr(project, name, value)
    project.updated_by = user
    project.full_clean()
    _reopen_if_approved(project)
    # Only the edited fields: status, archive/delete marks and figures stay as stored.
    project.save(update_fields=[*fields, "updated_by", "updated_at"])
    project_refresh_figures(project)
    return project


def project_archive(*, project: RoiProject, user) -> RoiProject:
    project.archived_at = timezone.now()
    project.updated_by = user
    project.save(update_fields=["archived_at", "updated_by", "updated_at"])
    return project


def project_unarchive(*, project: RoiProject, user) -> RoiProject:
    project.archived_at = None
    project.updated_by = user
    project.save(update_fields=["archived_at", "updated_by", "updated_at"])
    return project


# --- line items, checklist answers, benefits, KPIs -------------------------------------------

LINE_FIELDS = (
    "label", "amount", "quantity", "recurrence", "start_month", "end_month",
    "ramp_up_months", "confidence", "margin", "assumption", "subitem",
)


class StaleLine(ServiceError):
    """Someone else changed or deleted this line since the form was displayed."""


def project_changed(*, project: RoiProject, user) -> None:
    """Something in the project's inputs changed: who and when, review state, figures."""
    _project_changed(project, user)


def _project_changed(project: RoiProject, user) -> None:
    # Figures changed: record who and when for the lists, without bumping the project's
    # revision (that one guards the project's own fields, see project_touch).
    RoiProject.objects.filter(pk=project.pk).update(updated_by=user, updated_at=timezone.now())
    _reopen_if_approved(project)
    project_refresh_figures(project)


@transaction.atomic
def line_item_create(*, project: RoiProject, user, kind: str, category: str, **fields):
    from roi.models import LineItem

    position = project.line_items.filter(kind=kind, category=category).count()
    line = LineItem(project=project, kind=kind, category=category, position=position,
                    **{k: v for k, v in fields.items() if k in LINE_FIELDS})
    line.full_clean()
    line.save()
    if line.subitem_id:
        answer_clear_not_applicable(project=project, subitem_id=line.subitem_id)
    _project_changed(project, user)
    return line


@transaction.atomic
def line_item_update(*, line, user, expected_version: int | None, **fields):
    from roi.models import LineItem

    for name, value in fields.items():
        if name in LINE_FIELDS:
            setattr(line, name, value)
    line.full_clean()
    qs = LineItem.objects.filter(pk=line.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(
        **{name: getattr(line, name) for name in LINE_FIELDS if name != "subitem"},
        subitem=line.subitem, version=F("version") + 1, updated_at=timezone.now(),
    )
    if not updated:
        raise StaleLine(
            _("Cette ligne a été modifiée ou supprimée par quelqu’un d’autre pendant que vous "
              "la modifiiez. Votre saisie est conservée : vérifiez-la puis enregistrez à nouveau.")
        )
    line.refresh_from_db(fields=["version", "updated_at"])
    # The conditional UPDATE above bypasses save(); one save records the change in the history.
    line.save(update_fields=["updated_at"])
    _project_changed(line.project, user)
    return line


@transaction.atomic
def line_item_delete(*, line, user) -> None:
    project = line.project
    line.delete()
    _project_changed(project, user)


@transaction.atomic
def answer_set(*, project: RoiProject, subitem, status: str, reason: str = "", user=None):
    """Record how a sub-item is addressed (not applicable with a reason, or back to do)."""
    from roi.models import ChecklistAnswer

    answer, _created = ChecklistAnswer.objects.update_or_create(
        project=project, subitem=subitem, defaults={"status": status, "reason": reason[:500]}
    )
    if user is not None:
        _project_changed(project, user)
    return answer


def answer_clear_not_applicable(*, project: RoiProject, subitem_id: int) -> None:
    """A sub-item that gets an amount is counted, no longer "not applicable"."""
    from roi.models import AnswerStatus, ChecklistAnswer

    ChecklistAnswer.objects.filter(
        project=project, subitem_id=subitem_id, status=AnswerStatus.NOT_APPLICABLE
    ).update(status=AnswerStatus.OPEN)


@transaction.atomic
def benefits_replace(*, project: RoiProject, texts: list[str], user) -> None:
    from roi.models import QualitativeBenefit

    project.qualitative_benefits.all().delete()
    QualitativeBenefit.objects.bulk_create(
        QualitativeBenefit(project=project, text=text, position=index)
        for index, text in enumerate(t.strip() for t in texts) if text
    )
    _project_changed(project, user)


@transaction.atomic
def kpis_replace(*, project: RoiProject, values: dict[str, dict], user) -> None:
    """values: KPI code -> {"baseline", "target", "actual"}; a KPI with no value is removed."""
    from roi.models import KpiEntry

    project.kpis.all().delete()
    KpiEntry.objects.bulk_create(
        KpiEntry(project=project, code=code, **numbers)
        for code, numbers in values.items()
        if any(v is not None for v in numbers.values())
    )
    _project_changed(project, user)


def project_set_wizard_step(*, project: RoiProject, step: str) -> None:
    if project.wizard_step != step:
        RoiProject.objects.filter(pk=project.pk).update(wizard_step=step)
        project.wizard_step = step


# --- headline figures, review and versions, project life ------------------------------------

def project_refresh_figures(project: RoiProject) -> None:
    """Store the project's headline figures for the lists (3 queries and one computation)."""
    from roi.adapter import project_case
    from roi.calculation import compute, quantize_money

    headline = compute(project_case(project)).headline
    values = {
        "roi_percent": None if headline.roi_percent is None
        else quantize_money(headline.roi_percent),
        "payback_months": None if headline.payback_months is None
        else quantize_money(headline.payback_months),
        "net_gain": quantize_money(headline.net_gain),
    }
    RoiProject.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)


def _reopen_if_approved(project: RoiProject) -> None:
    """A change to a submitted or approved project starts a new draft.

    After approval the frozen version stays as it was; during review the CFO must not approve
    figures they have not seen, so the sales director submits again. The UPDATE is conditional
    (and waits for an approval holding the row), so a racing approval cannot be undone
    silently: the change lands after it and reopens the project.
    """
    from roi.models import ProjectStatus

    reopened = RoiProject.objects.filter(
        pk=project.pk, status__in=[ProjectStatus.SUBMITTED, ProjectStatus.APPROVED]
    ).update(status=ProjectStatus.DRAFT)
    if reopened:
        project.status = ProjectStatus.DRAFT


def _notify(*, project: RoiProject, roles: list[str], subject: str, template: str,
            context: dict, exclude=None) -> None:
    from roi.models import Membership

    recipients = sorted({
        m.user.email for m in Membership.objects.filter(
            client_id=project.client_id, role__in=roles).select_related("user")
        if m.user.email and m.user != exclude
    })
    if not recipients:
        return
    send_mail(subject=subject, recipient_list=recipients, from_email=None,
              message=render_to_string(template, {"project": project, **context}))


class TransitionError(ServiceError):
    pass


@transaction.atomic
def project_submit(*, project: RoiProject, user, link: str) -> RoiProject:
    from roi.models import ProjectStatus, Role

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
    from roi.models import Comment, ProjectStatus, Role

    if project.status != ProjectStatus.SUBMITTED:
        raise TransitionError(_("Seul un projet soumis peut être renvoyé en modification."))
    if not comment.strip():
        raise TransitionError(_("Dites ce qui doit être modifié."))
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
def project_approve(*, project: RoiProject, user, link: str, comment: str = ""):
    """Approve and freeze a numbered version: inputs, results and the dossier PDF."""
    from django.db.models import Max

    from roi.adapter import project_case
    from roi.calculation import case_to_dict, compute, results_document
    from roi.models import ProjectStatus, ProjectVersion, Role
    from roi.pdf import approval_from_version, render_dossier

    project = RoiProject.objects.select_for_update().select_related("client").get(pk=project.pk)
    if project.status != ProjectStatus.SUBMITTED:
        raise TransitionError(_("Seul un projet soumis peut être approuvé."))
    number = (project.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    case = project_case(project)
    project.status = ProjectStatus.APPROVED
    project.updated_by = user
    project.save(update_fields=["status", "updated_by", "updated_at"])
    now = timezone.now()
    from roi.versions import line_snapshot

    version = ProjectVersion(
        project=project, number=number, case=case_to_dict(case),
        lines=[line_snapshot(line) for line in project.line_items.order_by("id")],
        results=results_document(compute(case)), approved_by=user, approved_at=now,
        comment=comment.strip(), pdf=b"",
    )
    # The frozen dossier carries its own approval block (who, when, which version).
    # The frozen dossier carries its own approval block (who, when, which version).
    version.pdf = render_dossier(project, approval=approval_from_version(version))
    version.save()
    _notify(project=project, roles=[Role.SALES_DIRECTOR, Role.CONSULTANT, Role.CFO],
            exclude=user,
            subject=_("Approuvé (v%(n)s) : %(name)s") % {"n": number, "name": project.name},
            template="roi/email/approved.txt",
            context={"user": user, "link": link, "version": version})
    return version


def comment_add(*, project: RoiProject, user, body: str, line=None):
    from roi.models import Comment

    body = body.strip()
    if not body:
        raise ServiceError(_("Le commentaire est vide."))
    comment = Comment(project=project, line=line, author=user, body=body[:4000],
                      line_label=line.label if line is not None else "")
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def project_duplicate(*, project: RoiProject, client: Client, user, name: str) -> RoiProject:
    """A copy of the project's inputs (lines, answers, benefits, KPIs) as a new draft, in the
    same or another client; no versions, comments or history come along."""
    from simple_history.utils import bulk_create_with_history

    from roi.models import ChecklistAnswer, KpiEntry, LineItem, QualitativeBenefit

    copy = RoiProject.objects.get(pk=project.pk)
    copy.pk = None
    copy.id = None
    copy.client = client
    copy.name = name[:200]
    copy.status = "draft"
    copy.revision = 1
    copy.wizard_step = ""
    copy.archived_at = None
    copy.deleted_at = None
    copy.created_by = copy.updated_by = user
    copy.full_clean()
    copy.save()
    lines = list(project.line_items.all())
    for line in lines:
        line.pk = line.id = None
        line.project = copy
        line.version = 1
    # The copy's history starts with its lines, attributed to whoever duplicated it.
    bulk_create_with_history(lines, LineItem, default_user=user)
    for model in (ChecklistAnswer, KpiEntry, QualitativeBenefit):
        rows = list(model.objects.filter(project=project))
        for row in rows:
            row.pk = row.id = None
            row.project = copy
        model.objects.bulk_create(rows)
    return copy


def project_delete(*, project: RoiProject, user) -> None:
    project.deleted_at = timezone.now()
    project.updated_by = user
    project.save(update_fields=["deleted_at", "updated_by", "updated_at"])


def project_restore(*, project: RoiProject, user) -> None:
    project.deleted_at = None
    project.updated_by = user
    project.save(update_fields=["deleted_at", "updated_by", "updated_at"])


DELETION_GRACE_DAYS = 30


def projects_purge(*, now=None) -> int:
    """Remove for good the projects deleted more than the grace period ago."""
    from datetime import timedelta

    limit = (now or timezone.now()) - timedelta(days=DELETION_GRACE_DAYS)
    count, _details = RoiProject.objects.filter(deleted_at__lt=limit).delete()
    return count
