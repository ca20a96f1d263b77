"""The step-by-step wizard: each step saves on submit; lines are added in place with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from checklist.catalogue.models import CatalogueVersion, KpiDefinition, SubItem
from checklist.catalogue.reader import catalogue_info
from checklist.wizard import forms as wizard_forms
from checklist.wizard.quantify import quantified_line
from checklist.wizard.state import ReviewState, wizard_state
from checklist.wizard.steps import FIRST_STEP, STEP_BY_SLUG, Step, neighbours, step_for_post
from roi.access import Action, ProjectAccess, require_project
from roi.calculation import limits
from roi.fields import refresh_hidden
from roi.formats import Formatter, active_language, format_money
from roi.learning.selectors import line_suggestion, workspace_rates
from roi.projects import services
from roi.projects.models import AnswerStatus, LineItem
from roi.projects.results import results_context
from roi.projects.selectors import project_overview, revision_cached
from roi.text_input import clean_single_line


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def form_status(request: HttpRequest, form, reopen=None) -> int:
    """422 for an htmx form with errors or waiting for a confirmation (htmx is told to swap
    it in), 200 otherwise."""
    return 422 if (form.errors or reopen) and is_htmx(request) else 200


def reopen_value(request: HttpRequest) -> str | None:
    """The status the user confirmed reopening (the prompt's button), if any."""
    return request.POST.get("reopen") or None


NAV_KEYS = ("previous", "next", "stay")


def _nav_key(request: HttpRequest) -> str:
    return next((key for key in NAV_KEYS if key in request.POST), "")


def _posted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What was posted (CSRF token and confirmation aside), to post it again once confirmed."""
    return [(name, value) for name in request.POST if name not in ("csrfmiddlewaretoken",
                                                                   "reopen")
            for value in request.POST.getlist(name)]


def step_url(project, step: Step) -> str:
    return reverse("checklist:step", kwargs={"project_id": project.pk, "step": step.slug})


def get_step(slug: str) -> Step:
    step = STEP_BY_SLUG.get(slug)
    if step is None:
        raise Http404
    return step


@require_project(Action.VIEW)
def resume(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Back where the user stopped (or at the start)."""
    step = STEP_BY_SLUG.get(access.project.wizard_step, FIRST_STEP)
    return redirect(step_url(access.project, step))


@require_project(Action.VIEW)
def step_view(request: HttpRequest, access: ProjectAccess, step: str) -> HttpResponse:
    current = get_step(step)
    project = access.project
    if access.can_edit and request.method == "GET":
        services.project_set_wizard_step(project=project, step=current.slug)
    handler = STEP_HANDLERS[current.kind]
    return handler(request, access, current)


def _next_or_stay(request: HttpRequest, project, step: Step) -> HttpResponse:
    previous, following = neighbours(step)
    if "previous" in request.POST and previous is not None:
        return redirect(step_url(project, previous))
    if "stay" in request.POST or following is None:
        return redirect(step_url(project, step))
    return redirect(step_url(project, following))


def render_step(request, access, step: Step, template: str, context: dict,
                state=None) -> HttpResponse:
    state = state or wizard_state(access.project, lines_of=None)
    previous, following = neighbours(step)
    return render(request, template, {
        "access": access, "project": access.project, "client": access.client, "step": step,
        "state": state, "previous": previous, "following": following, **context,
    })


def context_step(request, access: ProjectAccess, step: Step) -> HttpResponse:
    project = access.project
    form = wizard_forms.ContextForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        if form.update_project(user=request.user):
            messages.success(request, _("Contexte enregistré."))
            if form.notice:
                messages.warning(request, form.notice)
            return _next_or_stay(request, project, step)
    if request.method == "POST":
        project.refresh_from_db()
    return render_step(request, access, step, "checklist/step_context.html", {
        "form": form, "reopen": form.reopen_required, "reopen_form": "step-form",
        "reopen_nav": _nav_key(request)})


POST_STEP_BODY = "checklist/_post_step_body.html"


def _post_context(state, step: Step) -> dict:
    view = state.posts.get(step.post_code)
    if view is None:
        raise Http404
    return {"view": view, "kind": view.post.kind,
            "quantify_helpers": quantify_helpers_for(step.post_code)}


def post_step_body(access: ProjectAccess, step: Step, review: ReviewState) -> str:
    """The body of a post step's page (templates/checklist/_post_step_body.html): the progress,
    the posts and the post block with its lines. It depends on the project's inputs (its
    revision), the comments' badges, the status, the language and the reader's rights only,
    so it is rendered once per revision and kept (roi.projects.selectors.revision_cached): a
    step shown again reads no line."""
    project = access.project
    overview = project_overview(project)

    def build() -> str:
        state = wizard_state(project, overview=overview, lines_of=step.post_code,
                             review=review)
        return render_to_string(POST_STEP_BODY, {
            "access": access, "project": project, "step": step, "state": state,
            **_post_context(state, step)})

    part = (f"step:{step.slug}:{project.status}:{overview.lang}:{int(access.can_edit)}:"
            f"{review.threads.signature}")
    return revision_cached(project, overview.catalogue_version, part, build)


def post_step(request, access: ProjectAccess, step: Step) -> HttpResponse:
    project = access.project
    if request.method != "POST":
        review = ReviewState(project)
        body = post_step_body(access, step, review)
        return render_step(request, access, step, "checklist/step_post.html",
                           {"step_body": mark_safe(body)},  # noqa: S308 - our template
                           state=review)
    state = wizard_state(project, lines_of=step.post_code)
    context = _post_context(state, step)
    view = context["view"]
    # A POST: the step's own form carries the "not applicable" answers (also saved one by
    # one with htmx as they change); lines are saved by their own forms.
    answers = []
    for item in view.items:
        if item.lines:
            continue
        not_applicable = request.POST.get(f"na-{item.subitem.pk}") == "on"
        reason = (clean_single_line(request.POST.get(f"reason-{item.subitem.pk}", ""))
                  .strip() if not_applicable else "")
        status = AnswerStatus.NOT_APPLICABLE if not_applicable else AnswerStatus.OPEN
        if status != item.status or reason != item.reason:
            answers.append((item.subitem, status, reason))
    try:
        services.answers_set(project=project, answers=answers, user=request.user,
                             reopen=reopen_value(request))
    except services.ReopenRequired as error:
        reopen = error
    else:
        return _next_or_stay(request, project, step)
    return render_step(request, access, step, "checklist/step_post.html", {
        **context, "reopen": reopen, "reopen_action": request.path,
        "reopen_fields": _posted_fields(request),
    }, state=state)


def benefits_step(request, access: ProjectAccess, step: Step) -> HttpResponse:
    project = access.project
    state = wizard_state(project, lines_of=None)
    texts = [b.text for b in state.benefits]
    form = wizard_forms.BenefitsForm(request.POST or None, texts=texts)
    reopen = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.benefits_replace(project=project, texts=form.cleaned_data["texts"],
                                          user=request.user, reopen=reopen_value(request))
            except services.ReopenRequired as error:
                reopen = error
            else:
                return _next_or_stay(request, project, step)
        texts = form.typed()
    return render_step(request, access, step, "checklist/step_benefits.html", {
        "form": form, "texts": texts, "suggestions": BENEFIT_SUGGESTIONS,
        "reopen": reopen, "reopen_form": "step-form", "reopen_nav": _nav_key(request),
    }, state=state)


def kpis_step(request, access: ProjectAccess, step: Step) -> HttpResponse:
    project = access.project
    state = wizard_state(project, lines_of=None)
    definitions = KpiDefinition.objects.filter(catalogue=CatalogueVersion.of(project))
    form = wizard_forms.KpiForm(request.POST or None, definitions=definitions,
                                entries=state.kpis)
    reopen = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.kpis_replace(project=project, values=form.values(),
                                      user=request.user, reopen=reopen_value(request))
            except services.ReopenRequired as error:
                reopen = error
            else:
                return _next_or_stay(request, project, step)
    return render_step(request, access, step, "checklist/step_kpis.html", {
        "form": form, "reopen": reopen, "reopen_form": "step-form",
        "reopen_nav": _nav_key(request)}, state=state)


def summary_step(request, access: ProjectAccess, step: Step) -> HttpResponse:
    if request.method == "POST":
        return _next_or_stay(request, access.project, step)
    state = wizard_state(access.project, lines_of=None)
    return render_step(request, access, step, "checklist/step_summary.html",
                       results_context(state.overview, can_edit=access.can_edit),
                       state=state)


STEP_HANDLERS = {
    "context": context_step, "post": post_step, "benefits": benefits_step,
    "kpis": kpis_step, "summary": summary_step,
}

BENEFIT_SUGGESTIONS = [
    gettext_lazy("Vision client à 360° partagée par toutes les équipes"),
    gettext_lazy("Données clients fiables et à jour"),
    gettext_lazy("Meilleure expérience et satisfaction client"),
    gettext_lazy("Collaboration fluide entre commerce, marketing et service client"),
    gettext_lazy("Traçabilité des échanges et conformité (RGPD)"),
    gettext_lazy("Image plus professionnelle auprès des clients"),
    gettext_lazy("Décisions de pilotage fondées sur des données"),
    gettext_lazy("Moins de dépendance aux personnes (savoir commercial capitalisé)"),
]


# --- line items (htmx partials) --------------------------------------------------------------

def _line_context(access: ProjectAccess, line: LineItem | None = None, **extra) -> dict:
    return {"access": access, "project": access.project, "line": line, **extra}


def _post_fragment(request, access: ProjectAccess, step: Step, *, flash: str = "",
                   **extra) -> HttpResponse:
    """After a change: the whole post block (lines, statuses, live totals) re-rendered, with
    the project's status and the review banner (a change may have reopened the draft: the
    services keep ``access.project`` as stored, its status, revision and figures)."""
    state = wizard_state(access.project, lines_of=step.post_code)
    view = state.posts[step.post_code]
    response = render(request, "checklist/_post_block.html", {
        "access": access, "project": access.project, "state": state, "view": view,
        "kind": view.post.kind, "step": step, "flash": flash,
        "quantify_helpers": quantify_helpers_for(step.post_code), "oob": True, **extra,
    }, status=422 if extra.get("reopen") else 200)
    # The request came from a line form: the answer replaces the whole post block.
    response["HX-Retarget"] = "#post-block"
    response["HX-Reswap"] = "outerHTML"
    return response


def _post_step_for_category(category: str) -> Step:
    try:
        return step_for_post(category)
    except KeyError:
        raise Http404 from None


@require_project(Action.EDIT)
def line_new(request: HttpRequest, access: ProjectAccess, step: str) -> HttpResponse:
    current = get_step(step)
    if current.kind != "post":
        raise Http404
    subitem = _subitem(access, request.GET.get("subitem") or request.POST.get("subitem"),
                       current)
    kind = "cost" if current.group == "costs" else "gain"
    posted = request.method == "POST"
    # What the tracked projects suggest is offered on the empty form (a posted form carries
    # the user's own values): read for a POST only when the form is shown again.
    suggestion = None if posted else _learned_suggestion(request, access, kind,
                                                         current.post_code)
    initial = {}
    if suggestion is not None and suggestion.confidence is not None:
        # Offered, not imposed: the user keeps or changes both before saving.
        initial = {"confidence": suggestion.confidence, "assumption": suggestion.evidence}
    form = wizard_forms.LineItemForm(request.POST or None, kind=kind,
                                     category=current.post_code, subitem=subitem,
                                     horizon_months=access.project.horizon_months,
                                     initial=initial)
    reopen = None
    if posted and form.is_valid():
        try:
            services.line_item_create(project=access.project, user=request.user, kind=kind,
                                      category=current.post_code, subitem=subitem,
                                      reopen=reopen_value(request), **form.cleaned_data)
        except services.ReopenRequired as error:
            reopen = error
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            if is_htmx(request):
                return _post_fragment(request, access, current, flash=_("Ligne ajoutée."))
            return redirect(step_url(access.project, current))
    if posted:
        suggestion = _learned_suggestion(request, access, kind, current.post_code)
    template = "checklist/_line_form.html" if is_htmx(request) else "checklist/line_page.html"
    return render(request, template, _line_context(
        access, form=form, step=current, subitem=subitem, kind=kind, reopen=reopen,
        action=reverse("checklist:line_new", args=[access.project.pk, current.slug]),
        suggestion=suggestion,
    ), status=form_status(request, form, reopen))


def _learned_suggestion(request, access: ProjectAccess, kind: str, category: str):
    """What the user's tracked projects suggest for a new line of this post (seed 004)."""
    project = access.project
    title = catalogue_info(CatalogueVersion.of(project)).post_title(category)
    return line_suggestion(workspace_rates(request.user), currency=project.currency,
                           kind=kind, category=category, title=title,
                           fmt=Formatter(lang=active_language(), currency=project.currency))


@require_project(Action.EDIT)
def line_edit(request: HttpRequest, access: ProjectAccess, line_id: int) -> HttpResponse:
    line = get_object_or_404(LineItem.objects.select_related("subitem"), pk=line_id,
                             project=access.project)
    line.project = access.project  # one copy of the project, kept as stored by the services
    current = _post_step_for_category(line.category)
    form = wizard_forms.LineItemForm(request.POST or None, instance=line, kind=line.kind,
                                     category=line.category,
                                     horizon_months=access.project.horizon_months)
    reopen = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.line_item_update(line=line, user=request.user,
                                      expected_version=form.cleaned_data.get("version"),
                                      reopen=reopen_value(request), **data)
        except services.ReopenRequired as error:
            reopen = error
            line.refresh_from_db()
        except services.StaleLine as error:
            form.add_error(None, str(error))
            stored = LineItem.objects.filter(pk=line.pk).values_list("version", flat=True)
            refresh_hidden(form, "version", stored.first() or line.version)
        else:
            if is_htmx(request):
                return _post_fragment(request, access, current,
                                      flash=_("Ligne enregistrée."))
            return redirect(step_url(access.project, current))
    template = "checklist/_line_form.html" if is_htmx(request) else "checklist/line_page.html"
    return render(request, template, _line_context(
        access, line, form=form, step=current, subitem=line.subitem, kind=line.kind,
        reopen=reopen,
        action=reverse("checklist:line_edit", args=[access.project.pk, line.pk]),
    ), status=form_status(request, form, reopen))


@require_POST
@require_project(Action.EDIT)
def line_delete(request: HttpRequest, access: ProjectAccess, line_id: int) -> HttpResponse:
    line = LineItem.objects.filter(pk=line_id, project=access.project).first()
    if line is None:
        raise Http404
    line.project = access.project  # one copy of the project, kept as stored by the services
    current = _post_step_for_category(line.category)
    try:
        services.line_item_delete(line=line, user=request.user, reopen=reopen_value(request))
    except services.ReopenRequired as error:
        return _confirm_on_post_step(request, access, current, error,
                                     label=_("Rouvrir le brouillon et supprimer la ligne"))
    if is_htmx(request):
        return _post_fragment(request, access, current, flash=_("Ligne supprimée."))
    return redirect(step_url(access.project, current))


def _confirm_on_post_step(request, access: ProjectAccess, step: Step, error, *,
                          label: str = "") -> HttpResponse:
    """A change of a post step refused until the user confirms reopening the draft: the post
    block (htmx) or the step's page, with a prompt that posts the same data again."""
    prompt = {"reopen": error, "reopen_action": request.path, "reopen_htmx": is_htmx(request),
              "reopen_fields": _posted_fields(request), "reopen_label": label}
    if is_htmx(request):
        return _post_fragment(request, access, step, **prompt)
    state = wizard_state(access.project, lines_of=step.post_code)
    response = render_step(request, access, step, "checklist/step_post.html", {
        **_post_context(state, step), **prompt}, state=state)
    response.status_code = 422
    return response


@require_project(Action.VIEW)
def post_block(request: HttpRequest, access: ProjectAccess, step: str) -> HttpResponse:
    """The post block as it is stored (used to cancel an edit)."""
    current = get_step(step)
    if current.kind != "post":
        raise Http404
    return _post_fragment(request, access, current)


@require_POST
@require_project(Action.EDIT)
def answer_save(request: HttpRequest, access: ProjectAccess, subitem_id: int) -> HttpResponse:
    subitem = _subitem(access, subitem_id, None)
    if subitem is None:
        raise Http404
    not_applicable = request.POST.get(f"na-{subitem.pk}") == "on"
    reason = (clean_single_line(request.POST.get(f"reason-{subitem.pk}", "")).strip()
              if not_applicable else "")
    current = _post_step_for_category(subitem.post.code)
    try:
        services.answer_set(project=access.project, subitem=subitem,
                            status=AnswerStatus.NOT_APPLICABLE if not_applicable
                            else AnswerStatus.OPEN, reason=reason, user=request.user,
                            reopen=reopen_value(request))
    except services.ReopenRequired as error:
        return _confirm_on_post_step(request, access, current, error)
    if is_htmx(request):
        return _post_fragment(request, access, current)
    return redirect(step_url(access.project, current))


def _subitem(access: ProjectAccess, subitem_id, step: Step | None) -> SubItem | None:
    if not subitem_id:
        return None
    try:
        pk = int(subitem_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = SubItem.objects.select_related("post").filter(
        pk=pk, post__catalogue=CatalogueVersion.of(access.project))
    if step is not None:
        qs = qs.filter(post__code=step.post_code)
    subitem = qs.first()
    if subitem is None:
        raise Http404
    return subitem


# --- quantification helpers ------------------------------------------------------------------

QUANTIFY_BY_POST = {
    "productivity": ["time_saved"], "conversion": ["conversion_uplift"],
    "retention": ["churn_reduction"], "marketing": ["acquisition_cost_reduction"],
    "revenue": ["conversion_uplift", "churn_reduction"],
}


def quantify_helpers_for(post_code: str) -> list[tuple[str, str]]:
    return [(code, wizard_forms.QUANTIFY_FORMS[code][1])
            for code in QUANTIFY_BY_POST.get(post_code, [])]


@require_project(Action.EDIT)
def quantify(request: HttpRequest, access: ProjectAccess, step: str, helper: str
             ) -> HttpResponse:
    current = get_step(step)
    if current.kind != "post" or current.group != "gains" or helper not in dict(
            quantify_helpers_for(current.post_code)):
        raise Http404
    form_class, title = wizard_forms.QUANTIFY_FORMS[helper]
    form = form_class(request.POST or None, currency=access.project.currency)
    subitem = _subitem(access, request.GET.get("subitem") or request.POST.get("subitem"),
                       current)
    reopen = None
    if request.method == "POST" and form.is_valid():
        fields = quantified_line(helper, form.cleaned_data, currency=access.project.currency)
        try:
            if fields["amount"] > limits.MAX_AMOUNT:
                # The inputs are each in bounds but their product is not: say so on the form.
                raise ValidationError({"amount": _(
                    "Le gain calculé (%(amount)s par an) dépasse le maximum d’une ligne "
                    "(%(limit)s) : vérifiez les valeurs saisies.") % {
                    "amount": format_money(fields["amount"], access.project.currency, 0,
                                           lang=active_language()),
                    "limit": format_money(limits.MAX_AMOUNT, access.project.currency, 0,
                                          lang=active_language())}})
            services.line_item_create(project=access.project, user=request.user, kind="gain",
                                      category=current.post_code, subitem=subitem,
                                      reopen=reopen_value(request), **fields)
        except services.ReopenRequired as error:
            reopen = error
        except ValidationError as error:
            form.add_error(None, " ".join(m for ms in error.message_dict.values() for m in ms))
        else:
            if is_htmx(request):
                return _post_fragment(request, access, current,
                                      flash=_("Gain calculé et ajouté."))
            return redirect(step_url(access.project, current))
    template = ("checklist/_quantify_form.html" if is_htmx(request)
                else "checklist/quantify_page.html")
    return render(request, template, {
        "access": access, "project": access.project, "form": form, "title": title,
        "step": current, "subitem": subitem, "helper": helper, "reopen": reopen,
        "action": reverse("checklist:quantify", args=[access.project.pk, current.slug, helper]),
    }, status=form_status(request, form, reopen))
