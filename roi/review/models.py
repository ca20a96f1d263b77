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
    # The checklist's completeness it was approved with (Completeness.as_dict()).
    completeness = models.JSONField(default=dict)
    # What the dossier shows besides the case, as approved, so that the frozen dossier renders
    # from its own inputs: the not-applicable answers (sub-item code -> reason), the client's
    # name, the CRM, users, start date and the dossier's language.
    frozen = models.JSONField(default=dict)
    catalogue = models.ForeignKey(
        "checklist.CatalogueVersion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    pdf = models.BinaryField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    # When this version was approved as the chosen option of a decision (method §7): the
    # decision, the options' names and the roi-comparison/1 document as they were at approval
    # (the dossier's "Options étudiées"); empty otherwise.
    choice = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("version approuvée")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Commentaire")
    REQUEST = "request", _("Modifications demandées")


class Comment(models.Model):
    """A comment of the CFO's review, attached to a line (the thread stays with it) or to the
    project as a whole. A thread (a line's comments, or the general ones) is resolved when
    every comment in it is; a new comment opens it again."""

    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="comments")
    line = models.ForeignKey(LineItem, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="comments")
    line_label = models.CharField(max_length=limits.MAX_LABEL_LENGTH, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    body = models.TextField(_("commentaire"), max_length=4000)
    kind = models.CharField(max_length=8, choices=CommentKind.choices,
                            default=CommentKind.COMMENT)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("commentaire")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
