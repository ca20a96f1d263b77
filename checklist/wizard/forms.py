"""Wizard forms: French number input everywhere, field-level messages, values kept."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.calculation import limits
from roi.fields import TEXT_MESSAGES, LocalizedDecimalField, PercentField, formfield_for
from roi.formats import currency_symbol
from roi.projects.forms import STALE_FORM, ProjectForm
from roi.projects.models import LineItem
from roi.text_input import clean_single_line, has_control_characters, has_line_break


def _factor(label) -> PercentField:
    # A scenario's factor is > 0 and at most 10 (1 000 %), as the interchange format says.
    return PercentField(label=label, greater_than=Decimal(0), max_value=Decimal(1000),
                        decimal_places=4)


class ContextForm(ProjectForm):
    conservative_gains_factor = _factor(_("Prudent : gains retenus (%)"))
    conservative_costs_factor = _factor(_("Prudent : coûts retenus (%)"))
    optimistic_gains_factor = _factor(_("Optimiste : gains retenus (%)"))
    optimistic_costs_factor = _factor(_("Optimiste : coûts retenus (%)"))

    class Meta(ProjectForm.Meta):
        fields = [*ProjectForm.Meta.fields, "conservative_gains_factor",
                  "conservative_costs_factor", "optimistic_gains_factor",
                  "optimistic_costs_factor"]

    SCENARIO_FIELDS = ("conservative_gains_factor", "conservative_costs_factor",
                       "optimistic_gains_factor", "optimistic_costs_factor")


class LineItemForm(forms.ModelForm):
    """One cost or gain line. The post (and so cost or gain) comes from the URL."""

    amount = LocalizedDecimalField(
        label=_("Montant unitaire"), min_value=Decimal(0), max_value=limits.MAX_AMOUNT,
        decimal_places=6,
        help_text=_("Par unité (par utilisateur, par jour…) ; 12 000,50 ou 12000.50."))
    quantity = LocalizedDecimalField(
        label=_("Quantité"), greater_than=Decimal(0), max_value=limits.MAX_QUANTITY,
        decimal_places=6, initial=Decimal(1), help_text=_("Nombre d’utilisateurs, de jours…"))
    confidence = PercentField(
        label=_("Confiance (%)"), greater_than=Decimal(0), max_value=Decimal(100),
        decimal_places=4, initial=Decimal(1), required=False,
        help_text=_("Probabilité que ce gain se réalise : 100 % = certain."))
    margin = PercentField(
        label=_("Marge appliquée (%)"), greater_than=Decimal(0), max_value=Decimal(100),
        decimal_places=4, required=False,
        help_text=_("Pour un gain exprimé en chiffre d’affaires : la marge le convertit en "
                    "profit. Laissez vide si le montant est déjà un profit ou une économie."))
    # Optimistic locking of an edited line: required, so that a client that leaves it out
    # cannot silently overwrite someone else's change.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LineItem
        formfield_callback = formfield_for
        fields = ["label", "amount", "quantity", "recurrence", "start_month", "end_month",
                  "ramp_up_months", "confidence", "margin", "assumption"]
        widgets = {
            "assumption": forms.Textarea(attrs={"rows": 2}),
            "start_month": forms.NumberInput(attrs={"min": 1}),
            "end_month": forms.NumberInput(attrs={"min": 1}),
            "ramp_up_months": forms.NumberInput(attrs={"min": 0}),
        }
        labels = {"assumption": _("Hypothèse : comment ce chiffre a été obtenu, par qui, "
                                  "quelle source")}
        help_texts = {
            "end_month": _("Vide : jusqu’à la fin de l’horizon."),
            "ramp_up_months": _("Le gain monte progressivement sur ces mois (0 = plein effet "
                                "immédiat)."),
        }

    GAIN_ONLY = ("ramp_up_months", "confidence", "margin")

    def __init__(self, *args, kind: str, category: str, subitem=None,
                 horizon_months: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        self.instance.category = category
        if subitem is not None and self.instance.subitem_id is None:
            self.instance.subitem = subitem
        self.kind = kind
        self.horizon_months = horizon_months
        if kind == "cost":
            for name in self.GAIN_ONLY:
                del self.fields[name]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        elif subitem is not None:
            self.fields["recurrence"].initial = subitem.default_recurrence
            self.fields["label"].initial = subitem.title
        self.fields["label"].widget.attrs["autocomplete"] = "off"
        # Empty means the usual default (month 1, no ramp-up) rather than an error.
        self.fields["start_month"].required = False
        if "ramp_up_months" in self.fields:
            self.fields["ramp_up_months"].required = False

    @property
    def beyond_horizon(self) -> bool:
        """The start month was refused for lying after the horizon (the form offers to
        lengthen it)."""
        return self.has_error("start_month", code="beyond_horizon")

    def clean_ramp_up_months(self):
        return self.cleaned_data.get("ramp_up_months") or 0

    def clean_start_month(self):
        month = self.cleaned_data.get("start_month") or 1
        horizon = self.horizon_months
        # A line stored that way already (imported, or the horizon shortened since) may keep
        # its month: only a month typed now is refused.
        unchanged = self.instance.pk is not None and month == self.instance.start_month
        if horizon is not None and month > horizon and not unchanged:
            raise forms.ValidationError(
                _("Le mois %(month)s est après l’horizon du projet (%(horizon)s mois) : "
                  "cette ligne n’y compterait pour rien. Choisissez un mois de 1 à "
                  "%(horizon)s, ou allongez l’horizon du projet."),
                code="beyond_horizon", params={"month": month, "horizon": horizon})
        return month

    def clean_confidence(self):
        value = self.cleaned_data.get("confidence")
        return Decimal(1) if value is None else value

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") is None:
            self.add_error(None, STALE_FORM)
        return cleaned


class BenefitsForm(forms.Form):
    """Free list of qualitative benefits: one input per benefit."""

    MAX_LENGTH = 500

    def __init__(self, *args, texts: list[str] | None = None, **kwargs):
        self.texts = texts or []
        super().__init__(*args, **kwargs)

    def typed(self) -> list[str]:
        """The benefits as posted, cleaned as :class:`roi.fields.TextField` shows them back."""
        return [clean_single_line(t) for t in self.data.getlist("benefit")] if self.data else []

    def clean(self):
        posted = self.data.getlist("benefit") if self.data else []
        texts = [t.strip() for t in self.typed() if t.strip()]
        if any(has_control_characters(t) for t in posted):
            raise forms.ValidationError(TEXT_MESSAGES["control"], code="control")
        if any(has_line_break(t) for t in posted):
            raise forms.ValidationError(TEXT_MESSAGES["line_break"], code="line_break")
        too_long = [t for t in texts if len(t) > self.MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Un bénéfice fait au plus %(limit)s caractères (l’un en fait %(count)s)."),
                code="max_length",
                params={"limit": self.MAX_LENGTH, "count": max(len(t) for t in too_long)})
        self.cleaned_data["texts"] = list(dict.fromkeys(texts))
        return self.cleaned_data


class KpiForm(forms.Form):
    """Baseline and target for each KPI of the catalogue (the values measured after go-live
    are dated measurements, entered on the KPI follow-up page)."""

    COLUMNS = ("baseline", "target")

    def __init__(self, *args, definitions, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = list(definitions)
        values = {entry.code: entry for entry in entries}
        for definition in self.definitions:
            entry = values.get(definition.code)
            for column in self.COLUMNS:
                self.fields[f"{definition.code}-{column}"] = LocalizedDecimalField(
                    label=f"{definition.name} ({column})", required=False,
                    max_value=limits.MAX_AMOUNT, min_value=-limits.MAX_AMOUNT, decimal_places=6,
                    initial=getattr(entry, column) if entry else None,
                )

    def rows(self):
        for definition in self.definitions:
            yield definition, [self[f"{definition.code}-{column}"] for column in self.COLUMNS]

    def values(self) -> dict[str, dict]:
        return {
            d.code: {c: self.cleaned_data.get(f"{d.code}-{c}") for c in self.COLUMNS}
            for d in self.definitions
        }


def _number(label, *, minimum=Decimal(0), maximum=limits.MAX_QUANTITY, **kwargs):
    return LocalizedDecimalField(label=label, min_value=minimum, max_value=maximum,
                                 decimal_places=6, **kwargs)


def _rate(label, **kwargs):
    return PercentField(label=label, max_value=Decimal(100), decimal_places=4, **kwargs)


class QuantifyForm(forms.Form):
    """A quantification helper's inputs. Labels with ``%(currency)s`` name the project's
    currency (``Coût horaire chargé ($/h)`` in a USD project)."""

    def __init__(self, *args, currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        symbol = currency_symbol(currency)
        for field in self.fields.values():
            if "%(currency)s" in str(field.label):
                field.label = str(field.label) % {"currency": symbol}


class TimeSavedForm(QuantifyForm):
    hours_per_week = _number(_("Heures gagnées par semaine et par personne"),
                             maximum=Decimal(80))
    people = _number(_("Nombre de personnes concernées"))
    loaded_hourly_cost = _number(_("Coût horaire chargé (%(currency)s/h)"),
                                 maximum=Decimal(10000))
    working_weeks = _number(_("Semaines travaillées par an"), minimum=Decimal(1),
                            maximum=Decimal(52), initial=Decimal(45))


class ConversionUpliftForm(QuantifyForm):
    opportunities_per_year = _number(_("Opportunités traitées par an"))
    uplift_rate = _rate(_("Hausse du taux de conversion (points de %)"), min_value=Decimal(0))
    average_deal = _number(_("Montant moyen d’une affaire (%(currency)s)"),
                           maximum=limits.MAX_AMOUNT)
    margin_rate = _rate(_("Taux de marge (%)"), greater_than=Decimal(0))


class ChurnReductionForm(QuantifyForm):
    customers = _number(_("Nombre de clients"))
    churn_drop_rate = _rate(_("Baisse du taux d’attrition (points de %)"), min_value=Decimal(0))
    annual_revenue_per_customer = _number(
        _("Chiffre d’affaires annuel par client (%(currency)s)"), maximum=limits.MAX_AMOUNT)
    margin_rate = _rate(_("Taux de marge (%)"), greater_than=Decimal(0))


class AcquisitionCostForm(QuantifyForm):
    new_customers_per_year = _number(_("Nouveaux clients par an"))
    cac_drop = _number(_("Baisse du coût d’acquisition par client (%(currency)s)"),
                       maximum=limits.MAX_AMOUNT)


QUANTIFY_FORMS = {
    "time_saved": (TimeSavedForm, _("Temps gagné")),
    "conversion_uplift": (ConversionUpliftForm, _("Hausse de la conversion")),
    "churn_reduction": (ChurnReductionForm, _("Baisse de l’attrition")),
    "acquisition_cost_reduction": (AcquisitionCostForm, _("Baisse du coût d’acquisition")),
}
