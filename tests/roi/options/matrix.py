"""Access-matrix rows for the decisions and their options (read by tests/roi/test_access.py).

Each URL is built on a decision of the target project's client (the outsider's target is
another client's decision), whose options are that project and two more of its client."""

from __future__ import annotations

from django.urls import reverse

from roi.access import Action
from roi.options.models import Decision, DecisionOption
from roi.projects.models import RoiProject


def decision_of(project: RoiProject) -> Decision:
    decision = Decision.objects.create(client=project.client, name="Choix du CRM")
    projects = [project, *(RoiProject.objects.create(client=project.client, name=name)
                           for name in ("Option B", "Option C"))]
    for position, option in enumerate(projects):
        DecisionOption.objects.create(decision=decision, project=option, position=position)
    return decision


def decision_url(name: str):
    def build(project: RoiProject) -> str:
        decision = decision_of(project)
        return reverse(name, args=[decision.client_id, decision.pk])
    return build


def option_url(name: str):
    def build(project: RoiProject) -> str:
        decision = decision_of(project)
        option = decision.options.order_by("position").last()
        return reverse(name, args=[decision.client_id, decision.pk, option.pk])
    return build


MATRIX: dict = {
    "roi:decision_create": ("client", "get", Action.EDIT, None),
    "roi:decision_create#post": ("client", "post", Action.EDIT, {"name": "Choix"}),
    "roi:decision_detail": (decision_url("roi:decision_detail"), "get", Action.VIEW, None),
    "roi:decision_pdf": (decision_url("roi:decision_pdf"), "get", Action.VIEW, None),
    "roi:decision_pdf_status": (decision_url("roi:decision_pdf_status"), "get", Action.VIEW,
                                None),
    "roi:decision_option_add": (decision_url("roi:decision_option_add"), "post", Action.EDIT,
                                {}),
    "roi:decision_option_new": (decision_url("roi:decision_option_new"), "get", Action.EDIT,
                                None),
    "roi:decision_option_new#post": (decision_url("roi:decision_option_new"), "post",
                                     Action.EDIT, {"name": "Nouvelle"}),
    "roi:decision_option_remove": (option_url("roi:decision_option_remove"), "post",
                                   Action.EDIT, {}),
    "roi:decision_option_reference": (option_url("roi:decision_option_reference"), "post",
                                      Action.EDIT, {}),
    "roi:decision_approve": (decision_url("roi:decision_approve"), "post", Action.APPROVE,
                             {"option": "0"}),
}
