"""Django's model registry for the checklist app: the catalogue keeps its models in
:mod:`checklist.catalogue.models`; they are imported here so that Django (and the migrations,
which name ``checklist.models.Translated``) find them."""

from checklist.catalogue.models import (
    RECURRENCE_CHOICES,
    CatalogueVersion,
    KpiDefinition,
    Post,
    SubItem,
    Translated,
)

__all__ = ["RECURRENCE_CHOICES", "CatalogueVersion", "KpiDefinition", "Post", "SubItem",
           "Translated"]
