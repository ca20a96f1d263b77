"""Tracking forms: start tracking, the last closed month, the actuals grid (one field per
cell, typed the French way), an unplanned line, a review with its actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.calculation import COST_CATEGORIES, GAIN_CATEGORIES, limits
from roi.fields import LocalizedDecimalField, TextField, WholeNumberField
from roi.formats import localized_input
from roi.projects.models import LineKind
from roi.tracking.models import ReviewDecision
from roi.tracking.selectors import Grid
from roi.tracking.services import ActionInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACTION_ROWS = 3


class TrackingStartForm(forms.Form):
    go_live_date = forms.DateField(label=_("Date de mise en service"), widget=DATE_WIDGET)
    as_of_month = WholeNumberField(
        label=_("Dernier mois clos"), min_value=0,
        help_text=_("Les mois 1 à N du plan sont clos : leurs réels peuvent être saisis."))

    def __init__(self, *args, horizon_months: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of_month"].maximum = horizon_months
        self.fields["as_of_month"].widget.attrs["max"] = horizon_months


class MonthForm(forms.Form):
    as_of_month = WholeNumberField(label=_("Dernier mois clos"), min_value=0)

    def __init__(self, *args, horizon_months: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of_month"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["as_of_month"].maximum = horizon_months
        self.fields["as_of_month"].widget.attrs["max"] = horizon_months


def cell_name(line_id: int, month: int) -> str:
    return f"a-{line_id}-{month}"


class GridForm:
    """The whole grid in one POST: each cell ``a-<line>-<month>`` is a localized amount
    (``1 234,56``), empty for no actual. Bad cells keep what was typed and get a French
    message; nothing is saved until every cell is right."""

    def __init__(self, grid: Grid, data=None):
        self.grid, self.data = grid, data
        self.field = LocalizedDecimalField(min_value=Decimal(0), max_value=limits.MAX_ACTUAL,
                                           decimal_places=2, required=False)
        self.values: dict[tuple[int, int], Decimal | None] = {}
        self.errors = 0
        for line in grid.lines:
            for cell in line.cells:
                cell.text = localized_input(cell.amount) if cell.amount is not None else ""

    def is_valid(self) -> bool:
        if self.data is None:
            return False
        for line in self.grid.lines:
            for cell in line.cells:
                name = cell_name(line.line.pk, cell.month)
                if name not in self.data:
                    continue  # a partial post (one column): the other cells stay as they are
                raw = self.data.get(name, "")
                cell.text = self.field.bound_data(raw, None) if isinstance(raw, str) else ""
                try:
                    value = self.field.clean(raw)
                except forms.ValidationError as error:
                    cell.error = " ".join(str(m) for m in error.messages)
                    self.errors += 1
                    continue
                self.values[(line.line.pk, cell.month)] = value
        return self.errors == 0


def post_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(str(LineKind.COST.label), [(f"cost:{c}", c) for c in COST_CATEGORIES]),
            (str(LineKind.GAIN.label), [(f"gain:{c}", c) for c in GAIN_CATEGORIES])]


class UnplannedLineForm(forms.Form):
    post = forms.ChoiceField(label=_("Poste"))
    label = TextField(label=_("Libellé"), max_length=limits.MAX_LABEL_LENGTH)

    def __init__(self, *args, post_titles: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [
            (group, [(value, post_titles.get(code, code)) for value, code in options])
            for group, options in post_choices()
        ]
        self.fields["post"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["label"].widget.attrs["class"] = "form-control form-control-sm" + (
            " is-invalid" if self.is_bound and "label" in self.errors else "")

    @property
    def kind_and_category(self) -> tuple[str, str]:
        kind, category = self.cleaned_data["post"].split(":", 1)
        return kind, category


class ReviewForm(forms.Form):
    months_after_go_live = forms.TypedChoiceField(label=_("Jalon"), coerce=int)
    held_on = forms.DateField(label=_("Date de la revue"), widget=DATE_WIDGET)
    decision = forms.ChoiceField(label=_("Décision"), choices=ReviewDecision.choices,
                                 widget=forms.RadioSelect)
    comment = TextField(label=_("Commentaire"), single_line=False, max_length=4000,
                        widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, milestones, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months_after_go_live"].choices = [
            (m.months, _("%(n)s mois (prévue le %(d)s)") % {
                "n": m.months, "d": m.due_date.strftime("%d/%m/%Y")})
            for m in milestones if m.review is None
        ]
        self.members = {str(m.pk): m for m in members}
        owner_choices = [("", "—"), *((str(m.pk), m.user.get_full_name() or m.user.email)
                                      for m in members)]
        for i in range(ACTION_ROWS):
            self.fields[f"action_{i}_description"] = TextField(
                label=_("Action %(n)s") % {"n": i + 1}, required=False, max_length=500)
            self.fields[f"action_{i}_owner"] = forms.ChoiceField(
                label=_("Responsable de l’action %(n)s") % {"n": i + 1}, required=False,
                choices=owner_choices)
            self.fields[f"action_{i}_due_date"] = forms.DateField(
                label=_("Échéance de l’action %(n)s") % {"n": i + 1}, required=False,
                widget=DATE_WIDGET)

    def action_rows(self):
        return [(self[f"action_{i}_description"], self[f"action_{i}_owner"],
                 self[f"action_{i}_due_date"]) for i in range(ACTION_ROWS)]

    def clean(self):
        data = super().clean()
        actions = []
        for i in range(ACTION_ROWS):
            description = (data.get(f"action_{i}_description") or "").strip()
            owner = self.members.get(data.get(f"action_{i}_owner") or "")
            if not description:
                continue
            if owner is None:
                self.add_error(f"action_{i}_owner",
                               _("Choisissez le responsable de cette action."))
            actions.append(ActionInput(description, owner, data.get(f"action_{i}_due_date")))
        if data.get("decision") == ReviewDecision.CORRECTIVE and not actions:
            self.add_error("action_0_description",
                           _("Des actions correctives demandent au moins une action."))
        held_on = data.get("held_on")
        if held_on and held_on > datetime.date.today() + datetime.timedelta(days=1):
            self.add_error("held_on", _("La date de la revue ne peut pas être dans le futur."))
        data["actions"] = actions
        return data

