"""Tracking after go-live: the monthly actuals of the lines, and the reviews.

The tracking state itself (go-live date, last closed month, status "tracking") is on
:class:`roi.projects.models.RoiProject`; an unplanned line is a
:class:`roi.projects.models.LineItem` with ``planned=False`` and amount 0 (method §6).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from roi.calculation import limits
from roi.projects.models import LineItem, RoiProject
from roi.tenancy.models import Membership


class LineActual(models.Model):
    """What was really spent or gained on a line in a closed month (method §6): the line's
    whole value of that month in the project's currency (no quantity, confidence, ramp-up or
    margin applied). One per line and month."""

    line = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="actuals")
    month = models.PositiveSmallIntegerField(
        _("mois"),
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_HORIZON_MONTHS)],
    )
    # Cents: an actual is an invoiced or measured amount (10^19 + 2 decimals fit).
    amount = models.DecimalField(
        _("montant réel"), max_digits=24, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(limits.MAX_ACTUAL)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réel mensuel")
        verbose_name_plural = _("réels mensuels")
        ordering = ["line", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="one_actual_per_line_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1), name="actual_month_gte_1"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="actual_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} M{self.month}: {self.amount}"


class ReviewDecision(models.TextChoices):
    ON_TRACK = "on_track", _("Conforme au plan")
    CORRECTIVE = "corrective", _("Actions correctives")


class TrackingReview(models.Model):
    """A review of a tracked project N months after go-live (3, 6, 12, then every 12)."""

    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE,
                                related_name="tracking_reviews")
    months_after_go_live = models.PositiveSmallIntegerField(
        _("mois après la mise en service"),
        validators=[MinValueValidator(1), MaxValueValidator(limits.MAX_MONTH)],
    )
    held_on = models.DateField(_("date de la revue"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("revue menée par"),
    )
    comment = models.TextField(_("commentaire"), max_length=4000)
    decision = models.CharField(_("décision"), max_length=12, choices=ReviewDecision.choices)
    # The last closed month when the review was recorded (what its figures were read on).
    as_of_month = models.PositiveSmallIntegerField(_("dernier mois clos"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revue de suivi")
        verbose_name_plural = _("revues de suivi")
        ordering = ["project", "months_after_go_live"]
        constraints = [
            models.UniqueConstraint(fields=["project", "months_after_go_live"],
                                    name="one_review_per_milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} +{self.months_after_go_live}"


class ReviewAction(models.Model):
    """A corrective action decided in a review, with its owner (a member of the client)."""

    review = models.ForeignKey(TrackingReview, on_delete=models.CASCADE,
                               related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("responsable"))
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("action corrective")
        verbose_name_plural = _("actions correctives")
        ordering = ["review", "position", "id"]

    def __str__(self) -> str:
        return self.description


class ReviewReminder(models.Model):
    """A reminder e-mail sent for a due review (so that each milestone is reminded once)."""

    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="+")
    months_after_go_live = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "months_after_go_live"],
                                    name="one_reminder_per_milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} +{self.months_after_go_live}"
