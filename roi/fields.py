"""Form fields for numbers typed the way people type them (``12 000,50``, ``8 %``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.formats import localized_input, parse_decimal


def refresh_hidden(form, name: str, value: int) -> None:
    """Put the current version number in a bound form's hidden field (after a conflict)."""
    form.data = form.data.copy()
    form.data[name] = str(value)


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed the way people type it: ``12 000,50``, ``12000.50``, ``12 000 €``."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(value)
        except ValueError:
            raise forms.ValidationError(
                _("Saisissez un nombre, par exemple 12 000,50."), code="invalid"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return localized_input(value)
        return value

    def validate(self, value):
        forms.Field.validate(self, value)


class PercentField(LocalizedDecimalField):
    """Typed as a percentage (``8`` or ``8 %``), stored as a fraction (``0.08``).

    ``min_value`` / ``max_value`` are in percent, as typed, and checked before the division,
    so that the message speaks the user's unit ("≤ 100").
    """

    def clean(self, value):
        number = super().clean(value)
        return None if number is None else number / 100

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return localized_input(value * 100)
        return value
