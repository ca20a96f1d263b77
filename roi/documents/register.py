"""The assumption register as the dossier prints it (issue 12, item 6): rows formatted for
display from :func:`roi.assumptions.selectors.register_rows` (figures from the engine's
per-line totals, never recomputed here)."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roi.assumptions.models import STALE_AFTER_DAYS, AssumptionRecord
from roi.assumptions.selectors import register_rows
from roi.formats import Formatter
from roi.projects.models import LineKind
from roi.projects.selectors import ProjectOverview


def owner_name(record: AssumptionRecord | None) -> str:
    """The register's owner as the dossier prints it."""
    owner = record.owner.user if record and record.owner else None
    return (owner.get_full_name() or owner.email) if owner else "—"


def register_key(records: dict[int, AssumptionRecord]) -> list:
    """What of the register the dossier's cache key depends on (the lines and their figures
    are in the case already; the staleness follows the edition date, also in the key)."""
    return sorted((line_id, r.source, r.owner_id, owner_name(r), r.last_validated_on,
                   r.confidence) for line_id, r in records.items())


def register_section(overview: ProjectOverview, fmt: Formatter, *, today: datetime.date,
                     records: dict[int, AssumptionRecord]) -> dict:
    titles = overview.catalogue.post_titles
    rows = []
    for row in register_rows(overview, today=today, records=records):
        line, record = row.line, row.record
        validated = record.last_validated_on if record else None
        rows.append({
            "kind": _("Coût") if line.kind == LineKind.COST else _("Gain"),
            "post": titles.get(line.category, line.category),
            "label": line.label,
            "text": line.assumption,
            "source": record.source if record else "",
            "owner": owner_name(record),
            "confidence": (fmt.percent(row.confidence * 100, 0) if row.confidence is not None
                           else "—"),
            "amount": fmt.money(row.amount, 0),
            "exposure": fmt.money(row.exposure, 0),
            "validated": date_format(validated, "SHORT_DATE_FORMAT") if validated else "—",
            "stale": row.stale,
        })
    return {"rows": rows, "stale_count": sum(r["stale"] for r in rows),
            "stale_days": STALE_AFTER_DAYS}
