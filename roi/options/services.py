"""Writes of the options domain: a decision and its options, and the CFO's choice.

A decision's options are projects of its client only (tenancy), 2 to 4 of them, the reference
at position 0. Choosing approves one option through the review's own approval
(:func:`roi.review.services.project_approve`: the project's row locked, the version's PDF
rendered after commit), with the comparison as it is at approval recorded on the version.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from roi.calculation.comparison import MAX_OPTIONS, MIN_OPTIONS
from roi.errors import ServiceError
from roi.options.models import Decision, DecisionOption
from roi.options.selectors import DecisionComparison, decision_comparison, decision_options
from roi.projects.models import RoiProject
from roi.projects.services import project_duplicate
from roi.review.models import ProjectVersion
from roi.review.services import project_approve
from roi.tenancy.models import Client


def _check_projects(client: Client, projects: Sequence[RoiProject]) -> None:
    if any(project.client_id != client.pk or project.deleted_at is not None
           for project in projects):
        # Views only offer the client's own projects: this is the guard under them.
        raise ServiceError(_("Seuls des projets de ce client peuvent être comparés."))
    if len({project.pk for project in projects}) != len(projects):
        raise ServiceError(_("Un même projet ne peut pas être deux options."))


def _locked(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().get(pk=decision.pk)


@transaction.atomic
def decision_create(*, client: Client, user, name: str,
                    projects: Sequence[RoiProject]) -> Decision:
    """A decision whose options are ``projects``, in that order (the reference first)."""
    projects = list(projects)
    if not MIN_OPTIONS <= len(projects) <= MAX_OPTIONS:
        raise ServiceError(_("Choisissez de %(min)s à %(max)s options.")
                           % {"min": MIN_OPTIONS, "max": MAX_OPTIONS})
    _check_projects(client, projects)
    decision = Decision(client=client, name=name.strip()[:200], created_by=user)
    decision.full_clean()
    decision.save()
    DecisionOption.objects.bulk_create(
        DecisionOption(decision=decision, project=project, position=position)
        for position, project in enumerate(projects))
    return decision


def _check_open(decision: Decision) -> None:
    if decision.chosen_id is not None:
        raise ServiceError(_("Une option a déjà été choisie : la décision ne change plus."))


@transaction.atomic
def option_add(*, decision: Decision, project: RoiProject, user) -> DecisionOption:
    """Add ``project`` as the decision's last option."""
    decision = _locked(decision)
    _check_open(decision)
    options = decision_options(decision)
    if len(options) >= MAX_OPTIONS:
        raise ServiceError(_("Une décision compare au plus %(max)s options.")
                           % {"max": MAX_OPTIONS})
    _check_projects(decision.client, [*(o.project for o in options), project])
    position = (DecisionOption.objects.filter(decision=decision)
                .aggregate(n=Max("position"))["n"])
    option = DecisionOption.objects.create(decision=decision, project=project,
                                           position=0 if position is None else position + 1)
    decision.save(update_fields=["updated_at"])
    return option


@transaction.atomic
def option_create_from(*, decision: Decision, source: RoiProject, name: str,
                       user) -> DecisionOption:
    """"Nouvelle option": a copy of ``source``'s lines (and answers, benefits, KPIs) as a new
    draft project of the client, added as the decision's last option."""
    if source.client_id != decision.client_id:
        raise ServiceError(_("Seuls des projets de ce client peuvent être comparés."))
    copy = project_duplicate(project=source, client=decision.client, user=user, name=name)
    return option_add(decision=decision, project=copy, user=user)


@transaction.atomic
def option_remove(*, decision: Decision, option: DecisionOption, user) -> None:
    """Take an option out of the decision (the project stays); at least two remain."""
    decision = _locked(decision)
    _check_open(decision)
    if len(decision_options(decision)) <= MIN_OPTIONS:
        raise ServiceError(_("Une décision compare au moins %(min)s options.")
                           % {"min": MIN_OPTIONS})
    option.delete()
    _renumber(decision, [o for o in decision_options(decision)])


@transaction.atomic
def option_make_reference(*, decision: Decision, option: DecisionOption, user) -> None:
    """Make ``option`` the reference (first); the others keep their order."""
    decision = _locked(decision)
    _check_open(decision)
    options = decision_options(decision)
    _renumber(decision, [option, *(o for o in options if o.pk != option.pk)])


def _renumber(decision: Decision, options: list[DecisionOption]) -> None:
    for position, option in enumerate(options):
        option.position = position
    DecisionOption.objects.bulk_update(options, ["position"])
    decision.save(update_fields=["updated_at"])


def choice_record(state: DecisionComparison, chosen: int) -> dict:
    """What the approved version keeps of the decision: its options (names, project ids and
    checklist state) and the roi-comparison/1 document, as they are now."""
    return {
        "decision_id": state.decision.pk,
        "decision_name": state.decision.name,
        "chosen": chosen,
        "options": [{"project_id": option.project_id, "name": option.project.name,
                     "todo": overview.completeness.todo, "total": overview.completeness.total}
                    for option, overview in zip(state.options, state.overviews, strict=True)],
        "comparison": state.document,
    }


@transaction.atomic
def decision_approve(*, decision: Decision, option: DecisionOption, user, link: str,
                     comment: str = "", confirm_incomplete: bool = False) -> ProjectVersion:
    """The CFO chooses ``option``: its project is approved (a frozen version recording the
    decision and the comparison as it is now) and the decision closed on it."""
    decision = _locked(decision)
    _check_open(decision)
    state = decision_comparison(decision, lang=option.project.language)
    if state.comparison is None:
        raise ServiceError(" ".join(state.problems) or _(
            "Il faut au moins %(min)s options pour choisir.") % {"min": MIN_OPTIONS})
    chosen = next((index for index, o in enumerate(state.options) if o.pk == option.pk), None)
    if chosen is None:
        raise ServiceError(_("Cette option ne fait pas partie de la décision."))
    version = project_approve(project=option.project, user=user, link=link, comment=comment,
                              confirm_incomplete=confirm_incomplete,
                              choice=choice_record(state, chosen))
    decision.chosen_id = option.project_id
    decision.chosen_version = version
    decision.chosen_at = timezone.now()
    decision.save(update_fields=["chosen", "chosen_version", "chosen_at", "updated_at"])
    return version
