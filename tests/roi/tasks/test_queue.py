"""The task queue, for real: jobs in the test database, run by an in-process Procrastinate
worker on committed data (``transactional_db``)."""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from roi.documents import dossier
from roi.documents.prepared import DOSSIER
from roi.mail import mail_after_commit
from roi.projects.services import project_changed
from roi.tasks import periodic
from roi.tasks.documents import (
    MAX_WAIT_SECONDS,
    RenderFailed,
    RenderTimeout,
    lock_of,
    render_in_child,
    render_state,
    request_render,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("run_worker")]


def jobs(**filters):
    return list(ProcrastinateJob.objects.filter(**filters).values_list("task_name", "status"))


def test_an_email_is_queued_with_the_write_and_sent_by_a_worker(world, run_worker,
                                                                 mailoutbox):
    with transaction.atomic():
        mail_after_commit(subject="Projet\nsoumis", template="roi/email/submitted.txt",
                          context={"project": world.project, "user": world.users["consultant"], "link": "/x"},
                          recipients=["daf@test.example", "daf@test.example"])
        assert mailoutbox == []  # nothing leaves inside the transaction
    assert jobs(task_name="roi.send_email") == [("roi.send_email", "todo")]
    run_worker()
    assert [m.to for m in mailoutbox] == [["daf@test.example"]]
    assert mailoutbox[0].subject == "Projet soumis"
    assert jobs(task_name="roi.send_email") == [("roi.send_email", "succeeded")]


def test_an_email_of_a_rolled_back_write_is_never_sent(world, run_worker, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_after_commit(subject="Invitation", template="roi/email/submitted.txt",
                          context={"project": world.project, "user": world.users["consultant"], "link": "/x"},
                          recipients=["daf@test.example"])
        raise RuntimeError
    assert jobs(task_name="roi.send_email") == []
    run_worker()
    assert mailoutbox == []


def test_edits_are_debounced_into_one_render_that_fills_the_download_cache(
        apogea, run_worker, settings):
    settings.RENDER_DEBOUNCE_SECONDS = 0
    user = apogea.created_by
    for _ in range(3):
        with transaction.atomic():
            project_changed(project=apogea, user=user)
    # One job waits for the project's dossier, whatever the number of edits.
    assert jobs(lock=lock_of(DOSSIER, apogea.pk)) == [("roi.render_document", "todo")]
    assert dossier.dossier_ready(apogea)[0] is None
    run_worker()
    assert render_state(DOSSIER, apogea.pk).status == "succeeded"
    content, filename = dossier.dossier_ready(apogea)
    assert content.startswith(b"%PDF") and filename.endswith("-brouillon.pdf")
    # The same bytes as the download renders: same function, same cache key.
    assert dossier.project_dossier(apogea)[0] == content


def test_each_edit_pushes_the_waiting_render_back_and_a_download_brings_it_forward(
        apogea, world, client, run_worker):
    def waiting():
        return list(ProcrastinateJob.objects.filter(
            lock=lock_of(DOSSIER, apogea.pk), status="todo").values_list("id", "scheduled_at"))

    request_render(DOSSIER, apogea.pk, delay=5)
    [(job, first)] = waiting()
    request_render(DOSSIER, apogea.pk, delay=20)  # the next edit: the edits go on
    [(same, later)] = waiting()
    assert same == job and (later - first).total_seconds() > 10
    # Edits that never pause still get their render: at most MAX_WAIT_SECONDS after the first.
    request_render(DOSSIER, apogea.pk, delay=600)
    [(same, capped)] = waiting()
    assert (capped - first).total_seconds() < MAX_WAIT_SECONDS
    run_worker()  # not due yet: nothing renders
    assert dossier.dossier_ready(apogea)[0] is None
    # Someone downloads it: due now, still one job, and the page says it is being prepared.
    client.force_login(world.users["consultant"])
    response = client.get(reverse("documents:project_dossier", args=[apogea.pk]))
    assert response.status_code == 200 and b"pr\xc3\xa9paration" in response.content
    [(same, due)] = waiting()
    assert same == job and due <= timezone.now()
    run_worker()
    assert render_state(DOSSIER, apogea.pk).status == "succeeded"
    assert dossier.dossier_ready(apogea)[0].startswith(b"%PDF")


def test_the_edit_after_a_render_is_rendered_again(apogea, run_worker, settings):
    settings.RENDER_DEBOUNCE_SECONDS = 0
    request_render(DOSSIER, apogea.pk)
    run_worker()
    before = dossier.dossier_ready(apogea)[0]
    apogea.name = "Nouveau nom"
    apogea.save(update_fields=["name"])
    assert dossier.dossier_ready(apogea)[0] is None  # the key follows the content
    with transaction.atomic():
        project_changed(project=apogea, user=apogea.created_by)
    run_worker()
    after = dossier.dossier_ready(apogea)[0]
    assert after is not None and after != before


def test_a_render_past_the_timeout_is_stopped(apogea):
    with pytest.raises(RenderTimeout):
        render_in_child(DOSSIER, apogea.pk, timeout=0.05)


def test_a_failed_render_raises_for_a_retry(world):
    with pytest.raises(RenderFailed, match="not found"):
        render_in_child(DOSSIER, 10**9, timeout=60)


def test_a_render_yields_the_processor_to_the_web_workers(monkeypatch, settings):
    """Its own session and scheduling group (Linux's autogroup), at RENDER_NICENESS: not only
    below the worker's other threads, below the web server's workers too."""
    import roi.tasks.documents as documents

    def report(kind, target_id):
        raise RuntimeError(f"nice={os.getpriority(os.PRIO_PROCESS, 0)} "
                           f"leader={os.getsid(0) == os.getpid()} group={' '.join(autogroup())}")

    settings.RENDER_NICENESS = 7
    monkeypatch.setattr(documents, "render", report)
    ours = autogroup()
    with pytest.raises(RenderFailed) as failed:
        render_in_child(DOSSIER, 1, timeout=60)
    message = str(failed.value)
    assert f"nice={os.getpriority(os.PRIO_PROCESS, 0) + 7}" in message
    assert "leader=True" in message
    group = message.split("group=")[1].split()
    if ours:  # where the kernel groups by session (autogroup; a sandbox's /proc may read empty)
        assert group[0] != ours[0] and group[1:3] == ["nice", "7"], message


def autogroup() -> list[str]:
    """This process's autogroup as the kernel tells it (``/autogroup-85 nice 0``), or [] where
    the kernel has none to tell."""
    try:
        with open("/proc/self/autogroup") as file:
            return file.read().split()
    except OSError:
        return []


def test_the_render_task_retries_failures_but_not_timeouts():
    from roi.tasks.documents import render_document

    strategy = render_document.retry_strategy
    assert strategy.max_attempts >= 2
    assert strategy.retry_exceptions == {RenderFailed}


def test_periodic_tasks_are_scheduled():
    from procrastinate.contrib.django import app

    periodic_tasks = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic_tasks["roi.cull_cache"] == "*/5 * * * *"
    assert periodic_tasks["roi.purge_deleted"] == "0 3 * * *"
    assert periodic_tasks["roi.review_reminders"] == "0 6 * * *"
    assert periodic_tasks["roi.daily_hooks"] == "0 7 * * *"
    assert periodic_tasks["roi.retry_stalled_jobs"] == "* * * * *"


def test_daily_hooks_run_each_registered_function_on_its_own(monkeypatch):
    calls = []

    def failing():
        calls.append("failing")
        raise RuntimeError("boom")

    def reminders():
        calls.append("reminders")

    monkeypatch.setattr(periodic, "DAILY_HOOKS", [])
    periodic.every_day(failing)
    periodic.every_day(reminders)
    periodic.every_day(reminders)  # idempotent
    done = periodic.daily_hooks(timestamp=0)
    assert calls == ["failing", "reminders"]
    assert done == [f"{__name__}.{reminders.__qualname__}"]


def test_purge_deleted_as_a_task(world):
    from datetime import timedelta

    from django.utils import timezone

    from roi.projects.models import RoiProject

    RoiProject.objects.filter(pk=world.project.pk).update(
        deleted_at=timezone.now() - timedelta(days=365))
    assert periodic.purge_deleted(timestamp=0) >= 1
    assert not RoiProject.objects.filter(pk=world.project.pk).exists()


def test_a_job_of_a_dead_worker_is_retried_and_finished(apogea, run_worker, settings):
    """A worker killed mid-render leaves its job 'doing'; meanwhile an edit queued another
    render with the same lock. The periodic retry puts the stalled job back (dropping the
    redundant one) and the next worker finishes it."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from django.db import connection
    from procrastinate.contrib.django import app

    settings.RENDER_DEBOUNCE_SECONDS = 0
    request_render(DOSSIER, apogea.pk)
    (stalled,) = ProcrastinateJob.objects.filter(task_name="roi.render_document")
    with connection.cursor() as cursor:  # what a killed worker leaves behind
        cursor.execute("INSERT INTO procrastinate_workers (last_heartbeat) VALUES "
                       "(NOW() - INTERVAL '10 minutes') RETURNING id")
        (dead_worker,) = cursor.fetchone()
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s "
                       "WHERE id = %s", [dead_worker, stalled.id])
    with transaction.atomic():
        project_changed(project=apogea, user=apogea.created_by)
    assert sorted(jobs(lock=lock_of(DOSSIER, apogea.pk))) == [
        ("roi.render_document", "doing"), ("roi.render_document", "todo")]

    # On a thread of its own, as a worker runs it: its event loop never meets one already
    # running here (Playwright's, in the browser tests).
    with ThreadPoolExecutor(max_workers=1) as pool:
        retried = pool.submit(asyncio.run, periodic.retry_stalled_jobs.func(
            SimpleNamespace(app=app), timestamp=0)).result()
    assert retried == 1
    assert sorted(jobs(lock=lock_of(DOSSIER, apogea.pk))) == [
        ("roi.render_document", "cancelled"), ("roi.render_document", "todo")]
    run_worker()
    stalled.refresh_from_db()
    assert stalled.status == "succeeded" and stalled.attempts >= 1
    assert dossier.dossier_ready(apogea)[0].startswith(b"%PDF")
