"""Wizard forms: French number input everywhere, field-level messages, values kept."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.calculation import limits
from roi.fields import LocalizedDecimalField, PercentField
from roi.projects.forms import ProjectForm
from roi.projects.models import LineItem


class ContextForm(ProjectForm):
    conservative_gains_factor = PercentField(
        label=_("Prudent : gains retenus (%)"), min_value=Decimal(0), max_value=Decimal(1000))
    conservative_costs_factor = PercentField(
        label=_("Prudent : coûts retenus (%)"), min_value=Decimal(0), max_value=Decimal(1000))
    optimistic_gains_factor = PercentField(
        label=_("Optimiste : gains retenus (%)"), min_value=Decimal(0), max_value=Decimal(1000))
    optimistic_costs_factor = PercentField(
        label=_("Optimiste : coûts retenus (%)"), min_value=Decimal(0), max_value=Decimal(1000))

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
        help_text=_("Par unité (par utilisateur, par jour…) ; 12 000,50 ou 12000.50."))
    quantity = LocalizedDecimalField(
        label=_("Quantité"), min_value=Decimal("0.000001"), max_value=limits.MAX_QUANTITY,
        initial=Decimal(1), help_text=_("Nombre d’utilisateurs, de jours…"))
    confidence = PercentField(
        label=_("Confiance (%)"), min_value=Decimal("0.0001"), max_value=Decimal(100),
        initial=Decimal(1), required=False,
        help_text=_("Probabilité que ce gain se réalise : 100 % = certain."))
    margin = PercentField(
        label=_("Marge appliquée (%)"), min_value=Decimal("0.0001"), max_value=Decimal(100),
        required=False,
        help_text=_("Pour un gain exprimé en chiffre d’affaires : la marge le convertit en "
                    "profit. Laissez vide si le montant est déjà un profit ou une économie."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LineItem
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

    def __init__(self, *args, kind: str, category: str, subitem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        self.instance.category = category
        if subitem is not None and self.instance.subitem_id is None:
            self.instance.subitem = subitem
        self.kind = kind
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

    def clean_ramp_up_months(self):
        return self.cleaned_data.get("ramp_up_months") or 0

    def clean_start_month(self):
        return self.cleaned_data.get("start_month") or 1

    def clean_confidence(self):
        value = self.cleaned_data.get("confidence")
        return Decimal(1) if value is None else value


class BenefitsForm(forms.Form):
    """Free list of qualitative benefits: one input per benefit."""

    def __init__(self, *args, texts: list[str] | None = None, **kwargs):
        self.texts = texts or []
        super().__init__(*args, **kwargs)

    def clean(self):
        texts = [t.strip() for t in self.data.getlist("benefit") if t.strip()] if self.data else []
        too_long = [t for t in texts if len(t) > 500]
        if too_long:
            raise forms.ValidationError(_("Un bénéfice fait au plus 500 caractères."))
        self.cleaned_data["texts"] = list(dict.fromkeys(texts))
        return self.cleaned_data


class KpiForm(forms.Form):
    """Baseline, target and actual for each KPI of the catalogue."""

    COLUMNS = ("baseline", "target", "actual")

    def __init__(self, *args, definitions, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = list(definitions)
        values = {entry.code: entry for entry in entries}
        for definition in self.definitions:
            entry = values.get(definition.code)
            for column in self.COLUMNS:
                self.fields[f"{definition.code}-{column}"] = LocalizedDecimalField(
                    label=f"{definition.name} ({column})", required=False,
                    max_value=limits.MAX_AMOUNT, min_value=-limits.MAX_AMOUNT,
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


class TimeSavedForm(forms.Form):
    hours_per_week = LocalizedDecimalField(label=_("Heures gagnées par semaine et par personne"),
                                           min_value=Decimal(0), max_value=Decimal(80))
    people = LocalizedDecimalField(label=_("Nombre de personnes concernées"),
                                   min_value=Decimal(0), max_value=limits.MAX_QUANTITY)
    loaded_hourly_cost = LocalizedDecimalField(label=_("Coût horaire chargé (€/h)"),
                                               min_value=Decimal(0), max_value=Decimal(10000))
    working_weeks = LocalizedDecimalField(label=_("Semaines travaillées par an"),
                                          min_value=Decimal(1), max_value=Decimal(52),
                                          initial=Decimal(45))


class ConversionUpliftForm(forms.Form):
    opportunities_per_year = LocalizedDecimalField(label=_("Opportunités traitées par an"),
                                                   min_value=Decimal(0),
                                                   max_value=limits.MAX_QUANTITY)
    uplift_rate = PercentField(label=_("Hausse du taux de conversion (points de %)"),
                               min_value=Decimal(0), max_value=Decimal(100))
    average_deal = LocalizedDecimalField(label=_("Montant moyen d’une affaire (€)"),
                                         min_value=Decimal(0), max_value=limits.MAX_AMOUNT)
    margin_rate = PercentField(label=_("Taux de marge (%)"), min_value=Decimal("0.01"),
                               max_value=Decimal(100))


class ChurnReductionForm(forms.Form):
    customers = LocalizedDecimalField(label=_("Nombre de clients"), min_value=Decimal(0),
                                      max_value=limits.MAX_QUANTITY)
    churn_drop_rate = PercentField(label=_("Baisse du taux d’attrition (points de %)"),
                                   min_value=Decimal(0), max_value=Decimal(100))
    annual_revenue_per_customer = LocalizedDecimalField(
        label=_("Chiffre d’affaires annuel par client (€)"), min_value=Decimal(0),
        max_value=limits.MAX_AMOUNT)
    margin_rate = PercentField(label=_("Taux de marge (%)"), min_value=Decimal("0.01"),
                               max_value=Decimal(100))


class AcquisitionCostForm(forms.Form):
    new_customers_per_year = LocalizedDecimalField(label=_("Nouveaux clients par an"),
                                                   min_value=Decimal(0),
                                                   max_value=limits.MAX_QUANTITY)
    cac_drop = LocalizedDecimalField(label=_("Baisse du coût d’acquisition par client (€)"),
                                     min_value=Decimal(0), max_value=limits.MAX_AMOUNT)


QUANTIFY_FORMS = {
    "time_saved": (TimeSavedForm, _("Temps gagné")),
    "conversion_uplift": (ConversionUpliftForm, _("Hausse de la conversion")),
    "churn_reduction": (ChurnReductionForm, _("Baisse de l’attrition")),
    "acquisition_cost_reduction": (AcquisitionCostForm, _("Baisse du coût d’acquisition")),
}
