"""The KPI follow-up page: each KPI's chart, measurements and (for editors) a form to add one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roi.access import Action, ProjectAccess, require_project
from roi.documents.dossier import kpi_value
from roi.documents.kpi_charts import kpi_svg
from roi.formats import Formatter, active_language
from roi.kpis import selectors, services
from roi.kpis.forms import MeasurementForm
from roi.kpis.selectors import KpiTrack
from roi.projects.selectors import project_overview


def _page_url(access: ProjectAccess, code: str) -> str:
    return f"{reverse('roi:project_kpis', args=[access.project.pk])}#kpi-{code}"


def _card(track: KpiTrack, fmt: Formatter, lang: str, form: MeasurementForm | None) -> dict:
    unit = track.definition.unit
    entry = track.entry
    baseline = entry.baseline if entry else None
    target = entry.target if entry else None
    points = [(m.date, m.value) for m in track.measurements]

    def label(value):
        return kpi_value(value, unit, fmt)

    # A KPI with neither a baseline, a target nor a measurement has nothing to draw yet.
    followed = baseline is not None or target is not None or bool(points)
    charts = [kpi_svg(name=track.definition.name, baseline=baseline, target=target,
                      measurements=points, label=label, lang=lang, compact=compact)
              for compact in (False, True)] if followed else []
    return {
        "track": track, "code": track.definition.code, "charts": charts, "followed": followed,
        "baseline": label(baseline), "target": label(target),
        "rows": [(m, label(m.value)) for m in reversed(track.measurements)],
        "progress": track.progress,
        "achievement": (fmt.percent(track.progress.achievement_percent, 0)
                        if track.progress and track.progress.actual is not None
                        and track.progress.achievement_percent is not None else ""),
        "form": form,
    }


@require_project(Action.VIEW)
def kpi_page(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """GET: the page. POST (editors, enforced by the decorator): add one measurement."""
    project = access.project
    overview = project_overview(project)
    tracks = selectors.kpi_tracks(overview)
    codes = {track.definition.code for track in tracks}
    bound = None
    if request.method == "POST":
        bound = MeasurementForm(request.POST, codes=codes)
        if bound.is_valid():
            data = bound.cleaned_data
            services.measurement_add(project=project, code=data["code"], date=data["date"],
                                     value=data["value"], note=data["note"], user=request.user)
            messages.success(request, _("Mesure enregistrée."))
            return redirect(_page_url(access, data["code"]))
    lang = active_language()
    fmt = Formatter(lang=lang, currency=project.currency)
    posted = request.POST.get("code") if bound is not None else None
    cards = [
        _card(track, fmt, lang,
              bound if posted == track.definition.code
              else MeasurementForm(codes=codes, initial={"code": track.definition.code}))
        for track in tracks
    ]
    return render(request, "roi/kpis.html", {
        "access": access, "project": project, "client": access.client,
        "cards": [card for card in cards if card["followed"]],
        "others": [card for card in cards if not card["followed"]],
        "form": bound,
    }, status=400 if bound is not None else 200)


@require_POST
@require_project(Action.EDIT)
def measurement_delete(request: HttpRequest, access: ProjectAccess,
                       measurement_id: int) -> HttpResponse:
    measurement = selectors.project_measurement(access.project, measurement_id)
    if measurement is None:
        raise Http404
    code = measurement.kpi.code
    services.measurement_delete(measurement=measurement)
    messages.success(request, _("Mesure supprimée."))
    return redirect(_page_url(access, code))
