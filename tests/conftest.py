"""Shared fixtures: one client company with a member of every role, and an outsider."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from roi.projects.models import LineItem, RoiProject
from roi.projects.services import project_refresh_figures
from roi.tenancy.models import Client, Membership, Role

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_jobs_in_this_transaction(*, documents: bool = False) -> int:
    """Run, in this test's own transaction, the jobs queued in it for the emails and the
    frozen version PDFs (then delete them), and return how many ran.

    The queue is the real one (rows of procrastinate_jobs in the test database, their
    arguments through JSON); only the execution differs from a worker's: a test that runs
    inside a transaction that never commits cannot be seen by a worker's own connection.
    The tests of the queue itself (tests/roi/tasks/) run real workers on committed data.
    The dossier's debounced re-renders are left queued (no PDF for every wizard test) unless
    ``documents``: then every queued render runs too."""
    from django.db import connection
    from procrastinate.contrib.django import app

    from roi.documents.prepared import VERSION, render
    from roi.tasks.documents import RENDER_TASK

    count = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo' "
                "AND (task_name = 'roi.send_email' OR (task_name = %s AND (%s OR "
                "args->>'kind' = %s))) ORDER BY id", [RENDER_TASK, documents, VERSION])
            jobs = cursor.fetchall()
            if not jobs:
                return count
            for job_id, task_name, raw in jobs:
                args = json.loads(raw) if isinstance(raw, str) else raw
                cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [job_id])
                if task_name == RENDER_TASK:
                    render(args["kind"], args["target_id"])
                else:
                    app.tasks[task_name](**args)
                count += 1


def download_prepared(django_client, url: str):
    """GET a document the workers prepare, as a user does: the page "en préparation" first,
    the queued render run (in this test's transaction), then the file itself."""
    first = django_client.get(url)
    if first.status_code != 200 or not first["Content-Type"].startswith("text/html"):
        return first
    assert "Dossier en préparation" in first.content.decode(), first.content[:300]
    assert run_jobs_in_this_transaction(documents=True) >= 1
    return django_client.get(url)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Do something (a request, a service call) and then what it asked to do once its
    transaction commits (emails, rendering), as production does: the tests run inside a
    transaction that never commits."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        run_jobs_in_this_transaction()
        return result

    return run


@pytest.fixture
def run_worker(transactional_db):
    """Run a real Procrastinate worker in this process until the queue is empty (committed
    data only: use it in tests on ``transactional_db``)."""
    from django.db import connection
    from procrastinate.contrib.django import app

    # The queue's tables are not Django's to flush between tests: start from an empty queue.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_periodic_defers CASCADE")

    def work(options, failures) -> None:
        try:
            connector = app.connector.get_worker_connector()
            with app.replace_connector(connector):
                app.run_worker(wait=False, install_signal_handlers=False,
                               listen_notify=False, **options)
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)

    def run(**options) -> None:
        # On a thread of its own: its event loop never meets one already running here
        # (Playwright's, in the browser tests).
        failures: list[BaseException] = []
        thread = threading.Thread(target=work, args=(options, failures))
        thread.start()
        thread.join(timeout=600)
        if failures:
            raise failures[0]

    return run


@dataclass
class World:
    client: Client
    other_client: Client
    project: RoiProject
    other_project: RoiProject
    users: dict  # role name (or "outsider") -> user


def make_user(email: str, **extra):
    User = get_user_model()
    user = User.objects.create_user(username=email, email=email, password=PASSWORD, **extra)
    return user


@pytest.fixture
def world(db) -> World:
    client = Client.objects.create(name="Durand Industrie", sector="Industrie", headcount=60)
    other_client = Client.objects.create(name="Concurrent SA", sector="Services", headcount=10)
    users = {}
    for role in Role:
        user = make_user(f"{role.value}@test.example", first_name=role.label)
        Membership.objects.create(user=user, client=client, role=role)
        users[role.value] = user
    outsider = make_user("outsider@test.example")
    Membership.objects.create(user=outsider, client=other_client, role=Role.CONSULTANT)
    users["outsider"] = outsider
    project = RoiProject.objects.create(client=client, name="CRM connecté à l’ERP",
                                        created_by=users["consultant"])
    other_project = RoiProject.objects.create(client=other_client, name="Projet concurrent")
    return World(client, other_client, project, other_project, users)


def add_line(project: RoiProject, kind: str, category: str, amount: str, recurrence: str,
             **extra) -> LineItem:
    line = LineItem(project=project, kind=kind, category=category,
                    label=extra.pop("label", f"{category} {amount}"), amount=Decimal(amount),
                    recurrence=recurrence, **extra)
    line.full_clean()
    line.save()
    bump_revision(project)
    return line


def bump_revision(project: RoiProject) -> None:
    """What every write of the services does (services.project_changed): a new revision, the
    key of the engine's cached results. For tests that write rows directly."""
    RoiProject.objects.filter(pk=project.pk).update(revision=F("revision") + 1)
    project.refresh_from_db(fields=["revision"])


@pytest.fixture
def apogea(world) -> RoiProject:
    """The reference case of seed 000 on the world's project (H = 12)."""
    for kind, category, amount, recurrence in [
        ("cost", "software", "12000", "yearly"), ("cost", "integration", "18000", "once"),
        ("cost", "training", "5000", "once"), ("cost", "support", "3000", "yearly"),
        ("cost", "internal", "7000", "once"), ("gain", "productivity", "18000", "yearly"),
        ("gain", "conversion", "22000", "yearly"), ("gain", "marketing", "6000", "yearly"),
        ("gain", "retention", "9000", "yearly"),
    ]:
        add_line(world.project, kind, category, amount, recurrence)
    project_refresh_figures(world.project)
    return world.project


def pytest_sessionfinish(session, exitstatus):
    """A skipped or expected-to-fail test is not a passing test: the run fails."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    left_out = [r for key in ("skipped", "xfailed", "xpassed") for r in reporter.stats.get(key, [])]
    if left_out and exitstatus == 0:
        reporter.write_line(f"{len(left_out)} test(s) skipped or xfail: the suite fails.",
                            red=True)
        session.exitstatus = 1
