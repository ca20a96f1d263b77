"""Forms of the options domain: a new decision, an option added or started from a project's
lines, the CFO's choice. Only the client's own live projects are offered."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.calculation.comparison import MAX_OPTIONS
from roi.fields import TextField
from roi.projects.models import RoiProject


def _projects(client) -> forms.ModelChoiceField:
    return RoiProject.objects.filter(client=client, deleted_at__isnull=True).order_by("name")


class DecisionForm(forms.Form):
    name = TextField(label=_("Nom de la décision"), max_length=200,
                     help_text=_("Par exemple « Choix du CRM 2027 »."))
    reference = forms.ModelChoiceField(
        label=_("Option de référence"), queryset=RoiProject.objects.none(),
        help_text=_("Le point de comparaison, souvent « garder l’outil actuel »."))
    others = forms.ModelMultipleChoiceField(
        label=_("Options comparées"), queryset=RoiProject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De 1 à 3 autres projets de ce client."))

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].queryset = _projects(client)
        self.fields["others"].queryset = _projects(client)

    def clean(self):
        data = super().clean()
        reference, others = data.get("reference"), list(data.get("others") or [])
        if reference is not None and reference in others:
            self.add_error("others", _("La référence est déjà une option : ne la cochez pas "
                                       "une seconde fois."))
        elif others and not 1 <= len(others) <= MAX_OPTIONS - 1:
            self.add_error("others", _("Choisissez de 1 à %(n)s autres options.")
                           % {"n": MAX_OPTIONS - 1})
        return data

    def projects(self) -> list[RoiProject]:
        return [self.cleaned_data["reference"], *self.cleaned_data["others"]]


class AddOptionForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Projet à ajouter"),
                                     queryset=RoiProject.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = candidates


class NewOptionForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Partir des lignes de"), queryset=RoiProject.objects.none(),
        help_text=_("Les lignes, hypothèses, réponses de la checklist, bénéfices et "
                    "indicateurs sont copiés dans un nouveau brouillon, que vous adaptez "
                    "ensuite à la nouvelle solution."))
    name = TextField(label=_("Nom de la nouvelle option"), max_length=200)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = _projects(client)


class ChooseForm(forms.Form):
    option = forms.IntegerField(widget=forms.HiddenInput)
    comment = TextField(label=_("Commentaire d’approbation"), required=False, max_length=4000,
                        single_line=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_incomplete = forms.BooleanField(required=False, widget=forms.HiddenInput)
