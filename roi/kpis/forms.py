"""The form of one KPI measurement: date, value in the KPI's unit, note."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roi.calculation import limits
from roi.fields import LocalizedDecimalField, TextField

# A measurement more than this far in the past or future is a typing mistake (year 2206).
MAX_YEARS_AWAY = 20


class MeasurementForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    date = forms.DateField(label=_("Date de la mesure"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    value = LocalizedDecimalField(label=_("Valeur"), min_value=-limits.MAX_AMOUNT,
                                  max_value=limits.MAX_AMOUNT, decimal_places=6)
    note = TextField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, codes: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = codes

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code not in self.codes:
            raise forms.ValidationError(_("Indicateur inconnu."))
        return code

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        today = timezone.localdate()
        if abs((date - today).days) > MAX_YEARS_AWAY * 366:
            raise forms.ValidationError(
                _("Saisissez une date à moins de %(years)s ans d’aujourd’hui."),
                params={"years": MAX_YEARS_AWAY})
        return date
