"""Access-matrix rows for the tracking pages (read by tests/roi/test_access.py).

Most rows put the target project into tracking first (two closed months), so that the
allowed roles reach the real page or write, not a redirect."""

import datetime

from django.urls import reverse

from roi.access import Action


def _tracked(project, *, review: bool = False):
    from roi.models import LineItem, ProjectStatus, ReviewDecision, TrackingReview

    project.status = ProjectStatus.TRACKING
    project.go_live_date = datetime.date(2026, 1, 1)
    project.as_of_month = 2
    project.save()
    if not LineItem.objects.filter(project=project).exists():
        LineItem.objects.create(project=project, kind="cost", category="software",
                                label="Licences", amount=100, recurrence="monthly")
    if review:
        TrackingReview.objects.get_or_create(
            project=project, months_after_go_live=3,
            defaults={"held_on": datetime.date(2026, 4, 2), "comment": "RAS",
                      "decision": ReviewDecision.ON_TRACK, "as_of_month": 2})
    return project


def tracked(name: str, *args, review: bool = False):
    def url(project) -> str:
        _tracked(project, review=review)
        return reverse(name, args=[project.pk, *args])
    return url


def approved(name: str):
    def url(project) -> str:
        from roi.models import ProjectStatus

        project.status = ProjectStatus.APPROVED
        project.save()
        return reverse(name, args=[project.pk])
    return url




# url name -> (kwarg kind, method, action needed, POST data), as in tests/roi/test_access.py.
MATRIX: dict = {
    "roi:project_tracking": ("project", "get", Action.VIEW, None),
    "roi:project_tracking#tracked": (tracked("roi:project_tracking"), "get", Action.VIEW, None),
    "roi:project_tracking_start": (approved("roi:project_tracking_start"), "get", Action.EDIT,
                                   None),
    "roi:project_tracking_start#post": (approved("roi:project_tracking_start"), "post",
                                        Action.EDIT,
                                        {"go_live_date": "2026-01-01", "as_of_month": "0"}),
    "roi:project_tracking_month": (tracked("roi:project_tracking_month"), "post", Action.EDIT,
                                   {"expected": "2"}),
    "roi:project_actuals": (tracked("roi:project_actuals"), "get", Action.VIEW, None),
    "roi:project_actuals#post": (tracked("roi:project_actuals"), "post", Action.EDIT, {}),
    "roi:project_unplanned_add": (tracked("roi:project_unplanned_add"), "post", Action.EDIT,
                                  {"post": "cost:support", "label": "Hotline"}),
    "roi:project_tracking_review": (tracked("roi:project_tracking_review"), "get",
                                    Action.EDIT, None),
    "roi:project_tracking_review#post": (
        tracked("roi:project_tracking_review"), "post", Action.EDIT,
        {"months_after_go_live": "3", "held_on": "2026-04-02", "decision": "on_track",
         "comment": "Conforme"}),
    "documents:tracking_review_pdf": (tracked("documents:tracking_review_pdf", 3, review=True),
                                      "get", Action.VIEW, None),
    "documents:tracking_review_pdf_status": (
        tracked("documents:tracking_review_pdf_status", 3, review=True), "get", Action.VIEW,
        None),
}
