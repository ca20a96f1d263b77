"""The register's form: where an assumption comes from and who answers for it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.fields import TextField


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership) -> str:
        user = membership.user
        name = user.get_full_name() or user.email
        return f"{name} ({membership.get_role_display()})"


class AssumptionForm(forms.Form):
    source = TextField(label=_("Source"), required=False, max_length=300,
                       help_text=_("Devis, tarif éditeur, mesure interne, étude…"))
    owner = OwnerChoiceField(label=_("Responsable"), queryset=None, required=False,
                             empty_label=_("— personne —"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
