"""Form fields for what people type, with one wording for every form of the product.

- Numbers typed the way people type them (``12 000,50``, ``8 %``), their bounds stated in the
  user's language with the limit written the way they read it ("doit être supérieure à 0",
  "Ce nombre est trop grand : 1 000 000 000 000 au maximum").
- Whole numbers (months, users) with the same messages.
- Free text fit to store (:mod:`roi.text_input`): invisible control characters and line breaks
  in a one-line name are refused with a message, and the text is shown back cleaned, so that
  saving again stores what the user sees. No ``maxlength`` attribute: a browser cuts a pasted
  text at it without a word; the form counts the characters and the server says when it is
  too long.

ModelForms take their text and whole-number fields from :func:`formfield_for` (their
``Meta.formfield_callback``), so that a model's bounds get these messages too.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core import validators
from django.db import models
from django.utils.translation import gettext_lazy as _

from roi.formats import (
    NumberTooLarge,
    active_language,
    format_limit,
    localized_input,
    parse_decimal,
)
from roi.text_input import (
    clean_text,
    has_control_characters,
    has_line_break,
    normalise_line_breaks,
)

NUMBER_MESSAGES = {
    "invalid": _("Saisissez un nombre, par exemple 12 000,50."),
    "whole": _("Saisissez un nombre entier, par exemple 12."),
    "greater_than": _("La valeur doit être supérieure à %(limit)s."),
    "min_value": _("La valeur doit être supérieure ou égale à %(limit)s."),
    "max_value": _("Ce nombre est trop grand : %(limit)s au maximum."),
    "places": _("Saisissez au plus %(places)s chiffres après la virgule."),
}


def refresh_hidden(form, name: str, value: int) -> None:
    """Put the current version number in a bound form's hidden field (after a conflict)."""
    form.data = form.data.copy()
    form.data[name] = str(value)


def _limit(value: Decimal | int, unit: str) -> str:
    text = format_limit(value)
    if unit == "%":
        return f"{text}%" if active_language() == "en" else f"{text}\u00a0%"
    return text


def bound_error(value: Decimal | int, *, minimum=None, maximum=None, greater_than=None,
                unit: str = "") -> forms.ValidationError | None:
    """The message for a number outside its bounds (in the unit typed), or None."""
    if greater_than is not None and value <= greater_than:
        code, limit = "greater_than", greater_than
    elif minimum is not None and value < minimum:
        code, limit = "min_value", minimum
    elif maximum is not None and value > maximum:
        code, limit = "max_value", maximum
    else:
        return None
    return forms.ValidationError(NUMBER_MESSAGES[code], code=code,
                                 params={"limit": _limit(limit, unit)})


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed the way people type it: ``12 000,50``, ``12000.50``, ``12 000 €``.

    ``min_value`` / ``max_value`` are inclusive, ``greater_than`` an exclusive minimum (a
    quantity "> 0"); ``decimal_places`` the most digits after the separator (what the database
    keeps). ``unit`` ("%") follows the limit in the messages.
    """

    widget = forms.TextInput

    def __init__(self, *, min_value=None, max_value=None, greater_than=None,
                 decimal_places=None, unit: str = "", **kwargs):
        kwargs.setdefault("localize", False)
        # Django's own bound validators would write the limit the English way (0.0001): the
        # bounds are checked here instead.
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.greater_than = min_value, max_value, greater_than
        self.places = decimal_places
        self.unit = unit
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(value)
        except NumberTooLarge:
            limit = self.maximum if self.maximum is not None else Decimal(10) ** 12
            raise forms.ValidationError(NUMBER_MESSAGES["max_value"], code="max_value",
                                        params={"limit": _limit(limit, self.unit)}) from None
        except ValueError:
            raise forms.ValidationError(NUMBER_MESSAGES["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return localized_input(value)
        return value

    def bound_data(self, data, initial):
        # Shown back as typed, without what a page cannot show (a NUL byte).
        data = super().bound_data(data, initial)
        return clean_text(data, single_line=True) if isinstance(data, str) else data

    def validate(self, value):
        forms.Field.validate(self, value)
        if value is None:
            return
        error = bound_error(value, minimum=self.minimum, maximum=self.maximum,
                            greater_than=self.greater_than, unit=self.unit)
        if error is not None:
            raise error
        if self.places is not None and -value.as_tuple().exponent > self.places:
            raise forms.ValidationError(NUMBER_MESSAGES["places"], code="places",
                                        params={"places": self.places})


class PercentField(LocalizedDecimalField):
    """Typed as a percentage (``8`` or ``8 %``), stored as a fraction (``0.08``).

    The bounds and ``decimal_places`` are in percent, as typed, and checked before the
    division, so that the message speaks the user's unit ("100 % au maximum").
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("unit", "%")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        number = super().clean(value)
        return None if number is None else number / 100

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return localized_input(value * 100)
        return value


class WholeNumberField(forms.IntegerField):
    """A whole number (months, users) with the product's messages and French-written bounds."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = min_value, max_value
        if min_value is not None:
            self.widget.attrs.setdefault("min", min_value)

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text.isdigit() and len(text.lstrip("0")) > 18:
            raise forms.ValidationError(NUMBER_MESSAGES["max_value"], code="max_value",
                                        params={"limit": _limit(self.maximum or 0, "")})
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(NUMBER_MESSAGES["whole"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        error = bound_error(value, minimum=self.minimum, maximum=self.maximum)
        if error is not None:
            raise error


TEXT_MESSAGES = {
    "control": _("Ce texte contenait un caractère invisible non autorisé (caractère de "
                 "contrôle) : il a été retiré. Vérifiez puis enregistrez à nouveau."),
    "line_break": _("Ce champ tient sur une seule ligne : le retour à la ligne a été remplacé "
                    "par une espace. Vérifiez puis enregistrez à nouveau."),
}


class TextField(forms.CharField):
    """Free text: one line (a name, a label) or several (an assumption), see the module."""

    def __init__(self, *, single_line: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.single_line = single_line
        # Control characters (NUL included) get this field's own message, below.
        self.validators = [v for v in self.validators
                           if not isinstance(v, validators.ProhibitNullCharactersValidator)]

    def to_python(self, value):
        text = super().to_python(value)
        if isinstance(text, str):
            # Tabs (a spreadsheet's paste) and the browser's \r\n: normalised without a word.
            text = text.replace("\t", " ") if self.single_line else normalise_line_breaks(text)
        return text

    def validate(self, value):
        super().validate(value)
        if not isinstance(value, str):
            return
        if has_control_characters(value):
            raise forms.ValidationError(TEXT_MESSAGES["control"], code="control")
        if self.single_line and has_line_break(value):
            raise forms.ValidationError(TEXT_MESSAGES["line_break"], code="line_break")

    def bound_data(self, data, initial):
        # Shown back cleaned: saving again stores exactly what the user sees.
        data = super().bound_data(data, initial)
        return clean_text(data, single_line=self.single_line) if isinstance(data, str) else data

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            # The limit for the counter (static/js/fields.js), not for the browser to cut at.
            attrs["data-maxlength"] = attrs.pop("maxlength")
        return attrs


def _model_bounds(model_field) -> tuple:
    minimum = maximum = None
    for validator in model_field.validators:
        limit = validator.limit_value
        if callable(limit):
            continue
        if isinstance(validator, validators.MinValueValidator):
            minimum = limit if minimum is None else max(minimum, limit)
        elif isinstance(validator, validators.MaxValueValidator):
            maximum = limit if maximum is None else min(maximum, limit)
    return minimum, maximum


def formfield_for(model_field, **kwargs):
    """A ModelForm's ``formfield_callback``: the model's text and whole-number fields as
    :class:`TextField` and :class:`WholeNumberField`; anything else as Django makes it."""
    if model_field.choices:
        return model_field.formfield(**kwargs)
    if type(model_field) is models.CharField:
        return model_field.formfield(form_class=TextField, **kwargs)
    if type(model_field) is models.TextField:
        return model_field.formfield(form_class=TextField, single_line=False, **kwargs)
    if isinstance(model_field, models.IntegerField) and not isinstance(
            model_field, models.AutoField | models.BigAutoField | models.SmallAutoField):
        minimum, maximum = _model_bounds(model_field)
        return model_field.formfield(form_class=WholeNumberField, min_value=minimum,
                                     max_value=maximum, **kwargs)
    return model_field.formfield(**kwargs)
