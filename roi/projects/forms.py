"""Forms of the projects domain: a project's settings, duplicating, importing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from roi.fields import PercentField, TextField, formfield_for, refresh_hidden
from roi.projects.models import RoiProject
from roi.projects.selectors import lines_after_horizon
from roi.projects.services import ReopenRequired, StaleRevision, project_update
from roi.tenancy.models import Client

STALE_FORM = _("Ce formulaire ne dit pas quelle version il modifie : rechargez la page, "
               "puis saisissez à nouveau vos modifications (rien n’a été enregistré).")


class ProjectForm(forms.ModelForm):
    discount_rate = PercentField(
        label=_("Taux d’actualisation annuel (%)"), min_value=Decimal("0"),
        max_value=Decimal("100"), decimal_places=4,
        help_text=_("Le coût du capital de l’entreprise, par exemple 8 %."),
    )
    # Optimistic locking: the revision the form was displayed at. Required when editing, so
    # that a client that leaves it out cannot silently overwrite someone else's work.
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RoiProject
        formfield_callback = formfield_for
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
        else:
            # A new project has no revision to check.
            del self.fields["revision"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("revision") is None:
            # A hidden field's error would not show: the form says it at the top.
            self.add_error(None, STALE_FORM)
        return cleaned

    # Set when saving was refused because the project is under review: the status to confirm
    # (the page shows the confirmation, the user's input is kept).
    reopen_required: ReopenRequired | None = None
    # Set once saved when a shorter horizon leaves lines after it: what to tell the user.
    notice: str | None = None

    def update_project(self, *, user) -> bool:
        """Save through the service; False when someone else saved first, or when the project
        is submitted or approved and the user has not confirmed reopening its draft.

        Then the form carries the error, the user's input and the *current* revision, so that
        saving again (once they have checked) goes through knowingly. The confirmation comes
        back as the ``reopen`` value of the posted data.
        """
        data = {k: v for k, v in self.cleaned_data.items() if k != "revision"}
        # (The instance holds the posted values already: the stored ones are the initial.)
        shorter = data.get("horizon_months", 0) < (self.initial.get("horizon_months") or 0)
        try:
            project_update(project=self.instance, user=user,
                           expected_revision=self.cleaned_data.get("revision"),
                           reopen=self.data.get("reopen") or None, **data)
        except ReopenRequired as error:
            self.reopen_required = error
            self.instance.refresh_from_db()
            return False
        except StaleRevision as error:
            self.add_error(None, str(error))
            self.instance.refresh_from_db(fields=["revision"])
            refresh_hidden(self, "revision", self.instance.revision)
            return False
        if shorter:
            self.notice = lines_after_horizon(self.instance)
        return True


class DuplicateForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client de destination"), queryset=Client.objects.none(),
                                    empty_label=None)
    name = TextField(label=_("Nom du nouveau projet"), max_length=200)

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the clients where the user may create projects: a forged id is refused.
        self.fields["client"].queryset = Client.objects.filter(pk__in=[c.pk for c in clients])


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label=_("Fichier roi-case/1 (JSON)"))
    name = TextField(label=_("Nom du projet (facultatif)"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo."))
        return upload
