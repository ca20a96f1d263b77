"""Access-matrix rows for the assumption register (read by tests/roi/test_access.py)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from roi.access import Action
from roi.projects.models import LineItem


def _line(project) -> LineItem:
    return LineItem.objects.create(project=project, kind="gain", category="productivity",
                                   label="Relances", amount=Decimal(18000),
                                   recurrence="yearly", confidence=Decimal("0.8"))


def describe_url(project) -> str:
    return reverse("roi:assumption_describe", args=[project.pk, _line(project).pk])


def validate_url(project) -> str:
    return reverse("roi:assumption_validate", args=[project.pk, _line(project).pk])


MATRIX: dict = {
    "roi:assumption_register": ("project", "get", Action.VIEW, None),
    "roi:assumption_describe": (describe_url, "get", Action.EDIT, None),
    "roi:assumption_describe#post": (describe_url, "post", Action.EDIT,
                                     {"source": "Devis éditeur", "owner": ""}),
    "roi:assumption_validate": (validate_url, "post", Action.EDIT, {}),
}
