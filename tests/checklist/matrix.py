"""Access-matrix rows for the wizard's URLs (read by tests/roi/test_access.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.models import LineItem


def _catalogue(project):
    if CatalogueVersion.current() is None:
        call_command("load_catalogue", verbosity=0)
    if project.catalogue_id is None:
        project.catalogue = CatalogueVersion.current()
        project.save(update_fields=["catalogue"])
    return project.catalogue


def _subitem(project, code="software.subscription"):
    return SubItem.objects.get(post__catalogue=_catalogue(project), code=code)


def _line(project):
    return LineItem.objects.create(project=project, kind="cost", category="software",
                                   subitem=_subitem(project), label="Licences",
                                   amount=Decimal(1000), recurrence="yearly")


def step(slug):
    def url(project):
        _catalogue(project)
        return reverse("checklist:step", args=[project.pk, slug])
    return url


def resume(project):
    return reverse("checklist:resume", args=[project.pk])


def block(project):
    _catalogue(project)
    return reverse("checklist:post_block", args=[project.pk, "costs-software"])


def line_new(project):
    return reverse("checklist:line_new", args=[project.pk, "costs-software"]) + (
        f"?subitem={_subitem(project).pk}")


def quantify(project):
    return reverse("checklist:quantify", args=[project.pk, "gains-productivity",
                                               "time_saved"]) + (
        f"?subitem={_subitem(project, 'productivity.manual_tasks').pk}")


def line_edit(project):
    return reverse("checklist:line_edit", args=[project.pk, _line(project).pk])


def line_delete(project):
    return reverse("checklist:line_delete", args=[project.pk, _line(project).pk])


def answer(project):
    return reverse("checklist:answer_save", args=[project.pk, _subitem(project).pk])


LINE = {"label": "Licences", "amount": "1 200,50", "quantity": "25", "recurrence": "monthly",
        "start_month": "1", "end_month": "", "assumption": ""}
CONTEXT = {"name": "CRM", "horizon_months": "12", "currency": "EUR", "discount_rate": "8",
           "language": "fr", "conservative_gains_factor": "80",
           "conservative_costs_factor": "110", "optimistic_gains_factor": "120",
           "optimistic_costs_factor": "100"}

MATRIX: dict = {
    "checklist:resume": (resume, "get", "view", None),
    "checklist:step": (step("context"), "get", "view", None),
    "checklist:step#post": (step("context"), "post", "edit", CONTEXT),
    "checklist:step#costs": (step("costs-software"), "get", "view", None),
    "checklist:step#costs-post": (step("costs-software"), "post", "edit", {"next": ""}),
    "checklist:step#benefits": (step("benefits"), "post", "edit", {"benefit": ["360°"]}),
    "checklist:step#kpis": (step("kpis"), "get", "view", None),
    "checklist:step#summary": (step("summary"), "get", "view", None),
    "checklist:post_block": (block, "get", "view", None),
    "checklist:line_new": (line_new, "get", "edit", None),
    "checklist:line_new#post": (line_new, "post", "edit", LINE),
    "checklist:quantify": (quantify, "get", "edit", None),
    "checklist:quantify#post": (quantify, "post", "edit", {
        "hours_per_week": "2", "people": "10", "loaded_hourly_cost": "45",
        "working_weeks": "45"}),
    "checklist:line_edit": (line_edit, "get", "edit", None),
    "checklist:line_edit#post": (line_edit, "post", "edit", dict(LINE, version="1")),
    "checklist:line_delete": (line_delete, "post", "edit", {}),
    "checklist:answer_save": (answer, "post", "edit", {}),
}
