"""The assumption register (issue 12, item 6): who vouches for each line's assumption, on
what source, and when it was last checked.

The assumption's text (``LineItem.assumption``) and its confidence (``LineItem.confidence``,
the engine's risk adjustment) stay on the line: the register adds what a CFO asks next,
"says who, and since when?", without a second copy of either. A cost has no confidence in the
engine: the register keeps its own, how sure the estimate is, for the exposure only.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from roi.projects.models import LineItem
from roi.tenancy.models import Membership

# An assumption not validated for this many days is flagged on the register and in the dossier.
STALE_AFTER_DAYS = 90


class AssumptionRecord(models.Model):
    line = models.OneToOneField(LineItem, on_delete=models.CASCADE,
                                related_name="assumption_record")
    source = models.CharField(_("source"), max_length=300, blank=True)
    # A member of the line's client; the register stays when the member leaves (no owner).
    owner = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("responsable"))
    # How sure the estimate of a cost is (0..1): the register's own, since the engine applies
    # no confidence to a cost. A gain's confidence is the line's (it changes the figures).
    confidence = models.DecimalField(
        _("confiance de l’estimation"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))])
    last_validated_on = models.DateField(_("dernière validation"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("validée par"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hypothèse du registre")
        verbose_name_plural = _("registre des hypothèses")

    def __str__(self) -> str:
        return f"{self.line_id}: {self.source}"
