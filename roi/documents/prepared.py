"""The documents a worker prepares: for each kind, what is already there (never rendering) and
how to render it into the document cache (or the frozen version).

A download asks :func:`ready`; when the file is not there, it asks a worker
(:mod:`roi.tasks.documents`) to :func:`render` it and shows that it is being prepared. The
worker renders with the same functions and the same cache keys as the download reads, so a
document rendered once is then a cache hit for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from roi.documents import checklist, dossier, tracking_report, workbook
from roi.documents.comparison import OptionInfo, cached_comparison_pdf, comparison_pdf_ready
from roi.documents.downloads import PDF, XLSX
from roi.options.models import Decision
from roi.options.selectors import decision_comparison, decision_options
from roi.projects.models import RoiProject
from roi.review.models import ProjectVersion
from roi.tracking.models import TrackingReview

DOSSIER = "dossier"
CHECKLIST = "checklist"
XLSX_KIND = "xlsx"
VERSION = "version"
REVIEW_REPORT = "review_report"  # the "Bilan à N mois" of a tracking review
DECISION = "decision"  # the comparison dossier of a decision's options
PROJECT_KINDS = (DOSSIER, CHECKLIST, XLSX_KIND)
KINDS = (*PROJECT_KINDS, VERSION, REVIEW_REPORT, DECISION)


@dataclass(frozen=True)
class Ready:
    content: bytes | None  # None: not rendered yet
    filename: str
    content_type: str


def _project(project_id: int) -> RoiProject | None:
    return RoiProject.objects.select_related("client").filter(pk=project_id).first()


def _version(version_id: int) -> ProjectVersion | None:
    return ProjectVersion.objects.select_related(
        "project__client", "approved_by", "catalogue").filter(pk=version_id).first()


def review_target(review_id: int) -> TrackingReview | None:
    return TrackingReview.objects.select_related("project__client").filter(
        pk=review_id).first()


def decision_target(decision_id: int) -> Decision | None:
    return Decision.objects.select_related("client").filter(pk=decision_id).first()


def _decision_pdf(decision: Decision, *, render: bool) -> bytes | None:
    """The comparison dossier as the decision stands, in its reference option's language
    (as a project's dossier is in the project's): rendered only when ``render``."""
    options = decision_options(decision)
    lang = (options[0].project.language if options else "") or "fr"
    state = decision_comparison(decision, lang=lang)
    if state.comparison is None:
        return None
    parts = dict(comparison=state.comparison, document=state.document, title=decision.name,
                 client_name=decision.client.name, lang=lang,
                 options=[OptionInfo.of(option.project.name, overview.completeness)
                          for option, overview in zip(state.options, state.overviews,
                                                      strict=True)])
    return cached_comparison_pdf(**parts) if render else comparison_pdf_ready(**parts)


def decision_filename(decision: Decision) -> str:
    return f"comparaison-{slugify(decision.name) or 'options'}.pdf"


def ready(kind: str, target) -> Ready:
    """What a download of ``kind`` for ``target`` (a project; a version for ``version``)
    would hand over, if it is already rendered. A few queries; never renders."""
    if kind == DOSSIER:
        content, filename = dossier.dossier_ready(target)
        return Ready(content, filename, PDF)
    if kind == CHECKLIST:
        return Ready(checklist.checklist_ready(target), checklist.checklist_filename(target),
                     PDF)
    if kind == XLSX_KIND:
        return Ready(workbook.workbook_ready(target),
                     f"{slugify(target.name) or 'projet'}.xlsx", XLSX)
    if kind == VERSION:
        return Ready(bytes(target.pdf) or None, dossier.version_filename(target), PDF)
    if kind == REVIEW_REPORT:
        return Ready(tracking_report.review_report_ready(target),
                     tracking_report.review_report_filename(target.project,
                                                            target.months_after_go_live), PDF)
    if kind == DECISION:
        return Ready(_decision_pdf(target, render=False), decision_filename(target), PDF)
    raise ValueError(kind)


def render(kind: str, target_id: int) -> bool:
    """Render ``kind`` for the project (or version) ``target_id`` into the cache (or the
    version row). False when the target no longer exists. Slow: workers only."""
    if kind == VERSION:
        version = _version(target_id)
        if version is None:
            return False
        if not version.pdf:
            ProjectVersion.objects.filter(pk=target_id, pdf=b"").update(
                pdf=dossier.render_version_dossier(version))
        return True
    if kind == REVIEW_REPORT:
        review = review_target(target_id)
        if review is not None:
            tracking_report.review_report(review)
        return review is not None
    if kind == DECISION:
        decision = decision_target(target_id)
        if decision is not None:
            _decision_pdf(decision, render=True)
        return decision is not None
    project = _project(target_id)
    if project is None:
        return False
    if kind == DOSSIER:
        dossier.project_dossier(project)
    elif kind == CHECKLIST:
        checklist.render_checklist(project)
    elif kind == XLSX_KIND:
        workbook.project_workbook(project)
    else:
        raise ValueError(kind)
    return True
