"""What changed since the last approved version: lines added, removed and changed, field by
field, the project's settings, and the ROI before and after.

Values are compared, never their text: a version is stored in PostgreSQL's jsonb, which
reorders object keys and keeps decimals as the strings they were written as ("1.000000" and
"1" are the same confidence). The stored case is read back into the engine's typed ``Case``
(:func:`roi.calculation.parse_case`) and compared with the project's current one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklist.catalogue.models import RECURRENCE_CHOICES
from roi.calculation import Case, CaseFormatError, case_to_dict, parse_case
from roi.formats import Formatter
from roi.projects.cases import project_case
from roi.projects.models import LineItem, LineKind, RoiProject
from roi.review.models import ProjectVersion
from roi.texts import SCENARIO_NAMES

# The fields of a line that a change is listed for, in the order a reader expects them.
LINE_FIELDS = ("label", "amount", "quantity", "recurrence", "start_month", "end_month",
               "ramp_up_months", "confidence", "margin", "assumption")
GAIN_ONLY = ("ramp_up_months", "confidence", "margin")
_DECIMALS = ("amount", "quantity", "confidence", "margin")
_INTEGERS = ("start_month", "end_month", "ramp_up_months")

FIELD_NAMES = {
    "label": gettext_lazy("libellé"), "amount": gettext_lazy("montant unitaire"),
    "quantity": gettext_lazy("quantité"), "recurrence": gettext_lazy("récurrence"),
    "start_month": gettext_lazy("mois de début"), "end_month": gettext_lazy("mois de fin"),
    "ramp_up_months": gettext_lazy("montée en charge"), "confidence": gettext_lazy("confiance"),
    "margin": gettext_lazy("marge"), "assumption": gettext_lazy("hypothèse"),
}
SETTING_NAMES = {
    "name": gettext_lazy("nom du projet"), "horizon_months": gettext_lazy("horizon"),
    "discount_rate": gettext_lazy("taux d’actualisation"), "currency": gettext_lazy("devise"),
    "scenarios": gettext_lazy("scénarios"),
    "qualitative_benefits": gettext_lazy("bénéfices qualitatifs"),
    "kpis": gettext_lazy("indicateurs"),
}


def line_snapshot(line: LineItem) -> dict:
    """A line as a version records it (to list later changes), JSON-ready."""
    return {
        "id": line.pk, "kind": line.kind, "category": line.category, "label": line.label,
        "amount": str(line.amount), "quantity": str(line.quantity),
        "recurrence": line.recurrence, "start_month": line.start_month,
        "end_month": line.end_month, "ramp_up_months": line.ramp_up_months,
        "confidence": str(line.confidence),
        "margin": None if line.margin is None else str(line.margin),
        "assumption": line.assumption,
    }


def _typed(name: str, raw: Any) -> Any:
    """A snapshot's value as a value: decimals and months as numbers, texts as texts."""
    if raw is None or raw == "":
        return None if name in (*_DECIMALS, *_INTEGERS) else (raw or "")
    if name in _DECIMALS:
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return raw
    if name in _INTEGERS:
        return int(raw)
    return str(raw)


@dataclass(frozen=True)
class FieldChange:
    name: str  # one of LINE_FIELDS
    before: Any  # typed values (Decimal, int, str or None)
    after: Any


@dataclass
class LineChange:
    before: dict | None
    after: dict | None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def line(self) -> dict:
        return self.after or self.before

    @property
    def field_names(self) -> list[str]:
        return [change.name for change in self.fields]


@dataclass(frozen=True)
class SettingChange:
    key: str  # one of SETTING_NAMES
    before: Any = None
    after: Any = None


@dataclass
class Changes:
    version: ProjectVersion
    added: list[LineChange]
    removed: list[LineChange]
    changed: list[LineChange]
    roi_before: Decimal | None
    roi_after: Decimal | None
    settings: list[SettingChange] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """Whether anything the dossier shows differs from the version (its inputs; the ROI
        follows from them)."""
        return bool(self.added or self.removed or self.changed or self.settings)

    @property
    def setting_keys(self) -> list[str]:
        return [change.key for change in self.settings]


def line_changes(before: dict, after: dict) -> list[FieldChange]:
    """The fields whose values differ between two snapshots of a line. A field an older
    version did not record is not compared; gain-only fields are not compared on costs."""
    names = [n for n in LINE_FIELDS
             if not (after.get("kind") == LineKind.COST and n in GAIN_ONLY)]
    changes = []
    for name in names:
        if name not in before:
            continue
        old, new = _typed(name, before[name]), _typed(name, after.get(name))
        if old != new:
            changes.append(FieldChange(name, old, new))
    return changes


def _settings(stored: dict, current: Case) -> list[SettingChange]:
    try:
        approved = parse_case(stored)
    except (CaseFormatError, TypeError, ValueError, AttributeError):
        return _settings_of_documents(stored, case_to_dict(current))
    changes = []
    for key in ("name", "horizon_months", "discount_rate", "currency"):
        old, new = getattr(approved, key), getattr(current, key)
        if old != new:
            changes.append(SettingChange(key, old, new))
    old_scenarios = {s.code: (s.gains_factor, s.costs_factor) for s in approved.scenarios}
    new_scenarios = {s.code: (s.gains_factor, s.costs_factor) for s in current.scenarios}
    if old_scenarios != new_scenarios:
        changes.append(SettingChange("scenarios", old_scenarios, new_scenarios))
    if tuple(approved.qualitative_benefits) != tuple(current.qualitative_benefits):
        changes.append(SettingChange("qualitative_benefits", approved.qualitative_benefits,
                                     current.qualitative_benefits))
    # A KPI's actual is its latest measurement, observed after go-live: measuring is not a
    # change to the approved case, only the baseline and target are.
    if _kpi_plan(approved.kpis) != _kpi_plan(current.kpis):
        changes.append(SettingChange("kpis"))
    return changes


def _kpi_plan(kpis) -> dict:
    return {k.code: (k.baseline, k.target) for k in kpis
            if k.baseline is not None or k.target is not None}


def _settings_of_documents(stored: dict, current: dict) -> list[SettingChange]:
    """For a stored case that no longer parses (an older format): its keys compared as
    canonical JSON (sorted keys), so that key order never counts as a change."""
    def canonical(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    return [SettingChange(key) for key in SETTING_NAMES
            if canonical(stored.get(key)) != canonical(current.get(key))]


def changes_since(version: ProjectVersion, project: RoiProject, *, lines: list[LineItem],
                  case: Case | None = None) -> Changes:
    """Lines added, removed and changed since ``version``, the settings that changed, and
    the ROI before → after. ``case``: the project's current case when the caller has it."""
    before = {row["id"]: row for row in version.lines or []}
    # An unplanned line added during tracking (roi.tracking) is no change of the plan.
    after = {line.pk: line_snapshot(line) for line in lines
             if line.planned or line.pk in before}
    added = [LineChange(None, after[i]) for i in after if i not in before]
    removed = [LineChange(before[i], None) for i in before if i not in after]
    changed = []
    for i in after.keys() & before.keys():
        fields = line_changes(before[i], after[i])
        if fields:
            changed.append(LineChange(before[i], after[i], fields))
    if case is None:
        case = project_case(project, lines=lines)
    roi_before = (version.results or {}).get("roi_percent")
    return Changes(
        version, added, removed, sorted(changed, key=lambda c: c.line["label"]),
        None if roi_before is None else Decimal(roi_before), project.roi_percent,
        _settings(version.case or {}, case),
    )


def changes_since_approval(project: RoiProject, *, lines: list[LineItem],
                           case: Case | None = None) -> Changes | None:
    """Compare the current project with its last approved version (None before any)."""
    version = project.versions.defer("pdf").order_by("-number").first()
    return None if version is None else changes_since(version, project, lines=lines, case=case)


# --- in words -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    """One listed change as a person reads it: what, before, after."""

    status: str  # added | removed | changed | setting
    label: str  # the line's label, or the setting's name
    kind: str = ""  # cost | gain, for lines
    details: tuple[tuple[str, str, str], ...] = ()  # (field, before, after)


def _recurrence(code) -> str:
    return str(dict(RECURRENCE_CHOICES).get(code, code or ""))


def _month(value) -> str:
    return _("fin de l’horizon") if value is None else _("M%(m)s") % {"m": value}


def field_text(name: str, value, fmt: Formatter) -> str:
    """A line's field value in words: ``18 000,00 €``, ``80 %``, ``M3``, ``Annuel``."""
    if name == "amount":
        return fmt.money(value)
    if name == "quantity":
        return fmt.number(value, 2)
    if name in ("confidence", "margin"):
        return _("sans marge") if value is None else fmt.percent(Decimal(value) * 100, 0)
    if name in ("start_month", "end_month"):
        return _month(value)
    if name == "ramp_up_months":
        return _("%(n)s mois") % {"n": value or 0}
    if name == "recurrence":
        return _recurrence(value)
    text = " ".join(str(value or "").split())
    if not text:
        return "—"
    return text if len(text) <= 80 else text[:79] + "…"


def _line_summary(row: dict, fmt: Formatter) -> str:
    amount = fmt.money(_typed("amount", row.get("amount")))
    quantity = _typed("quantity", row.get("quantity"))
    if quantity is not None and quantity != 1:
        amount = f"{amount} × {fmt.number(quantity, 2)}"
    return f"{amount} · {_recurrence(row.get('recurrence'))}"


def _setting_text(change: SettingChange, fmt: Formatter) -> tuple[str, str]:
    key, old, new = change.key, change.before, change.after
    if key == "horizon_months" and old is not None:
        return _("%(n)s mois") % {"n": old}, _("%(n)s mois") % {"n": new}
    if key == "discount_rate" and old is not None:
        return fmt.rate(old), fmt.rate(new)
    if key in ("name", "currency") and old is not None:
        return str(old), str(new)
    if key == "scenarios" and old is not None:
        def words(scenarios: dict) -> str:
            return " · ".join(
                _("%(name)s : gains %(g)s, coûts %(c)s") % {
                    "name": SCENARIO_NAMES.get(code, code),
                    "g": fmt.percent(Decimal(g) * 100, 0), "c": fmt.percent(Decimal(c) * 100, 0)}
                for code, (g, c) in scenarios.items() if code != "expected")
        return words(old), words(new)
    if key == "qualitative_benefits" and old is not None:
        return str(len(old)), str(len(new))
    return "", ""


def change_rows(changes: Changes, fmt: Formatter) -> list[ChangeRow]:
    """Every change in words, settings first, then lines added, removed and changed."""
    rows = []
    for change in changes.settings:
        before, after = _setting_text(change, fmt)
        details = ((str(SETTING_NAMES[change.key]), before, after),) if before or after else ()
        rows.append(ChangeRow("setting", str(SETTING_NAMES[change.key]), details=details))
    for status, items in (("added", changes.added), ("removed", changes.removed)):
        for item in items:
            summary = _line_summary(item.line, fmt)
            rows.append(ChangeRow(status, item.line["label"], item.line.get("kind", ""), (
                (str(FIELD_NAMES["amount"]), "—" if status == "added" else summary,
                 summary if status == "added" else "—"),)))
    for item in changes.changed:
        rows.append(ChangeRow("changed", item.line["label"], item.line.get("kind", ""), tuple(
            (str(FIELD_NAMES[f.name]), field_text(f.name, f.before, fmt),
             field_text(f.name, f.after, fmt))
            for f in item.fields)))
    return rows
