"""The register's form: where an assumption comes from and who answers for it."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.fields import PercentField, TextField


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

    confidence = PercentField(
        label=_("Confiance de l’estimation (%)"), required=False, min_value=Decimal(0),
        max_value=Decimal(100), decimal_places=2,
        help_text=_("Un coût n’est pas ajusté du risque dans les chiffres : dites ici à quel "
                    "point son estimation est sûre (un devis signé : 100 %, une fourchette "
                    "d’éditeur : 70 %). L’exposition du registre en dépend."))

    def __init__(self, *args, owners, cost: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if not cost:  # a gain's confidence is the line's, set in the checklist
            del self.fields["confidence"]
