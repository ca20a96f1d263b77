from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from roi.accounts.lockout import MAX_USERNAME_LENGTH


class EmailLoginForm(AuthenticationForm):
    """Accounts are named by their email address; say so on the form.

    Django's login form only writes ``maxlength`` in the page: the server refuses here an
    address longer than an email can be, before anything (django-axes included) sees it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Adresse e-mail")
        field.max_length = MAX_USERNAME_LENGTH
        field.validators.append(MaxLengthValidator(
            MAX_USERNAME_LENGTH,
            message=_("Une adresse e-mail fait au plus %(limit_value)d caractères "
                      "(celle-ci en a %(show_value)d)."),
        ))
        field.widget.attrs.update({"autocomplete": "email", "autofocus": True,
                                   "maxlength": str(MAX_USERNAME_LENGTH)})

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()
