"""Tracking writes: start tracking after approval, close months, save the monthly actuals, add
unplanned lines, record reviews and send the review reminders.

Each write locks the project's row (a status or the last closed month changes under it), and
asks the documents to follow after commit (``inputs_changed``): the dossier and the workbook
show the actuals.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from roi.calculation import COST_CATEGORIES, GAIN_CATEGORIES, limits
from roi.errors import ServiceError
from roi.mail import mail_after_commit
from roi.projects.models import LineItem, LineKind, ProjectStatus, RoiProject
from roi.projects.services import project_revision_bump
from roi.projects.signals import inputs_changed
from roi.tenancy.models import Membership, Role
from roi.text_input import clean_multiline, clean_single_line
from roi.tracking.models import (
    LineActual,
    ReviewAction,
    ReviewDecision,
    ReviewReminder,
    TrackingReview,
)
from roi.tracking.selectors import due_reviews


class TrackingError(ServiceError):
    """A tracking write the project's state does not allow."""


def _locked(project: RoiProject) -> RoiProject:
    return RoiProject.objects.select_for_update().get(pk=project.pk)


def _tracked(project: RoiProject) -> RoiProject:
    locked = _locked(project)
    if locked.status != ProjectStatus.TRACKING:
        raise TrackingError(_("Ce projet n’est pas en suivi."))
    return locked


def _documents_follow(project: RoiProject, given: RoiProject | None = None) -> None:
    """What the engine reads changed (actuals, closed months): a new revision, so that the
    cached figures and documents follow; the documents are re-rendered after commit.
    ``given``: the caller's copy of the project (``project`` is the locked row), brought up to
    date so that what the caller reads next is keyed by the new revision."""
    project_revision_bump(project)
    if given is not None and given is not project:
        for name in ("revision", "status", "go_live_date", "as_of_month"):
            setattr(given, name, getattr(project, name))
    project_id = project.pk
    transaction.on_commit(lambda: inputs_changed.send(sender=RoiProject, project_id=project_id))


def _check_month(project: RoiProject, as_of_month: int) -> None:
    if not 0 <= as_of_month <= project.horizon_months:
        raise TrackingError(
            _("Le dernier mois clos doit être compris entre 0 et %(h)s (l’horizon).")
            % {"h": project.horizon_months})


@transaction.atomic
def tracking_start(*, project: RoiProject, user, go_live_date: datetime.date,
                   as_of_month: int = 0) -> RoiProject:
    """Put an approved project into tracking ("Suivi") from ``go_live_date``, months 1..A
    closed. Only an approved project can: what is tracked is the approved plan."""
    locked = _locked(project)
    if locked.status != ProjectStatus.APPROVED:
        raise TrackingError(_("Seul un projet approuvé peut passer en suivi."))
    _check_month(locked, as_of_month)
    locked.status = ProjectStatus.TRACKING
    locked.go_live_date = go_live_date
    locked.as_of_month = as_of_month
    locked.tracking_started_at = timezone.now()
    locked.tracking_started_by = user
    locked.updated_by = user
    locked._history_user = user
    locked.save(update_fields=["status", "go_live_date", "as_of_month", "tracking_started_at",
                               "tracking_started_by", "updated_by", "updated_at"])
    _documents_follow(locked, project)
    _copy(locked, project)
    return project


@transaction.atomic
def tracking_set_month(*, project: RoiProject, user, as_of_month: int,
                       go_live_date: datetime.date | None = None) -> RoiProject:
    """Set the last closed month (closing a month is A + 1), and the go-live date if given."""
    locked = _tracked(project)
    _check_month(locked, as_of_month)
    locked.as_of_month = as_of_month
    if go_live_date is not None:
        locked.go_live_date = go_live_date
    locked.updated_by = user
    locked._history_user = user
    locked.save(update_fields=["as_of_month", "go_live_date", "updated_by", "updated_at"])
    _documents_follow(locked, project)
    _copy(locked, project)
    return project


def tracking_close_month(*, project: RoiProject, user, expected: int | None = None
                         ) -> RoiProject:
    """Close the next month: A -> A + 1. ``expected``: the A the user saw (a double click or
    a colleague closing it first does not close two months)."""
    with transaction.atomic():
        locked = _tracked(project)
        current = locked.as_of_month or 0
        if expected is not None and expected != current:
            raise TrackingError(_("Ce mois a déjà été clos entre-temps."))
        if current >= locked.horizon_months:
            raise TrackingError(_("Tous les mois de l’horizon sont clos."))
        return tracking_set_month(project=project, user=user, as_of_month=current + 1)


def _copy(source: RoiProject, target: RoiProject) -> None:
    if source is target:
        return
    for name in ("status", "go_live_date", "as_of_month", "tracking_started_at",
                 "tracking_started_by_id", "updated_by_id", "updated_at"):
        setattr(target, name, getattr(source, name))


# --- actuals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActualsSaved:
    created: int
    updated: int
    deleted: int


@transaction.atomic
def actuals_save(*, project: RoiProject, user,
                 values: Mapping[tuple[int, int], Decimal | None]) -> ActualsSaved:
    """Save the grid: ``values`` maps (line id, month) to the actual (None: no actual, the
    cell was emptied). Only the project's lines and the closed months 1..A; in a constant
    number of queries whatever the size of the grid."""
    locked = _tracked(project)
    closed = locked.as_of_month or 0
    line_ids = set(LineItem.objects.filter(project=locked).values_list("pk", flat=True))
    for (line_id, month), amount in values.items():
        if line_id not in line_ids:
            raise TrackingError(_("Cette ligne n’appartient pas au projet."))
        if not 1 <= month <= closed:
            raise TrackingError(_("Le mois %(m)s n’est pas clos.") % {"m": month})
        if amount is not None and not Decimal(0) <= amount <= limits.MAX_ACTUAL:
            raise TrackingError(_("Montant hors limites."))
    existing = {(a.line_id, a.month): a for a in LineActual.objects.filter(
        line__project=locked, line_id__in={key[0] for key in values})}
    create, update, delete = [], [], []
    for key, amount in values.items():
        row = existing.get(key)
        if amount is None:
            if row is not None:
                delete.append(row.pk)
        elif row is None:
            create.append(LineActual(line_id=key[0], month=key[1], amount=amount,
                                     updated_by=user))
        elif row.amount != amount:
            row.amount, row.updated_by = amount, user
            row.updated_at = timezone.now()
            update.append(row)
    LineActual.objects.bulk_create(create)
    LineActual.objects.bulk_update(update, ["amount", "updated_by", "updated_at"])
    LineActual.objects.filter(pk__in=delete).delete()
    if create or update or delete:
        _follow_unplanned(locked)
        RoiProject.objects.filter(pk=locked.pk).update(updated_by=user,
                                                       updated_at=timezone.now())
        _documents_follow(locked, project)
    return ActualsSaved(len(create), len(update), len(delete))


def _follow_unplanned(project: RoiProject) -> None:
    """An unplanned line is a one-off (``once``) in the first month that carries an actual,
    so that it is never a "missing actual" once something is reported for it; without any
    actual, in the last closed month (it is missing there until its amount is entered)."""
    first = dict(LineActual.objects.filter(line__project=project, line__planned=False)
                 .values("line_id").annotate(first=Min("month")).values_list("line_id", "first"))
    lines = list(LineItem.objects.filter(project=project, planned=False))
    for line in lines:
        line.start_month = first.get(line.pk, max(1, project.as_of_month or 0))
    LineItem.objects.bulk_update(lines, ["start_month"])


@transaction.atomic
def unplanned_line_add(*, project: RoiProject, user, kind: str, category: str,
                       label: str) -> LineItem:
    """A cost or gain nobody planned (method §6): a line with amount 0, outside the approved
    plan (``planned=False``), that only carries actuals."""
    locked = _tracked(project)
    categories = COST_CATEGORIES if kind == LineKind.COST else GAIN_CATEGORIES
    if kind not in LineKind.values or category not in categories:
        raise TrackingError(_("Poste inconnu."))
    label = clean_single_line(label).strip()[:limits.MAX_LABEL_LENGTH]
    if not label:
        raise TrackingError(_("Donnez un libellé à la ligne."))
    position = (LineItem.objects.filter(project=locked, kind=kind, category=category)
                .aggregate(n=Max("position"))["n"] or 0) + 1
    line = LineItem(project=locked, kind=kind, category=category, label=label,
                    amount=Decimal(0), quantity=Decimal(1), recurrence="once",
                    start_month=max(1, locked.as_of_month or 0), planned=False,
                    position=position,
                    assumption=_("Ligne non prévue au plan, ajoutée pendant le suivi."))
    line.full_clean()
    line._history_user = user
    line.save()
    _documents_follow(locked, project)
    return line


# --- reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner: Membership | None
    due_date: datetime.date | None = None


@transaction.atomic
def review_record(*, project: RoiProject, user, months_after_go_live: int,
                  held_on: datetime.date, comment: str, decision: str,
                  actions: Iterable[ActionInput] = ()) -> TrackingReview:
    """Record the review of the milestone ``months_after_go_live`` (3, 6, 12, 24…): who, when,
    the comment, the decision and, for corrective actions, the actions and their owners."""
    locked = _tracked(project)
    if decision not in ReviewDecision.values:
        raise TrackingError(_("Décision inconnue."))
    actions = [a for a in actions if a.description.strip()]
    if decision == ReviewDecision.CORRECTIVE and not actions:
        raise TrackingError(_("Des actions correctives demandent au moins une action et son "
                              "responsable."))
    for action in actions:
        if action.owner is not None and action.owner.client_id != locked.client_id:
            raise TrackingError(_("Le responsable doit être membre du client."))
    if TrackingReview.objects.filter(project=locked,
                                     months_after_go_live=months_after_go_live).exists():
        raise TrackingError(_("La revue de ce jalon est déjà enregistrée."))
    review = TrackingReview.objects.create(
        project=locked, months_after_go_live=months_after_go_live, held_on=held_on,
        reviewer=user, comment=clean_multiline(comment).strip()[:4000], decision=decision,
        as_of_month=locked.as_of_month or 0,
    )
    ReviewAction.objects.bulk_create(
        ReviewAction(review=review, description=clean_single_line(a.description).strip()[:500],
                     owner=a.owner, due_date=a.due_date, position=i)
        for i, a in enumerate(actions)
    )
    _documents_follow(locked, project)
    return review


def review_page_link(project: RoiProject, *, base: str | None = None) -> str:
    """The absolute address of a project's review page, for an email (``settings.SITE_URL``)."""
    base = settings.SITE_URL if base is None else base
    return base.rstrip("/") + reverse("roi:project_tracking_review", args=[project.pk])


def send_review_reminders(*, today: datetime.date, link_of=review_page_link) -> int:
    """E-mail the editors and the CFO of every tracked project whose review is due (its date
    reached, not recorded yet), once per milestone. ``link_of(project)``: the absolute URL of
    the review page. Returns how many projects were reminded. The workers run it daily
    (``roi.review_reminders`` in :mod:`roi.tasks.periodic`); so does the management command
    ``send_review_reminders``."""
    projects = RoiProject.objects.filter(
        status=ProjectStatus.TRACKING, go_live_date__isnull=False, deleted_at__isnull=True,
        archived_at__isnull=True,
    ).select_related("client")
    reminded = 0
    for project in projects:
        due = [m for m in due_reviews(project, today=today) if m.overdue]
        if not due:
            continue
        milestone = due[-1]
        with transaction.atomic():
            reminder, created = ReviewReminder.objects.get_or_create(
                project=project, months_after_go_live=milestone.months)
            if not created:
                continue
            recipients = Membership.objects.filter(
                client_id=project.client_id,
                role__in=[Role.CONSULTANT, Role.SALES_DIRECTOR, Role.CFO],
            ).values_list("user__email", flat=True)
            with override(project.language or None):
                mail_after_commit(
                    subject=_("Revue à %(n)s mois due : %(name)s")
                    % {"n": reminder.months_after_go_live, "name": project.name},
                    template="roi/email/review_due.txt",
                    context={"project": project, "milestone": milestone,
                             "link": link_of(project)},
                    recipients=[email for email in recipients if email],
                )
            reminded += 1
    return reminded
