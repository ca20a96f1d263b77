"""ROI projects, their cost and gain lines, qualitative benefits, KPIs and checklist answers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from checklist.catalogue.models import RECURRENCE_CHOICES
from roi.calculation import limits
from roi.tenancy.models import Client


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis au DAF")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    APPROVED = "approved", _("Approuvé")
    # After approval and go-live: actuals are entered month by month (roi.tracking).
    TRACKING = "tracking", _("Suivi")


# A change to a project in one of these states reopens its draft (a new approval is needed),
# so every write asks the user first (roi.projects.services.project_open_for_edit).
IN_REVIEW = (ProjectStatus.SUBMITTED, ProjectStatus.APPROVED, ProjectStatus.TRACKING)
# The states in which the project's plan is the approved one (tracking follows an approval).
APPROVED_STATES = (ProjectStatus.APPROVED, ProjectStatus.TRACKING)


def percent_field(verbose: str, default: str) -> models.DecimalField:
    return models.DecimalField(
        verbose, max_digits=8, decimal_places=6, default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )


class RoiProject(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("nom du projet"), max_length=200)
    crm_solution = models.CharField(_("CRM envisagé"), max_length=200, blank=True)
    users_count = models.PositiveIntegerField(
        _("nombre d’utilisateurs"), null=True, blank=True,
        validators=[MaxValueValidator(1_000_000)],
    )
    start_date = models.DateField(_("date de démarrage"), null=True, blank=True)
    horizon_months = models.PositiveSmallIntegerField(
        _("horizon (mois)"), default=12,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_HORIZON_MONTHS)],
    )
    currency = models.CharField(
        _("devise"), max_length=3, default="EUR",
        choices=[("EUR", "EUR €"), ("USD", "USD $"), ("GBP", "GBP £"), ("CHF", "CHF")],
    )
    discount_rate = models.DecimalField(
        _("taux d’actualisation annuel"), max_digits=8, decimal_places=6, default=Decimal("0.08"),
        validators=[
            MinValueValidator(limits.MIN_DISCOUNT_RATE), MaxValueValidator(limits.MAX_DISCOUNT_RATE)
        ],
    )
    language = models.CharField(
        _("langue du dossier"), max_length=2, default="fr", choices=settings.LANGUAGES
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    # Scenario factors (method §4): editable per project, defaults from the engine.
    conservative_gains_factor = percent_field(_("prudent : facteur gains"), "0.80")
    conservative_costs_factor = percent_field(_("prudent : facteur coûts"), "1.10")
    optimistic_gains_factor = percent_field(_("optimiste : facteur gains"), "1.20")
    optimistic_costs_factor = percent_field(_("optimiste : facteur coûts"), "1.00")
    catalogue = models.ForeignKey(
        "checklist.CatalogueVersion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="projects", verbose_name=_("version du catalogue"),
    )
    # Optimistic locking: every save of the project's figures bumps it; a form posted with an
    # older value is refused instead of silently overwriting someone else's work.
    revision = models.PositiveIntegerField(default=1)
    wizard_step = models.CharField(max_length=40, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Who last reopened the draft of a submitted or approved project, and when (the change
    # that follows needs a new approval).
    reopened_at = models.DateTimeField(_("brouillon rouvert le"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("brouillon rouvert par"),
    )
    # Tracking after go-live (method §6, roi.tracking): the go-live date and the last closed
    # month A (months 1..A of the plan are closed, their actuals entered). Both are set when
    # tracking starts (status "tracking", only after an approval); A stays None before.
    go_live_date = models.DateField(_("date de mise en service"), null=True, blank=True)
    as_of_month = models.PositiveSmallIntegerField(
        _("dernier mois clos"), null=True, blank=True,
        validators=[MaxValueValidator(limits.MAX_MONTH)],
    )
    tracking_started_at = models.DateTimeField(_("suivi démarré le"), null=True, blank=True)
    tracking_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("suivi démarré par"),
    )
    # Deleted projects stay restorable for a grace period, then `purge_deleted` removes them.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Headline figures, refreshed by the services on every change (the portfolio lists
    # hundreds of projects without computing any of them).
    # Wide enough for any total the input bounds allow (10^12 × 10^7 a month over 10 years, and
    # an ROI on a one-cent cost).
    roi_percent = models.DecimalField(max_digits=40, decimal_places=2, null=True, blank=True)
    payback_months = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    net_gain = models.DecimalField(max_digits=40, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("projet ROI")
        verbose_name_plural = _("projets ROI")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["client", "archived_at"]),
                   models.Index(fields=["status"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class LineKind(models.TextChoices):
    COST = "cost", _("Coût")
    GAIN = "gain", _("Gain")


class LineItem(models.Model):
    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="line_items")
    kind = models.CharField(_("type"), max_length=4, choices=LineKind.choices)
    category = models.CharField(_("poste"), max_length=32)
    subitem = models.ForeignKey(
        "checklist.SubItem", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("élément de la checklist"),
    )
    label = models.CharField(_("libellé"), max_length=limits.MAX_LABEL_LENGTH)
    amount = models.DecimalField(
        _("montant unitaire"), max_digits=20, decimal_places=6,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(limits.MAX_AMOUNT)],
    )
    quantity = models.DecimalField(
        _("quantité"), max_digits=16, decimal_places=6, default=Decimal("1"),
        validators=[MaxValueValidator(limits.MAX_QUANTITY)],
    )
    recurrence = models.CharField(_("récurrence"), max_length=8, choices=RECURRENCE_CHOICES)
    start_month = models.PositiveSmallIntegerField(
        _("mois de début"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_MONTH)],
    )
    end_month = models.PositiveSmallIntegerField(
        _("mois de fin"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_MONTH)],
    )
    ramp_up_months = models.PositiveSmallIntegerField(
        _("montée en charge (mois)"), default=0, validators=[MaxValueValidator(limits.MAX_MONTH)]
    )
    confidence = models.DecimalField(
        _("confiance"), max_digits=7, decimal_places=6, default=Decimal("1"),
        validators=[MaxValueValidator(Decimal("1"))],
    )
    margin = models.DecimalField(
        _("marge appliquée"), max_digits=7, decimal_places=6, null=True, blank=True,
        validators=[MaxValueValidator(Decimal("1"))],
    )
    assumption = models.TextField(_("hypothèse"), blank=True, max_length=4000)
    position = models.PositiveIntegerField(default=0)
    # False for a line added during tracking for a cost or gain nobody planned (method §6: an
    # unplanned line has amount 0 and only its actuals). It is not part of the approved plan:
    # adding one does not reopen the draft.
    planned = models.BooleanField(_("prévue au plan"), default=True)
    # Optimistic locking of one line: an edit posted with an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne")
        ordering = ["kind", "category", "position", "id"]
        indexes = [models.Index(fields=["project", "kind", "category"])]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.quantity is not None and self.quantity <= 0:
            errors["quantity"] = _("La quantité doit être strictement positive.")
        if self.end_month is not None and self.start_month and self.end_month < self.start_month:
            errors["end_month"] = _("Le mois de fin doit être postérieur ou égal au mois de début.")
        if self.confidence is not None and self.confidence <= 0:
            errors["confidence"] = _("La confiance doit être comprise entre 0 (exclu) et 100 %.")
        if self.margin is not None and self.margin <= 0:
            errors["margin"] = _("La marge doit être comprise entre 0 (exclu) et 100 %.")
        if self.kind == LineKind.COST:
            if self.ramp_up_months:
                errors["ramp_up_months"] = _("La montée en charge ne s’applique qu’aux gains.")
            if self.confidence is not None and self.confidence != 1:
                errors["confidence"] = _("La confiance ne s’applique qu’aux gains.")
        if errors:
            raise ValidationError(errors)

    @property
    def total_quantity_amount(self) -> Decimal:
        return self.amount * self.quantity


class QualitativeBenefit(models.Model):
    project = models.ForeignKey(
        RoiProject, on_delete=models.CASCADE, related_name="qualitative_benefits"
    )
    text = models.CharField(_("bénéfice qualitatif"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bénéfice qualitatif")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class KpiEntry(models.Model):
    """A KPI of the project: baseline (before the CRM) and target; after go-live its dated
    measurements (:class:`KpiMeasurement`), the latest of which is the KPI's actual value."""

    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="kpis")
    code = models.SlugField(max_length=40)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=20, decimal_places=6,
                                   null=True, blank=True)
    target = models.DecimalField(_("cible"), max_digits=20, decimal_places=6,
                                 null=True, blank=True)

    class Meta:
        verbose_name = _("indicateur")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="one_kpi_entry_per_code")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def latest_measurement(self) -> KpiMeasurement | None:
        """The last measurement by date (then by entry); reads ``measurements.all()``, so
        load the KPIs with ``prefetch_related("measurements")`` (see ``kpis_with_measurements``)."""
        measurements = list(self.measurements.all())
        return max(measurements, key=lambda m: (m.date, m.pk), default=None)

    @property
    def actual(self) -> Decimal | None:
        """The KPI's actual value: its latest measurement, None before any."""
        latest = self.latest_measurement
        return None if latest is None else latest.value


def kpis_with_measurements(project: RoiProject) -> models.QuerySet[KpiEntry]:
    """A project's KPIs with their measurements (two queries)."""
    return project.kpis.prefetch_related("measurements")


class KpiMeasurement(models.Model):
    """One dated value of a KPI after go-live (seed 000: KPIs "analysés régulièrement").

    The latest one (by date, then by entry) is the KPI's actual value for the engine, so the
    seed 003 LTV/CAC reading follows the last measurement."""

    kpi = models.ForeignKey(KpiEntry, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur mesurée"), max_digits=20, decimal_places=6,
                                validators=[MinValueValidator(-limits.MAX_AMOUNT),
                                            MaxValueValidator(limits.MAX_AMOUNT)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mesure d’indicateur")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["kpi", "date"])]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.date}: {self.value}"


class AnswerStatus(models.TextChoices):
    OPEN = "todo", _("À faire")  # still to do
    COUNTED = "counted", _("Chiffré")
    NOT_APPLICABLE = "not_applicable", _("Non applicable")


class ChecklistAnswer(models.Model):
    """How a project addressed one checklist sub-item (counted is derived from its lines)."""

    project = models.ForeignKey(
        RoiProject, on_delete=models.CASCADE, related_name="checklist_answers"
    )
    subitem = models.ForeignKey("checklist.SubItem", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=AnswerStatus.choices,
                              default=AnswerStatus.OPEN)
    reason = models.CharField(_("raison"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse à la checklist")
        constraints = [
            models.UniqueConstraint(fields=["project", "subitem"], name="one_answer_per_subitem")
        ]

    def __str__(self) -> str:
        return f"{self.subitem_id}: {self.status}"
