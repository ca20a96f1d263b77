"""Writes of the assumption register: describe an assumption (source, owner), validate it.

The register documents the case without changing a figure: it neither reopens a submitted or
approved project nor bumps its revision. The dossier prints it, so the documents follow it
through the projects' ``inputs_changed`` signal after commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from roi.assumptions.models import AssumptionRecord
from roi.projects.models import LineItem, LineKind, RoiProject
from roi.projects.signals import inputs_changed
from roi.tenancy.models import Membership


def _announce(line: LineItem) -> None:
    project_id = line.project_id
    transaction.on_commit(lambda: inputs_changed.send(sender=RoiProject, project_id=project_id))


_KEEP = object()  # a cost's confidence left out: kept as it is


@transaction.atomic
def assumption_describe(*, line: LineItem, source: str, owner: Membership | None,
                        confidence: Decimal | None | object = _KEEP) -> AssumptionRecord:
    """Where the assumption comes from, who answers for it and, for a cost, how sure its
    estimate is (a gain's confidence is the line's: it is not changed here; left out, a
    cost's is kept)."""
    if owner is not None and owner.client_id != line.project.client_id:
        raise ValueError("the owner must be a member of the line's client")
    record, _ = AssumptionRecord.objects.select_for_update().get_or_create(line=line)
    record.source = source.strip()
    record.owner = owner
    if line.kind == LineKind.COST and confidence is not _KEEP:
        record.confidence = confidence
    record.full_clean()
    record.save()
    _announce(line)
    return record


@transaction.atomic
def assumption_validate(*, line: LineItem, user, on: datetime.date | None = None
                        ) -> AssumptionRecord:
    """Someone checked the assumption still holds, today (or ``on``)."""
    record, _ = AssumptionRecord.objects.select_for_update().get_or_create(line=line)
    record.last_validated_on = on or timezone.localdate()
    record.validated_by = user
    record.save()
    _announce(line)
    return record
