"""What changed since the last approved version: lines added, removed, changed; ROI before
and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from roi.calculation import case_to_dict
from roi.projects.cases import project_case
from roi.projects.models import LineItem, RoiProject
from roi.review.models import ProjectVersion

COMPARED = ("label", "amount", "quantity", "recurrence", "start_month", "end_month",
            "ramp_up_months", "confidence", "margin")


def line_snapshot(line: LineItem) -> dict:
    return {
        "id": line.pk, "kind": line.kind, "category": line.category, "label": line.label,
        "amount": str(line.amount), "quantity": str(line.quantity),
        "recurrence": line.recurrence, "start_month": line.start_month,
        "end_month": line.end_month, "ramp_up_months": line.ramp_up_months,
        "confidence": str(line.confidence),
        "margin": None if line.margin is None else str(line.margin),
    }


@dataclass
class LineChange:
    before: dict | None
    after: dict | None
    fields: list[str] = field(default_factory=list)

    @property
    def line(self) -> dict:
        return self.after or self.before


@dataclass
class Changes:
    version: ProjectVersion
    added: list[LineChange]
    removed: list[LineChange]
    changed: list[LineChange]
    roi_before: Decimal | None
    roi_after: Decimal | None
    settings: list[str] = field(default_factory=list)  # interchange keys that changed

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.settings
                    or self.roi_before != self.roi_after)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a == b
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return a == b


def changes_since_approval(project: RoiProject, *, lines: list[LineItem]) -> Changes | None:
    """Compare the current lines with the last approved version (None before any approval)."""
    version = project.versions.defer("pdf").order_by("-number").first()
    return None if version is None else changes_since(version, project, lines=lines)


def changes_since(version: ProjectVersion, project: RoiProject, *, lines: list[LineItem]
                  ) -> Changes:
    """Lines added, removed and changed since ``version``, and the ROI before → after."""
    before = {row["id"]: row for row in version.lines}
    after = {line.pk: line_snapshot(line) for line in lines}
    added = [LineChange(None, after[i]) for i in after if i not in before]
    removed = [LineChange(before[i], None) for i in before if i not in after]
    changed = []
    for i in after.keys() & before.keys():
        fields = [f for f in COMPARED
                  if not (_same(before[i][f], after[i][f]) if f not in ("label", "recurrence")
                          else before[i][f] == after[i][f])]
        if fields:
            changed.append(LineChange(before[i], after[i], fields))
    roi_before = version.results.get("roi_percent")
    current = case_to_dict(project_case(project, lines=lines))
    settings = [key for key in SETTINGS
                if str(version.case.get(key)) != str(current.get(key))]
    return Changes(
        version, added, removed, sorted(changed, key=lambda c: c.line["label"]),
        None if roi_before is None else Decimal(roi_before), project.roi_percent, settings,
    )


SETTINGS = ("horizon_months", "discount_rate", "currency", "scenarios")
