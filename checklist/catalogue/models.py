"""The checklist catalogue: posts, sub-items and KPIs, versioned.

A project points at the catalogue version it was filled with, so that editing the catalogue
later (in the admin) never changes what an existing business case asked for.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

RECURRENCE_CHOICES = [
    ("once", _("Ponctuel")),
    ("monthly", _("Mensuel")),
    ("yearly", _("Annuel")),
]


class Translated:
    """Picks the ``<field>_fr`` / ``<field>_en`` column of the active language."""

    def tr(self, field: str) -> str:
        lang = (get_language() or "fr")[:2]
        value = getattr(self, f"{field}_{lang}", "") if lang in ("fr", "en") else ""
        return value or getattr(self, f"{field}_fr")


class CatalogueVersion(models.Model):
    version = models.CharField(_("version"), max_length=32, unique=True)
    title_fr = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    is_current = models.BooleanField(_("version courante"), default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version du catalogue")
        verbose_name_plural = _("versions du catalogue")
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_catalogue",
            )
        ]

    def __str__(self) -> str:
        return self.version

    @classmethod
    def current(cls) -> CatalogueVersion | None:
        return cls.objects.filter(is_current=True).first()

    @classmethod
    def of(cls, owner) -> CatalogueVersion | None:
        """The version a project was filled with (its ``catalogue``), else the current one:
        a business case is always read against the checklist it answered."""
        return owner.catalogue if owner.catalogue_id else cls.current()


class Post(Translated, models.Model):
    KIND_CHOICES = [("cost", _("Coût")), ("gain", _("Gain"))]

    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="posts")
    code = models.SlugField(max_length=32)
    kind = models.CharField(max_length=4, choices=KIND_CHOICES)
    order = models.PositiveSmallIntegerField()
    title_fr = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    help_fr = models.TextField(blank=True)
    help_en = models.TextField(blank=True)
    default_recurrence = models.CharField(max_length=8, choices=RECURRENCE_CHOICES, default="once")

    class Meta:
        verbose_name = _("poste")
        ordering = ["catalogue", "kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="unique_post_code")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.tr('title')}"

    @property
    def title(self) -> str:
        return self.tr("title")

    @property
    def help(self) -> str:
        return self.tr("help")


class SubItem(Translated, models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField()
    title_fr = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    help_fr = models.TextField(blank=True)
    help_en = models.TextField(blank=True)
    default_recurrence = models.CharField(max_length=8, choices=RECURRENCE_CHOICES, default="once")

    class Meta:
        verbose_name = _("sous-élément")
        ordering = ["post", "order"]
        constraints = [
            models.UniqueConstraint(fields=["post", "code"], name="unique_subitem_code")
        ]

    def __str__(self) -> str:
        return self.tr("title")

    @property
    def title(self) -> str:
        return self.tr("title")

    @property
    def help(self) -> str:
        return self.tr("help")


class KpiDefinition(Translated, models.Model):
    UNIT_CHOICES = [
        ("eur", _("montant")),
        ("percent", _("pourcentage")),
        ("days", _("jours")),
        ("ratio", _("ratio")),
        ("score", _("score")),
        ("count", _("nombre")),
    ]

    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="kpis")
    code = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField()
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    unit = models.CharField(max_length=8, choices=UNIT_CHOICES)
    better = models.CharField(
        max_length=6, choices=[("lower", _("plus bas")), ("higher", _("plus haut"))]
    )
    help_fr = models.TextField(blank=True)
    help_en = models.TextField(blank=True)

    class Meta:
        verbose_name = _("indicateur (KPI)")
        verbose_name_plural = _("indicateurs (KPI)")
        ordering = ["catalogue", "order"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="unique_kpi_code")
        ]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def help(self) -> str:
        return self.tr("help")
