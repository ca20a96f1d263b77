"""Reads of the assumption register: one row per line of the project, sorted by exposure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from roi.assumptions.models import STALE_AFTER_DAYS, AssumptionRecord
from roi.projects.models import LineItem, LineKind, RoiProject
from roi.projects.selectors import ProjectOverview
from roi.tenancy.models import Membership


@dataclass(frozen=True)
class RegisterRow:
    """One line's assumption.

    ``amount``: the line's total over the horizon before risk adjustment (the engine's
    per-line total: what the assumption claims); ``confidence``: a gain's own, a cost's as
    the register estimates it (None when not given: no exposure counted); ``exposure`` = amount × (1 − confidence), the part of
    the claim that the confidence already doubts; ``stale``: never validated, or last
    validated more than :data:`STALE_AFTER_DAYS` days before ``today``.
    """

    line: LineItem
    record: AssumptionRecord | None
    amount: Decimal
    confidence: Decimal | None
    exposure: Decimal
    stale: bool
    days_since_validation: int | None


def _stale(record: AssumptionRecord | None, today: datetime.date) -> tuple[bool, int | None]:
    if record is None or record.last_validated_on is None:
        return True, None
    days = (today - record.last_validated_on).days
    return days > STALE_AFTER_DAYS, days


def register_confidence(line: LineItem, record: AssumptionRecord | None) -> Decimal | None:
    """A gain's confidence is the line's (the engine's risk adjustment); a cost's is the
    register's estimate of it, if given."""
    if line.kind == LineKind.GAIN:
        return Decimal(line.confidence)
    return record.confidence if record is not None else None


def register_records(project: RoiProject) -> dict[int, AssumptionRecord]:
    """Line id -> register entry, with owner and validator (one query)."""
    return {r.line_id: r for r in AssumptionRecord.objects.filter(
        line__project=project).select_related("owner__user", "validated_by")}


def register_rows(overview: ProjectOverview, *, today: datetime.date,
                  records: dict[int, AssumptionRecord] | None = None) -> list[RegisterRow]:
    """Every line of the project with its register entry, highest exposure first (then gains
    before costs, then the checklist's order). One query on top of the overview (none when
    ``records`` are given)."""
    if records is None:
        records = register_records(overview.project)
    rows = []
    for position, line in enumerate(overview.lines):
        _, unadjusted = overview.line_total(line)
        record = records.get(line.pk)
        confidence = register_confidence(line, record)
        stale, days = _stale(record, today)
        doubted = unadjusted * (1 - confidence) if confidence is not None else Decimal(0)
        rows.append((position, RegisterRow(line, record, unadjusted, confidence, doubted,
                                           stale, days)))
    rows.sort(key=lambda item: (-item[1].exposure, item[1].line.kind != LineKind.GAIN,
                                item[0]))
    return [row for _, row in rows]


def register_line(project: RoiProject, line_id: int) -> LineItem | None:
    return project.line_items.filter(pk=line_id).first()


def register_record(line: LineItem) -> AssumptionRecord | None:
    return AssumptionRecord.objects.filter(line=line).select_related("owner").first()


def client_owners(project: RoiProject):
    """The members of the project's client, who may own an assumption."""
    return (Membership.objects.filter(client_id=project.client_id).select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email"))
