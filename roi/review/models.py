"""The CFO's review: approved, frozen versions and comments on lines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roi.calculation import limits
from roi.projects.models import LineItem, RoiProject


class ProjectVersion(models.Model):
    """An approved, frozen version (v1, v2, …): inputs, results and the PDF, immutable."""

    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    case = models.JSONField()  # the roi-case/1 document of the approved inputs
    lines = models.JSONField(default=list)  # line ids and figures, to list later changes
    results = models.JSONField()  # the results document at approval
    pdf = models.BinaryField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("version approuvée")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Comment(models.Model):
    """A comment of the CFO's review, attached to a line (the thread stays with it) or to the
    project as a whole."""

    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="comments")
    line = models.ForeignKey(LineItem, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="comments")
    line_label = models.CharField(max_length=limits.MAX_LABEL_LENGTH, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    body = models.TextField(_("commentaire"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commentaire")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
