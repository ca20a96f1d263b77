"""Who changed what, when: the project and its lines, deleted lines included, through
django-simple-history's own diff of consecutive records."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from roi.formats import format_input
from roi.projects.models import LineItem, RoiProject

PROJECT_AUDITED = ["name", "crm_solution", "users_count", "start_date", "horizon_months",
                   "currency", "discount_rate", "language", "status", "archived_at",
                   "deleted_at", "conservative_gains_factor", "conservative_costs_factor",
                   "optimistic_gains_factor", "optimistic_costs_factor"]
LINE_AUDITED = ["label", "amount", "quantity", "recurrence", "start_month", "end_month",
                "ramp_up_months", "confidence", "margin", "assumption"]
MAX_PROJECT_RECORDS = 300
MAX_LINE_RECORDS = 500


@dataclass
class HistoryEntry:
    record: object  # a historical record (who, when, +/~/-)
    is_line: bool
    changes: list[tuple[str, object, object]] = field(default_factory=list)


def _shown(model, name: str, value, decimal_text):
    """A stored value as a person reads it: choice labels, decimals without trailing zeros."""
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    return value


def project_history(project: RoiProject, *, decimal_text=format_input) -> list[HistoryEntry]:
    """The latest changes, newest first, in two queries (records compared in memory).

    ``decimal_text`` writes a decimal the way the reader types it (the page passes the
    active language's input format).
    """
    project_records = list(project.history.select_related("history_user").order_by(
        "-history_date")[:MAX_PROJECT_RECORDS])
    line_records = list(LineItem.history.filter(project_id=project.pk).select_related(
        "history_user").order_by("-history_date")[:MAX_LINE_RECORDS])
    entries: list[HistoryEntry] = []
    for model, records, audited in ((RoiProject, project_records, PROJECT_AUDITED),
                                    (LineItem, line_records, LINE_AUDITED)):
        by_object: dict[int, list] = {}
        for record in sorted(records, key=lambda r: r.history_date):
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            for previous, record in zip([None, *versions], versions, strict=False):
                entry = HistoryEntry(record, is_line=model is LineItem)
                if previous is not None and record.history_type == "~":
                    delta = record.diff_against(previous, included_fields=audited)
                    entry.changes = [
                        (model._meta.get_field(change.field).verbose_name,
                         _shown(model, change.field, change.old, decimal_text),
                         _shown(model, change.field, change.new, decimal_text))
                        for change in delta.changes
                    ]
                    if not entry.changes:
                        continue
                entries.append(entry)
    entries.sort(key=lambda e: e.record.history_date, reverse=True)
    return entries[:MAX_PROJECT_RECORDS]
