from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailLoginForm(AuthenticationForm):
    """Accounts are named by their email address; say so on the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Adresse e-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "autofocus": True})

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()
