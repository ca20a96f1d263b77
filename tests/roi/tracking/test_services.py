"""Tracking writes: who may do what in which state, the grid's upsert, unplanned lines,
reviews and their reminders."""

import datetime
from decimal import Decimal

import pytest

from roi.calculation import compute
from roi.projects.cases import project_case, project_lines
from roi.projects.models import LineItem, ProjectStatus
from roi.projects.services import ReopenRequired, project_update
from roi.review.changes import changes_since_approval
from roi.tenancy.models import Membership, Role
from roi.tracking import services
from roi.tracking.models import LineActual, ReviewDecision, ReviewReminder, TrackingReview
from roi.tracking.selectors import add_months, due_reviews, review_months


def test_only_an_approved_project_goes_into_tracking(world, apogea):
    with pytest.raises(services.TrackingError):
        services.tracking_start(project=apogea, user=world.users["consultant"],
                                go_live_date=datetime.date(2026, 1, 1))
    apogea.refresh_from_db()
    assert apogea.status == ProjectStatus.DRAFT and apogea.as_of_month is None


def test_start_and_close_months(world, approved):
    user = world.users["consultant"]
    services.tracking_start(project=approved, user=user, go_live_date=datetime.date(2026, 1, 1))
    assert approved.status == ProjectStatus.TRACKING and approved.as_of_month == 0
    assert compute(project_case(approved)).tracking.reforecast.roi_percent is not None
    services.tracking_close_month(project=approved, user=user, expected=0)
    assert approved.as_of_month == 1
    with pytest.raises(services.TrackingError):  # a second click on the same button
        services.tracking_close_month(project=approved, user=user, expected=0)
    with pytest.raises(services.TrackingError):
        services.tracking_set_month(project=approved, user=user, as_of_month=13)
    services.tracking_set_month(project=approved, user=user, as_of_month=12)
    with pytest.raises(services.TrackingError):
        services.tracking_close_month(project=approved, user=user)


def test_grid_upsert_and_the_worked_example(world, tracked):
    user = world.users["sales_director"]
    integration = LineItem.objects.get(project=tracked, category="integration")
    software = LineItem.objects.get(project=tracked, category="software")
    saved = services.actuals_save(project=tracked, user=user, values={
        (integration.pk, 1): Decimal("21500"), (software.pk, 1): Decimal("1000"),
        (software.pk, 2): None})
    assert (saved.created, saved.updated, saved.deleted) == (2, 0, 0)
    saved = services.actuals_save(project=tracked, user=user, values={
        (integration.pk, 1): Decimal("21500"), (software.pk, 1): None})
    assert (saved.created, saved.updated, saved.deleted) == (0, 0, 1)
    tracking = compute(project_case(tracked)).tracking
    # Method §6's worked example: 3 500 over on the integration, the rest to plan.
    assert tracking.cost_variance == Decimal("3500")
    assert tracking.reforecast.roi_percent.quantize(Decimal("0.01")) == Decimal("13.40")
    assert LineActual.objects.get(line=integration).updated_by == user


def test_grid_refuses_open_months_and_other_projects_lines(world, tracked):
    user = world.users["consultant"]
    line = LineItem.objects.filter(project=tracked).first()
    with pytest.raises(services.TrackingError):
        services.actuals_save(project=tracked, user=user, values={(line.pk, 7): Decimal(1)})
    other = LineItem.objects.create(project=world.other_project, kind="cost",
                                    category="software", label="x", amount=1,
                                    recurrence="monthly")
    with pytest.raises(services.TrackingError):
        services.actuals_save(project=tracked, user=user, values={(other.pk, 1): Decimal(1)})
    assert not LineActual.objects.exists()


def test_unplanned_line_is_not_a_change_of_the_plan(world, tracked):
    line = services.unplanned_line_add(project=tracked, user=world.users["consultant"],
                                       kind="cost", category="support", label="Hotline")
    assert not line.planned and line.amount == 0
    # Missing in the last closed month until its amount is entered (39 = Apogea's own).
    assert compute(project_case(tracked)).tracking.missing_actuals == 40
    services.actuals_save(project=tracked, user=world.users["consultant"],
                          values={(line.pk, 3): Decimal("800")})
    tracking = compute(project_case(tracked)).tracking
    assert tracking.cost_variance == Decimal("800")
    assert tracking.missing_actuals == 39  # reported: no longer missing, in any month
    changes = changes_since_approval(tracked, lines=project_lines(tracked))
    assert not changes.added
    tracked.refresh_from_db()
    assert tracked.status == ProjectStatus.TRACKING
    with pytest.raises(services.TrackingError):
        services.unplanned_line_add(project=tracked, user=world.users["consultant"],
                                    kind="cost", category="nope", label="x")


def test_changing_the_plan_of_a_tracked_project_asks_first_and_comes_back(world, tracked):
    with pytest.raises(ReopenRequired):
        project_update(project=tracked, user=world.users["consultant"], name="Autre")
    project_update(project=tracked, user=world.users["consultant"], name="Autre",
                   reopen=ProjectStatus.TRACKING)
    tracked.refresh_from_db()
    assert tracked.status == ProjectStatus.DRAFT and tracked.as_of_month == 6
    from roi.review import services as review
    from tests.roi.tracking.conftest import LINK
    review.project_submit(project=tracked, user=world.users["consultant"], link=LINK,
                          confirm_incomplete=True)
    review.project_approve(project=tracked, user=world.users["cfo"], link=LINK,
                           confirm_incomplete=True)
    tracked.refresh_from_db()
    assert tracked.status == ProjectStatus.TRACKING  # tracking resumes on the new approval


def test_review_milestones():
    assert review_months(12) == [3, 6, 12]
    assert review_months(36) == [3, 6, 12, 24, 36]
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


def test_record_a_review_with_actions(world, tracked):
    owner = Membership.objects.get(client=world.client, role=Role.SALES_DIRECTOR)
    milestones = due_reviews(tracked, today=datetime.date(2026, 4, 2))
    assert [(m.months, m.due_date, m.overdue) for m in milestones] == [
        (3, datetime.date(2026, 4, 1), True), (6, datetime.date(2026, 7, 1), False),
        (12, datetime.date(2027, 1, 1), False)]
    with pytest.raises(services.TrackingError):  # corrective without an action
        services.review_record(project=tracked, user=world.users["consultant"],
                               months_after_go_live=3, held_on=datetime.date(2026, 4, 2),
                               comment="Dérive", decision=ReviewDecision.CORRECTIVE)
    review = services.review_record(
        project=tracked, user=world.users["consultant"], months_after_go_live=3,
        held_on=datetime.date(2026, 4, 2), comment="Intégration au-dessus du devis",
        decision=ReviewDecision.CORRECTIVE,
        actions=[services.ActionInput("Renégocier le forfait", owner)])
    assert review.actions.get().owner == owner and review.as_of_month == 6
    with pytest.raises(services.TrackingError):  # once per milestone
        services.review_record(project=tracked, user=world.users["consultant"],
                               months_after_go_live=3, held_on=datetime.date(2026, 4, 2),
                               comment="", decision=ReviewDecision.ON_TRACK)
    outsider = Membership.objects.get(user=world.users["outsider"])
    with pytest.raises(services.TrackingError):
        services.review_record(
            project=tracked, user=world.users["consultant"], months_after_go_live=6,
            held_on=datetime.date(2026, 7, 2), comment="", decision=ReviewDecision.CORRECTIVE,
            actions=[services.ActionInput("x", outsider)])
    assert not due_reviews(tracked, today=datetime.date(2026, 4, 2))[0].overdue


def test_reminders_go_once_per_due_review(world, tracked, mailoutbox, committed):
    def link_of(project):
        return f"https://roi.example/p/{project.pk}/tracking/review/"

    assert committed(services.send_review_reminders, today=datetime.date(2026, 3, 31),
                     link_of=link_of) == 0
    mailoutbox.clear()  # the approval's emails, sent by the queue with the first commit
    assert committed(services.send_review_reminders, today=datetime.date(2026, 4, 1),
                     link_of=link_of) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "3 mois" in message.subject and link_of(tracked) in message.body
    assert set(message.to) == {world.users[r].email for r in ("consultant", "sales_director",
                                                               "cfo")}
    assert committed(services.send_review_reminders, today=datetime.date(2026, 4, 2),
                     link_of=link_of) == 0
    assert ReviewReminder.objects.count() == 1
    TrackingReview.objects.create(project=tracked, months_after_go_live=3,
                                  held_on=datetime.date(2026, 4, 2), comment="",
                                  decision=ReviewDecision.ON_TRACK)
    assert committed(services.send_review_reminders, today=datetime.date(2026, 7, 1),
                     link_of=link_of) == 1


def test_reminder_command(world, tracked, mailoutbox, committed):
    from django.core.management import call_command

    tracked.go_live_date = datetime.date(2020, 1, 1)
    committed(tracked.save)
    mailoutbox.clear()  # the approval's emails, sent by the queue with the first commit
    committed(call_command, "send_review_reminders", "--base-url", "https://roi.example")
    assert len(mailoutbox) == 1
    assert f"https://roi.example/projects/{tracked.pk}/tracking/review/" in mailoutbox[0].body


def test_the_workers_send_the_due_reminders_daily(world, tracked, mailoutbox, committed,
                                                 settings):
    from roi.tasks import periodic

    settings.SITE_URL = "https://roi.example.com"
    tracked.go_live_date = datetime.date(2020, 1, 1)
    committed(tracked.save)
    mailoutbox.clear()  # the approval's emails, sent by the queue with the first commit
    assert committed(periodic.review_reminders, timestamp=0) == 1
    assert committed(periodic.review_reminders, timestamp=0) == 0  # once per review
    assert len(mailoutbox) == 1
    assert (f"https://roi.example.com/projects/{tracked.pk}/tracking/review/"
            in mailoutbox[0].body)


def test_actuals_and_measurements_are_new_revisions_of_the_cached_figures(world, tracked):
    """The engine's results are cached by revision: what it reads after go-live (actuals, the
    last closed month, KPI measurements) is a new revision, read at once by the caller."""
    from roi.kpis import services as kpi_services
    from roi.projects.selectors import project_overview

    before = project_overview(tracked).result.tracking
    integration = LineItem.objects.get(project=tracked, category="integration")
    revision = tracked.revision
    services.actuals_save(project=tracked, user=world.users["consultant"],
                          values={(integration.pk, 1): Decimal("21500")})
    assert tracked.revision == revision + 1
    after = project_overview(tracked).result.tracking
    assert after.actual_costs != before.actual_costs
    kpi_services.measurement_add(project=tracked, code="churn_rate",
                                 date=datetime.date(2026, 3, 1), value=Decimal("7"),
                                 note="", user=world.users["consultant"])
    assert tracked.revision == revision + 2
