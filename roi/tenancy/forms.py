"""Forms of the tenancy domain: client workspaces, invitations and their acceptance."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from roi.fields import TextField, formfield_for
from roi.tenancy.models import Client, Role


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        formfield_callback = formfield_for
        fields = ["name", "sector", "headcount"]


class InvitationForm(forms.Form):
    # The account is named by its email: no longer than a username may be (150 characters).
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=get_user_model()._meta.get_field("username").max_length)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.SALES_DIRECTOR)


class AcceptInvitationForm(forms.Form):
    first_name = TextField(label=_("Prénom"), max_length=150, required=False)
    last_name = TextField(label=_("Nom"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            probe = get_user_model()(
                username=self.email, email=self.email,
                first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
