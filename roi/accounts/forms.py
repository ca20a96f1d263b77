from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils.translation import gettext_lazy as _

from roi.accounts.lockout import MAX_USERNAME_LENGTH
from roi.tasks.mail import send_email


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


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its email sent by a worker like every other (roi/tasks/mail.py):
    the request never waits on the mail server, and answers the same whether the address is
    known or not."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.defer(subject=subject, body=body, recipients=[to_email])
