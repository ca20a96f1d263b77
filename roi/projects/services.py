"""Writes of the projects domain: projects, their lines, checklist answers, benefits and KPIs.

Every change to a project's inputs starts with :func:`project_open_for_edit` and ends in
:func:`project_changed`. A submitted or approved project is not changed silently: the write is
refused with :class:`ReopenRequired` until the user confirms that its draft reopens (a new
approval will be needed), by passing back the status they saw as ``reopen``. Then who and when
are recorded, the stored headline figures are refreshed, and once the transaction has
committed :data:`roi.projects.signals.inputs_changed` is sent (the documents follow it).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.calculation import Case, CaseResult, limits, quantize_money
from roi.errors import ServiceError
from roi.projects.cases import project_case, project_lines
from roi.projects.models import (
    APPROVED_STATES,
    IN_REVIEW,
    AnswerStatus,
    ChecklistAnswer,
    KpiEntry,
    KpiMeasurement,
    LineItem,
    LineKind,
    ProjectStatus,
    QualitativeBenefit,
    RoiProject,
    kpis_with_measurements,
)
from roi.projects.selectors import engine_results
from roi.projects.signals import inputs_changed
from roi.tenancy.models import Client
from roi.text_input import clean_multiline, clean_single_line
from roi.tracking.models import LineActual

DELETION_GRACE_DAYS = 30

PROJECT_FIELDS = (
    "name", "crm_solution", "users_count", "start_date", "horizon_months", "currency",
    "discount_rate", "language",
)
LINE_FIELDS = (
    "label", "amount", "quantity", "recurrence", "start_month", "end_month",
    "ramp_up_months", "confidence", "margin", "assumption", "subitem",
)


class StaleRevision(ServiceError):
    """Someone else saved the project since this form was displayed."""


class StaleLine(ServiceError):
    """Someone else changed or deleted this line since the form was displayed."""


class ReopenRequired(ServiceError):
    """The project is submitted or approved: changing it reopens its draft, and the user has
    not confirmed that yet (or confirmed it for another status than the current one)."""

    def __init__(self, status: str):
        self.status = status
        if status in APPROVED_STATES:
            message = _("Ce projet est approuvé. Le modifier rouvre son brouillon : la version "
                        "approuvée reste figée telle quelle, et le projet devra être soumis puis "
                        "approuvé à nouveau.")
        else:
            message = _("Ce projet est soumis au DAF. Le modifier le retire de la validation : "
                        "il revient en brouillon et devra être soumis à nouveau.")
        super().__init__(message)


# --- projects ------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, client: Client, user, **fields) -> RoiProject:
    project = RoiProject(client=client, created_by=user, updated_by=user,
                         catalogue=CatalogueVersion.current(), **fields)
    project.full_clean()
    project.save()
    return project


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
                   reopen: str | None = None, **fields) -> RoiProject:
    project_open_for_edit(project=project, user=user, reopen=reopen)
    project_touch(project=project, user=user, expected_revision=expected_revision)
    for name, value in fields.items():
        setattr(project, name, value)
    project.updated_by = user
    project.full_clean()
    # Only the edited fields: status, archive/delete marks and figures stay as stored.
    project.save(update_fields=[*fields, "updated_by", "updated_at"])
    project_changed(project=project, user=user, bump=False)
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


def project_set_wizard_step(*, project: RoiProject, step: str) -> None:
    if project.wizard_step != step:
        RoiProject.objects.filter(pk=project.pk).update(wizard_step=step)
        project.wizard_step = step


# --- review state: every change of inputs asks first, then reopens the draft ---------------


def project_open_for_edit(*, project: RoiProject, user, reopen: str | None = None) -> None:
    """The first step of every write of a project's inputs, inside its transaction.

    Locks the project's row (an approval or a submission holding it finishes first), then: a
    draft (or a project whose changes were requested) is open as it is; a submitted or approved
    one is refused with :class:`ReopenRequired` unless ``reopen`` is the status the user saw
    and confirmed, and then its draft is reopened (:func:`project_reopen`). Once reopened, the
    project is a draft: the next edits of that reopening do not ask again.
    """
    status = RoiProject.objects.select_for_update().filter(pk=project.pk).values_list(
        "status", flat=True).get()
    project.status = status
    if status in IN_REVIEW:
        if reopen != status:
            raise ReopenRequired(status)
        _reopen(project, user=user)


@transaction.atomic
def project_reopen(*, project: RoiProject, user, expected_status: str | None = None) -> bool:
    """Reopen the draft of a submitted or approved project, on purpose ("Rouvrir le
    brouillon"): who and when are recorded. False when it was not under review any more (or no
    longer in ``expected_status``, e.g. approved meanwhile: the user confirms again)."""
    status = RoiProject.objects.select_for_update().filter(pk=project.pk).values_list(
        "status", flat=True).get()
    project.status = status
    if status not in IN_REVIEW:
        return False
    if expected_status is not None and expected_status != status:
        raise ReopenRequired(status)
    _reopen(project, user=user)
    return True


def _reopen(project: RoiProject, *, user) -> None:
    # A save of the row as stored (not an UPDATE, not the caller's possibly older copy), so
    # that the history records the status change, as it is, and who made it.
    stored = RoiProject.objects.get(pk=project.pk)
    stored.status = ProjectStatus.DRAFT
    stored.reopened_by = user
    stored.reopened_at = timezone.now()
    stored.updated_by = user
    stored._history_user = user
    stored.save(update_fields=["status", "reopened_by", "reopened_at", "updated_by",
                               "updated_at"])
    for name in ("status", "reopened_by", "reopened_at", "updated_by", "updated_at"):
        setattr(project, name, getattr(stored, name))


# --- what follows every change of inputs ----------------------------------------------------


def project_revision_bump(project: RoiProject) -> None:
    """A new revision of what the engine reads, without touching the business case's status:
    the tracking's actuals and closed months, the KPIs' measurements (facts observed after
    go-live). The revision keys the engine's cached results and the documents' caches."""
    RoiProject.objects.filter(pk=project.pk).update(revision=F("revision") + 1)
    project.refresh_from_db(fields=["revision"])


def project_changed(*, project: RoiProject, user, bump: bool = True) -> None:
    """Something in the project's inputs changed: a new revision (``bump=False`` when the
    caller already bumped it, :func:`project_update`), who and when, figures, and (after
    commit) the signal the documents follow.

    A project still submitted or approved here was changed by a write that did not ask first
    (:func:`project_open_for_edit`): it is refused, so that the whole change rolls back rather
    than leave an "approved" project that no longer shows what was approved.
    """
    changes = {"updated_by": user, "updated_at": timezone.now()}
    if bump:
        # A new revision for every change of inputs: the key of the engine's cached results
        # (roi.projects.selectors.engine_results) and of what follows them.
        changes["revision"] = F("revision") + 1
    # The status checked by the update itself: no row updated is a project under review.
    if not RoiProject.objects.filter(pk=project.pk).exclude(status__in=IN_REVIEW).update(
            **changes):
        raise ReopenRequired(
            RoiProject.objects.filter(pk=project.pk).values_list("status", flat=True).get())
    # The caller's copy says what is stored now (the page answering the change shows it).
    project.updated_by, project.updated_at = user, changes["updated_at"]
    if bump:
        project.refresh_from_db(fields=["revision"])
    project_refresh_figures(project)
    _announce_after_commit(project)


def _announce_after_commit(project: RoiProject) -> None:
    """Once the transaction commits, the signal the documents follow."""
    project_id = project.pk
    transaction.on_commit(lambda: inputs_changed.send(sender=RoiProject, project_id=project_id))


def project_edited_outside(project: RoiProject) -> None:
    """An edit made outside the product's forms (the admin site): a new revision of the
    inputs, so that no cached figure, page part or document of the previous one is shown, the
    stored figures, and after commit the documents follow. The status stays as it was set
    there."""
    project_revision_bump(project)
    project_refresh_figures(project)
    _announce_after_commit(project)


def figures_of(result: CaseResult) -> dict:
    """The headline figures stored on the project for the lists (portfolio, workspace)."""
    headline = result.headline
    # Without any cost there is nothing to pay back: no payback (shown "—", sorted last), not
    # the engine's 0 months.
    payback = None if headline.total_costs == 0 else headline.payback_months
    return {
        "roi_percent": None if headline.roi_percent is None
        else quantize_money(headline.roi_percent),
        "payback_months": None if payback is None else quantize_money(payback),
        "net_gain": quantize_money(headline.net_gain),
    }


def project_refresh_figures(project: RoiProject) -> None:
    """Store the project's headline figures for the lists (3 queries and one computation).

    The computation is the engine's results at the project's revision, stored in the cache
    as they are worked out (:func:`~roi.projects.selectors.engine_results`, in the caller's
    transaction: rolled back with it): the page answering the change, the results page and the
    workers' documents then read them instead of computing the same case again."""
    lines = project_lines(project)
    engine = engine_results(project, CatalogueVersion.of(project),
                            lambda: (project_case(project, lines=lines), lines), fresh=True)
    values = figures_of(engine.result)
    RoiProject.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)


# --- line items, checklist answers, benefits, KPIs -------------------------------------------

# A line's references that its write has just read from the database, so that validating the
# line does not look them up again: the project (its row locked by project_open_for_edit) and
# the sub-item (read from the project's catalogue version, which never changes).
READ_IN_THIS_WRITE = ("project", "subitem")


@transaction.atomic
def line_item_create(*, project: RoiProject, user, kind: str, category: str,
                     reopen: str | None = None, **fields) -> LineItem:
    # project_open_for_edit takes the project's row lock: concurrent creations take turns, each
    # sees the lines created before it, so no two lines share a position. max + 1, not a
    # count: a deleted line leaves a gap.
    project_open_for_edit(project=project, user=user, reopen=reopen)
    # Counted under the project's row lock: two additions cannot both pass the limit.
    lines = project.line_items.aggregate(
        count=Count("pk"), last=Max("position", filter=Q(kind=kind, category=category)))
    if lines["count"] >= limits.MAX_LINES_PER_PROJECT:
        raise ValidationError(_(
            "Ce projet compte déjà %(count)s lignes, le maximum : regroupez des lignes "
            "(une ligne peut porter une quantité) avant d’en ajouter.") % {
            "count": limits.MAX_LINES_PER_PROJECT})
    position = 0 if lines["last"] is None else lines["last"] + 1
    line = LineItem(project=project, kind=kind, category=category, position=position,
                    **{k: v for k, v in fields.items() if k in LINE_FIELDS})
    line.full_clean(exclude=READ_IN_THIS_WRITE)
    line.save()
    if line.subitem_id:
        answer_clear_not_applicable(project=project, subitem_id=line.subitem_id)
    project_changed(project=project, user=user)
    return line


@transaction.atomic
def line_item_update(*, line: LineItem, user, expected_version: int | None,
                     reopen: str | None = None, **fields) -> LineItem:
    project_open_for_edit(project=line.project, user=user, reopen=reopen)
    for name, value in fields.items():
        if name in LINE_FIELDS:
            setattr(line, name, value)
    line.full_clean(exclude=READ_IN_THIS_WRITE)
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
    project_changed(project=line.project, user=user)
    return line


@transaction.atomic
def line_item_delete(*, line: LineItem, user, reopen: str | None = None) -> None:
    project = line.project
    project_open_for_edit(project=project, user=user, reopen=reopen)
    line.delete()
    project_changed(project=project, user=user)


@transaction.atomic
def answer_set(*, project: RoiProject, subitem: SubItem, status: str, reason: str = "",
               user, reopen: str | None = None) -> ChecklistAnswer:
    """Record how a sub-item is addressed (not applicable with a reason, or back to do)."""
    project_open_for_edit(project=project, user=user, reopen=reopen)
    answer = _answer_save(project=project, subitem=subitem, status=status, reason=reason)
    project_changed(project=project, user=user)
    return answer


@transaction.atomic
def answers_set(*, project: RoiProject, answers: list[tuple[SubItem, str, str]], user,
                reopen: str | None = None) -> None:
    """Several answers at once (a wizard step's form): ``(sub-item, status, reason)``."""
    if not answers:
        return
    project_open_for_edit(project=project, user=user, reopen=reopen)
    for subitem, status, reason in answers:
        _answer_save(project=project, subitem=subitem, status=status, reason=reason)
    project_changed(project=project, user=user)


def _answer_save(*, project: RoiProject, subitem: SubItem, status: str, reason: str
                 ) -> ChecklistAnswer:
    # By id: the wizard passes the catalogue reader's sub-items, not model instances.
    answer, _created = ChecklistAnswer.objects.update_or_create(
        project=project, subitem_id=subitem.pk,
        defaults={"status": status, "reason": reason[:500]},
    )
    return answer


def answer_clear_not_applicable(*, project: RoiProject, subitem_id: int) -> None:
    """A sub-item that gets an amount is counted, no longer "not applicable"."""
    ChecklistAnswer.objects.filter(
        project=project, subitem_id=subitem_id, status=AnswerStatus.NOT_APPLICABLE
    ).update(status=AnswerStatus.OPEN)


@transaction.atomic
def benefits_replace(*, project: RoiProject, texts: list[str], user,
                     reopen: str | None = None) -> None:
    project_open_for_edit(project=project, user=user, reopen=reopen)
    project.qualitative_benefits.all().delete()
    QualitativeBenefit.objects.bulk_create(
        QualitativeBenefit(project=project, text=text, position=index)
        for index, text in enumerate(t.strip() for t in texts) if text
    )
    project_changed(project=project, user=user)


@transaction.atomic
def kpis_replace(*, project: RoiProject, values: dict[str, dict], user,
                 reopen: str | None = None) -> None:
    """values: KPI code -> {"baseline", "target"}. A KPI keeps its row (and so its dated
    measurements); one left without baseline, target nor measurement is removed."""
    project_open_for_edit(project=project, user=user, reopen=reopen)
    existing = {kpi.code: kpi for kpi in project.kpis.annotate(measured=Count("measurements"))}
    created, updated, removed = [], [], []
    for code, numbers in values.items():
        kpi = existing.get(code)
        empty = all(v is None for v in numbers.values())
        if kpi is None:
            if not empty:
                created.append(KpiEntry(project=project, code=code, **numbers))
        elif empty and not kpi.measured:
            removed.append(kpi.pk)
        else:
            for field, value in numbers.items():
                setattr(kpi, field, value)
            updated.append(kpi)
    KpiEntry.objects.bulk_create(created)
    if updated:
        KpiEntry.objects.bulk_update(updated, ["baseline", "target"])
    KpiEntry.objects.filter(pk__in=removed).delete()
    project_changed(project=project, user=user)


# --- project life: duplicate, delete and restore, import ------------------------------------


@transaction.atomic
def project_duplicate(*, project: RoiProject, client: Client, user, name: str) -> RoiProject:
    """A copy of the project's inputs (lines, answers, benefits, KPIs) as a new draft, in the
    same or another client; no versions, comments or history come along."""
    copy = RoiProject.objects.get(pk=project.pk)
    copy.pk = None
    copy.id = None
    copy.client = client
    copy.name = name[:200]
    copy.status = ProjectStatus.DRAFT
    copy.revision = 1
    copy.wizard_step = ""
    copy.reopened_at = copy.reopened_by = None
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
    for model in (ChecklistAnswer, QualitativeBenefit):
        rows = list(model.objects.filter(project=project))
        for row in rows:
            row.pk = row.id = None
            row.project = copy
        model.objects.bulk_create(rows)
    kpis = list(kpis_with_measurements(project))
    measurements = [list(kpi.measurements.all()) for kpi in kpis]
    for kpi in kpis:
        kpi.pk = kpi.id = None
        kpi.project = copy
    KpiEntry.objects.bulk_create(kpis)
    copies = []
    for kpi, rows in zip(kpis, measurements, strict=True):
        for row in rows:
            row.pk = row.id = None
            row.kpi = kpi
            copies.append(row)
    KpiMeasurement.objects.bulk_create(copies)
    return copy


def project_delete(*, project: RoiProject, user) -> None:
    project.deleted_at = timezone.now()
    project.updated_by = user
    project.save(update_fields=["deleted_at", "updated_by", "updated_at"])


def project_restore(*, project: RoiProject, user) -> None:
    project.deleted_at = None
    project.updated_by = user
    project.save(update_fields=["deleted_at", "updated_by", "updated_at"])


def projects_purge(*, now=None) -> int:
    """Remove for good the projects deleted more than the grace period ago."""
    limit = (now or timezone.now()) - timedelta(days=DELETION_GRACE_DAYS)
    count, _details = RoiProject.objects.filter(deleted_at__lt=limit).delete()
    return count


@transaction.atomic
def case_import(*, case: Case, client: Client, user=None, name: str | None = None
                ) -> RoiProject:
    """Create a new project in ``client`` from an interchange case (``roi_import``, the web
    import)."""
    catalogue = CatalogueVersion.current()
    scenarios = {s.code: s for s in case.scenarios}
    fields = {}
    if "conservative" in scenarios:
        fields.update(conservative_gains_factor=scenarios["conservative"].gains_factor,
                      conservative_costs_factor=scenarios["conservative"].costs_factor)
    if "optimistic" in scenarios:
        fields.update(optimistic_gains_factor=scenarios["optimistic"].gains_factor,
                      optimistic_costs_factor=scenarios["optimistic"].costs_factor)
    project = RoiProject(
        client=client,
        name=clean_single_line(name or case.name or _("Projet importé")).strip()[:200]
        or _("Projet importé"),
        currency=case.currency,
        horizon_months=case.horizon_months, discount_rate=case.discount_rate,
        as_of_month=case.as_of_month,
        catalogue=catalogue, created_by=user, updated_by=user, **fields,
    )
    project.full_clean()
    project.save()
    subitems = (
        {s.code: s for s in SubItem.objects.filter(post__catalogue=catalogue)}
        if catalogue else {}
    )
    rows, paths = [], []  # each line's path in the file ("costs[2]"), for the messages
    for kind, items in ((LineKind.COST, case.costs), (LineKind.GAIN, case.gains)):
        for position, item in enumerate(items):
            path = f"{'costs' if kind == LineKind.COST else 'gains'}[{position}]"
            row = LineItem(
                project=project, kind=kind, category=item.category,
                label=clean_single_line(item.label).strip() or "—",
                amount=item.amount, quantity=item.quantity, recurrence=item.recurrence.value,
                start_month=item.start_month, end_month=item.end_month,
                ramp_up_months=item.ramp_up_months, confidence=item.confidence,
                margin=item.margin, assumption=clean_multiline(item.assumption),
                position=position,
                subitem=subitems.get(item.subitem) if item.subitem else None,
            )
            try:
                row.full_clean(exclude=["project"])
            except ValidationError as error:  # said with the line's path in the file
                raise ValidationError({f"{path}.{field}": messages
                                       for field, messages in error.message_dict.items()}
                                      ) from None
            rows.append(row)
            paths.append(path)
    bulk_create_with_history(rows, LineItem, default_user=user)
    # After go-live (method §6): the last closed month and each line's actuals.
    actuals = []
    items = [*case.costs, *case.gains]
    for row, item, path in zip(rows, items, paths, strict=True):
        for month, amount in item.actuals:
            actual = LineActual(line=row, month=month, amount=amount, updated_by=user)
            try:
                actual.full_clean(exclude=["line"])
            except ValidationError as error:  # said with the actual's path in the file
                raise ValidationError({f"{path}.actuals.{month}": [
                    message for messages in error.message_dict.values()
                    for message in messages]}) from None
            actuals.append(actual)
    LineActual.objects.bulk_create(actuals)
    QualitativeBenefit.objects.bulk_create(
        QualitativeBenefit(project=project, text=clean_single_line(text)[:500], position=i)
        for i, text in enumerate(case.qualitative_benefits)
    )
    kpis = KpiEntry.objects.bulk_create(
        KpiEntry(project=project, code=k.code, baseline=k.baseline, target=k.target)
        for k in case.kpis
    )
    # roi-case/1 carries one actual per KPI: it becomes a measurement dated on the import.
    KpiMeasurement.objects.bulk_create(
        KpiMeasurement(kpi=kpi, date=timezone.localdate(), value=k.actual, created_by=user,
                       note=_("Valeur importée"))
        for kpi, k in zip(kpis, case.kpis, strict=True) if k.actual is not None
    )
    project_refresh_figures(project)
    return project
