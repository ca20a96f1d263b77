from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from roi.formats import format_input, parse_decimal
from roi.models import Client, RoiProject, Role


def refresh_hidden(form, name: str, value: int) -> None:
    """Put the current version number in a bound form's hidden field (after a conflict)."""
    form.data = form.data.copy()
    form.data[name] = str(value)


def localized_input(value: Decimal) -> str:
    """A value shown back in an input: ``12000,5`` in French, ``12000.5`` in English."""
    text = format_input(value)
    return text.replace(".", ",") if (get_language() or "fr")[:2] == "fr" else text


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


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "sector", "headcount"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.SALES_DIRECTOR)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
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
            from django.contrib.auth import get_user_model

            probe = get_user_model()(
                username=self.email, email=self.email,
                first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProjectForm(forms.ModelForm):
    discount_rate = PercentField(
        label=_("Taux d’actualisation annuel (%)"), min_value=Decimal("0"),
        max_value=Decimal("100"),
        help_text=_("Le coût du capital de l’entreprise, par exemple 8 %."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RoiProject
        fields = [
            "name", "crm_solution", "users_count", "start_date", "horizon_months",
            "currency", "discount_rate", "language",
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "horizon_months": _("Durée d’analyse : 12, 24 ou 36 mois sont les plus courantes."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision

    def update_project(self, *, user) -> bool:
        """Save through the service; False when someone else saved first.

        Then the form carries the error, the user's input and the *current* revision, so that
        saving again (once they have checked) goes through knowingly.
        """
        from roi.services import StaleRevision, project_update

        data = {k: v for k, v in self.cleaned_data.items() if k != "revision"}
        try:
            project_update(project=self.instance, user=user,
                           expected_revision=self.cleaned_data.get("revision"), **data)
        except StaleRevision as error:
            self.add_error(None, str(error))
            self.instance.refresh_from_db(fields=["revision"])
            refresh_hidden(self, "revision", self.instance.revision)
            return False
        return True


class DuplicateForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client de destination"), queryset=Client.objects.none(),
                                    empty_label=None)
    name = forms.CharField(label=_("Nom du nouveau projet"), max_length=200)

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the clients where the user may create projects: a forged id is refused.
        self.fields["client"].queryset = Client.objects.filter(pk__in=[c.pk for c in clients])


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label=_("Fichier roi-case/1 (JSON)"))
    name = forms.CharField(label=_("Nom du projet (facultatif)"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo."))
        return upload
