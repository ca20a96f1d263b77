"""Writes of the projects domain: projects, their lines, checklist answers, benefits and KPIs.

Every change to a project's inputs ends in :func:`project_changed`: who and when, a project
under review goes back to draft, the stored headline figures are refreshed, and once the
transaction has committed :data:`roi.projects.signals.inputs_changed` is sent (the documents
follow it).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.calculation import Case, compute, quantize_money
from roi.errors import ServiceError
from roi.projects.cases import project_case
from roi.projects.models import (
    AnswerStatus,
    ChecklistAnswer,
    KpiEntry,
    LineItem,
    LineKind,
    ProjectStatus,
    QualitativeBenefit,
    RoiProject,
)
from roi.projects.signals import inputs_changed
from roi.tenancy.models import Client
from roi.text_input import clean_multiline, clean_single_line

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
                   **fields) -> RoiProject:
    project_touch(project=project, user=user, expected_revision=expected_revision)
    for name, value in fields.items():
        setattr(project, name, value)
    project.updated_by = user
    project.full_clean()
    # Only the edited fields: status, archive/delete marks and figures stay as stored.
    project.save(update_fields=[*fields, "updated_by", "updated_at"])
    project_changed(project=project, user=user)
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


# --- what follows every change of inputs ----------------------------------------------------


def project_changed(*, project: RoiProject, user) -> None:
    """Something in the project's inputs changed: who and when, review state, figures, and
    (after commit) the signal the documents follow."""
    RoiProject.objects.filter(pk=project.pk).update(updated_by=user, updated_at=timezone.now())
    reopen_if_in_review(project)
    project_refresh_figures(project)
    project_id = project.pk
    transaction.on_commit(lambda: inputs_changed.send(sender=RoiProject, project_id=project_id))


def reopen_if_in_review(project: RoiProject) -> None:
    """A change to a submitted or approved project starts a new draft.

    After approval the frozen version stays as it was; during review the CFO must not approve
    figures they have not seen, so the sales director submits again. The UPDATE is conditional
    (and waits for an approval holding the row), so a racing approval cannot be undone
    silently: the change lands after it and reopens the project.
    """
    reopened = RoiProject.objects.filter(
        pk=project.pk, status__in=[ProjectStatus.SUBMITTED, ProjectStatus.APPROVED]
    ).update(status=ProjectStatus.DRAFT)
    if reopened:
        project.status = ProjectStatus.DRAFT


def figures_of(case: Case) -> dict:
    """The headline figures stored on the project for the lists (portfolio, workspace)."""
    headline = compute(case).headline
    return {
        "roi_percent": None if headline.roi_percent is None
        else quantize_money(headline.roi_percent),
        "payback_months": None if headline.payback_months is None
        else quantize_money(headline.payback_months),
        "net_gain": quantize_money(headline.net_gain),
    }


def project_refresh_figures(project: RoiProject) -> None:
    """Store the project's headline figures for the lists (3 queries and one computation)."""
    values = figures_of(project_case(project))
    RoiProject.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)


# --- line items, checklist answers, benefits, KPIs -------------------------------------------


@transaction.atomic
def line_item_create(*, project: RoiProject, user, kind: str, category: str, **fields
                     ) -> LineItem:
    # The project's row lock makes concurrent creations take turns: each sees the lines
    # created before it, so no two lines share a position (the lock is taken by the update of
    # project_changed below anyway). max + 1, not a count: a deleted line leaves a gap.
    RoiProject.objects.select_for_update().filter(pk=project.pk).values_list("pk").get()
    last = project.line_items.filter(kind=kind, category=category).aggregate(
        last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    line = LineItem(project=project, kind=kind, category=category, position=position,
                    **{k: v for k, v in fields.items() if k in LINE_FIELDS})
    line.full_clean()
    line.save()
    if line.subitem_id:
        answer_clear_not_applicable(project=project, subitem_id=line.subitem_id)
    project_changed(project=project, user=user)
    return line


@transaction.atomic
def line_item_update(*, line: LineItem, user, expected_version: int | None, **fields
                     ) -> LineItem:
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
    project_changed(project=line.project, user=user)
    return line


@transaction.atomic
def line_item_delete(*, line: LineItem, user) -> None:
    project = line.project
    line.delete()
    project_changed(project=project, user=user)


@transaction.atomic
def answer_set(*, project: RoiProject, subitem: SubItem, status: str, reason: str = "",
               user=None) -> ChecklistAnswer:
    """Record how a sub-item is addressed (not applicable with a reason, or back to do)."""
    answer, _created = ChecklistAnswer.objects.update_or_create(
        project=project, subitem=subitem, defaults={"status": status, "reason": reason[:500]}
    )
    if user is not None:
        project_changed(project=project, user=user)
    return answer


def answer_clear_not_applicable(*, project: RoiProject, subitem_id: int) -> None:
    """A sub-item that gets an amount is counted, no longer "not applicable"."""
    ChecklistAnswer.objects.filter(
        project=project, subitem_id=subitem_id, status=AnswerStatus.NOT_APPLICABLE
    ).update(status=AnswerStatus.OPEN)


@transaction.atomic
def benefits_replace(*, project: RoiProject, texts: list[str], user) -> None:
    project.qualitative_benefits.all().delete()
    QualitativeBenefit.objects.bulk_create(
        QualitativeBenefit(project=project, text=text, position=index)
        for index, text in enumerate(t.strip() for t in texts) if text
    )
    project_changed(project=project, user=user)


@transaction.atomic
def kpis_replace(*, project: RoiProject, values: dict[str, dict], user) -> None:
    """values: KPI code -> {"baseline", "target", "actual"}; a KPI with no value is removed."""
    project.kpis.all().delete()
    KpiEntry.objects.bulk_create(
        KpiEntry(project=project, code=code, **numbers)
        for code, numbers in values.items()
        if any(v is not None for v in numbers.values())
    )
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
        catalogue=catalogue, created_by=user, updated_by=user, **fields,
    )
    project.full_clean()
    project.save()
    subitems = (
        {s.code: s for s in SubItem.objects.filter(post__catalogue=catalogue)}
        if catalogue else {}
    )
    rows = []
    for kind, items in ((LineKind.COST, case.costs), (LineKind.GAIN, case.gains)):
        for position, item in enumerate(items):
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
            row.full_clean(exclude=["project"])
            rows.append(row)
    bulk_create_with_history(rows, LineItem, default_user=user)
    QualitativeBenefit.objects.bulk_create(
        QualitativeBenefit(project=project, text=clean_single_line(text)[:500], position=i)
        for i, text in enumerate(case.qualitative_benefits)
    )
    KpiEntry.objects.bulk_create(
        KpiEntry(project=project, code=k.code, baseline=k.baseline, target=k.target,
                 actual=k.actual)
        for k in case.kpis
    )
    project_refresh_figures(project)
    return project
