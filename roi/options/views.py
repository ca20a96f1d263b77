"""Pages of a decision: create it, compare its options side by side, add or start an option,
choose one (the CFO). Views only orchestrate: access, form, service, redirect or render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roi.access import Action, ClientAccess, DecisionAccess, require_client, require_decision
from roi.documents.comparison import OptionInfo, comparison_context
from roi.documents.prepared import DECISION
from roi.documents.views import prepared_response
from roi.errors import ServiceError
from roi.formats import active_language
from roi.options import services
from roi.options.forms import AddOptionForm, ChooseForm, DecisionForm, NewOptionForm
from roi.options.selectors import decision_comparison, option_candidates, option_of
from roi.review.services import IncompleteChecklist
from roi.texts import price_range_text, price_tier_texts


def _detail(decision) -> str:
    return reverse("roi:decision_detail", args=[decision.client_id, decision.pk])


@require_client(Action.EDIT)
def decision_create(request: HttpRequest, access: ClientAccess) -> HttpResponse:
    form = DecisionForm(request.POST or None, client=access.client)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(client=access.client, user=request.user,
                                                name=form.cleaned_data["name"],
                                                projects=form.projects())
        except ServiceError as error:
            form.add_error("others", str(error))
        else:
            messages.success(request, _("Décision « %(name)s » créée.") % {"name": decision.name})
            return redirect(_detail(decision))
    return render(request, "roi/decision_form.html", {"form": form, "client": access.client})


def _infos(state) -> list[OptionInfo]:
    return [OptionInfo.of(option.project.name, overview.completeness)
            for option, overview in zip(state.options, state.overviews, strict=True)]


def _page(request: HttpRequest, access: DecisionAccess, *, confirm: dict | None = None,
          status: int = 200) -> HttpResponse:
    decision = access.decision
    lang = active_language()
    state = decision_comparison(decision, lang=lang)
    context = {"access": access, "client": access.client, "decision": decision, "state": state,
               "confirm": confirm}
    if state.document is not None:
        context.update(comparison_context(state.document, options=_infos(state), lang=lang,
                                          catalogue=state.overviews[0].catalogue))
        for row, option in zip(context["options"], state.options, strict=True):
            row["option"] = option
        context["tiers"] = price_tier_texts(state.document["currency"], lang=lang)
        context["price_range"] = price_range_text(state.document["currency"], lang=lang)
    if access.can_edit and decision.chosen_id is None:
        context["new_form"] = NewOptionForm(client=access.client)
        if state.can_add:
            context["add_form"] = AddOptionForm(candidates=option_candidates(decision))
    return render(request, "roi/decision_detail.html", context, status=status)


@require_decision(Action.VIEW)
def decision_detail(request: HttpRequest, access: DecisionAccess) -> HttpResponse:
    """The options side by side: figures at 12/24/36 months and at the horizon, one chart,
    the incremental payback and cost difference by post against the reference, the verdict."""
    return _page(request, access)


@require_decision(Action.VIEW)
def decision_pdf(request: HttpRequest, access: DecisionAccess) -> HttpResponse:
    """The comparison dossier of the decision as it is now."""
    return _decision_pdf(request, access, polling=False)


@require_decision(Action.VIEW)
def decision_pdf_status(request: HttpRequest, access: DecisionAccess) -> HttpResponse:
    return _decision_pdf(request, access, polling=True)


def _decision_pdf(request: HttpRequest, access: DecisionAccess, *, polling: bool
                  ) -> HttpResponse:
    """Prepared by a worker, in the reference option's language, as a project's dossier."""
    decision = access.decision
    if decision_comparison(decision).comparison is None:
        raise Http404
    args = [access.client.pk, decision.pk]
    return prepared_response(
        request, kind=DECISION, target=decision, target_id=decision.pk,
        back=(reverse("roi:decision_detail", args=args), decision.name),
        download_url=reverse("roi:decision_pdf", args=args),
        status_url=reverse("roi:decision_pdf_status", args=args), polling=polling)


@require_POST
@require_decision(Action.EDIT)
def option_add(request: HttpRequest, access: DecisionAccess) -> HttpResponse:
    form = AddOptionForm(request.POST, candidates=option_candidates(access.decision))
    if form.is_valid():
        try:
            services.option_add(decision=access.decision, project=form.cleaned_data["project"],
                                user=request.user)
        except ServiceError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choisissez un projet de ce client."))
    return redirect(_detail(access.decision))


@require_decision(Action.EDIT)
def option_new(request: HttpRequest, access: DecisionAccess) -> HttpResponse:
    """"Nouvelle option": a new draft that starts from an existing project's lines."""
    form = NewOptionForm(request.POST or None, client=access.client)
    if request.method == "POST" and form.is_valid():
        try:
            option = services.option_create_from(decision=access.decision,
                                                 source=form.cleaned_data["source"],
                                                 name=form.cleaned_data["name"],
                                                 user=request.user)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Option « %(name)s » ajoutée : adaptez ses lignes à la "
                                        "nouvelle solution.") % {"name": option.project.name})
            return redirect(_detail(access.decision))
    return render(request, "roi/decision_option_form.html", {
        "form": form, "client": access.client, "decision": access.decision})


def _option(access: DecisionAccess, option_id):
    option = option_of(access.decision, option_id)
    if option is None:
        raise Http404
    return option


@require_POST
@require_decision(Action.EDIT)
def option_remove(request: HttpRequest, access: DecisionAccess, option_id: int) -> HttpResponse:
    try:
        services.option_remove(decision=access.decision, option=_option(access, option_id),
                               user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(_detail(access.decision))


@require_POST
@require_decision(Action.EDIT)
def option_reference(request: HttpRequest, access: DecisionAccess,
                     option_id: int) -> HttpResponse:
    try:
        services.option_make_reference(decision=access.decision,
                                       option=_option(access, option_id), user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(_detail(access.decision))


@require_POST
@require_decision(Action.APPROVE)
def decision_approve(request: HttpRequest, access: DecisionAccess) -> HttpResponse:
    """The CFO chooses one option: it is approved, with the comparison as it is now."""
    form = ChooseForm(request.POST)
    option = option_of(access.decision, form.data.get("option"))
    if not form.is_valid() or option is None:
        messages.error(request, _("Choisissez une des options de la décision."))
        return redirect(_detail(access.decision))
    try:
        version = services.decision_approve(
            decision=access.decision, option=option, user=request.user,
            link=request.build_absolute_uri(reverse("roi:project_review",
                                                    args=[option.project_id])),
            comment=form.cleaned_data["comment"],
            confirm_incomplete=form.cleaned_data["confirm_incomplete"])
    except IncompleteChecklist as error:
        return _page(request, access, confirm={"option": option, "message": str(error),
                                               "comment": form.cleaned_data["comment"]})
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(_detail(access.decision))
    messages.success(request, _("Option « %(name)s » choisie et approuvée (v%(n)s).")
                     % {"name": option.project.name, "n": version.number})
    return redirect(_detail(access.decision))
