"""Race-free status changes (issue 9, item 6): two approvers, one approving and one requesting
changes at the same moment, on real connections that commit. Either a frozen, emailed v1 and
the status "approved", or "changes_requested" and no version: never both. The version's PDF
and the emails leave after commit, never inside the transaction that holds the row lock."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection, transaction

from roi.documents import dossier
from roi.models import Comment, Membership, ProjectVersion, RoiProject
from roi.review import services
from roi.review.services import TransitionError
from tests.conftest import add_line, make_user

ROUNDS = 20
LINK = "https://roi.example/review"


@pytest.fixture
def second_cfo(world):
    user = make_user("cfo2@test.example", first_name="DAF adjoint")
    Membership.objects.create(user=user, client=world.client, role="cfo")
    return user


@pytest.fixture
def outside_the_transaction(monkeypatch):
    """Record, for every PDF render and every email, whether it ran inside a transaction
    (the real functions still run)."""
    seen: list[tuple[str, bool]] = []
    render, send = dossier.html_to_pdf, mail.EmailMessage.send

    def recording_render(html):
        seen.append(("pdf", connection.in_atomic_block))
        return render(html)

    def recording_send(message, fail_silently=False):
        seen.append(("mail", connection.in_atomic_block))
        return send(message, fail_silently)

    monkeypatch.setattr(dossier, "html_to_pdf", recording_render)
    monkeypatch.setattr(mail.EmailMessage, "send", recording_send)
    return seen


def _race(project_id: int, approver, requester) -> dict:
    """Approve and request changes at once, each on its own thread and connection."""
    start = threading.Barrier(2)
    outcome: dict = {}

    def act(name, call):
        try:
            start.wait()
            project = RoiProject.objects.get(pk=project_id)
            call(project)
            outcome[name] = "done"
        except TransitionError:
            outcome[name] = "refused"
        except Exception as error:  # noqa: BLE001 — reported by the test below
            outcome[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("approve", lambda p: services.project_approve(
            project=p, user=approver, link=LINK, confirm_incomplete=True))),
        threading.Thread(target=act, args=("request", lambda p: services.project_request_changes(
            project=p, user=requester, comment="Revoyez la conversion.", link=LINK))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcome


def test_approve_racing_request_changes_ends_in_one_state(transactional_db, world, second_cfo,
                                                          outside_the_transaction,
                                                          mailoutbox, run_worker):
    close_old_connections()
    approved = requested = 0
    rounds = []
    for round_number in range(ROUNDS):
        project = RoiProject.objects.create(client=world.client, name=f"Course {round_number}",
                                            status="submitted")
        add_line(project, "cost", "software", "12000", "yearly")
        add_line(project, "gain", "productivity", "30000", "yearly")
        # Alternate who starts first, so that both orders are exercised.
        first, second = ((world.users["cfo"], second_cfo) if round_number % 2
                         else (second_cfo, world.users["cfo"]))
        rounds.append((round_number, project, _race(project.pk, first, second)))
    # Nothing was rendered nor sent by the requests: the workers do it, after commit.
    assert outside_the_transaction == [] and mailoutbox == []
    run_worker()
    subjects = {m.subject for m in mailoutbox}
    assert len(mailoutbox) == ROUNDS
    for round_number, project, outcome in rounds:
        assert sorted(outcome.values()) == ["done", "refused"], outcome
        project.refresh_from_db()
        versions = list(ProjectVersion.objects.filter(project=project))
        requests = Comment.objects.filter(project=project, kind="request").count()
        if outcome["approve"] == "done":
            approved += 1
            assert project.status == "approved"
            (version,) = versions
            assert version.number == 1 and bytes(version.pdf).startswith(b"%PDF")
            assert requests == 0
            assert f"Approuvé (v1) : Course {round_number}" in subjects
        else:
            requested += 1
            assert project.status == "changes_requested"
            assert versions == [] and requests == 1
            assert f"Modifications demandées : Course {round_number}" in subjects
    # Each round ended in exactly one state, and every email was sent by the worker, outside
    # any transaction.
    assert approved + requested == ROUNDS
    assert all(not inside for _what, inside in outside_the_transaction), \
        outside_the_transaction


def test_the_pdf_and_the_emails_wait_for_the_commit(transactional_db, world, apogea,
                                                    outside_the_transaction, mailoutbox,
                                                    run_worker):
    """Inside the approval's transaction nothing is rendered nor sent, and nothing is queued
    that another connection could see; at its commit the jobs are there, and a worker renders
    the frozen PDF and sends the email."""
    apogea.status = "submitted"
    apogea.save()
    with transaction.atomic():
        version = services.project_approve(project=apogea, user=world.users["cfo"],
                                           link=LINK, confirm_incomplete=True)
        assert outside_the_transaction == [] and mailoutbox == []
        assert _jobs_seen_by_another_connection() == []
    assert sorted(_jobs_seen_by_another_connection()) == ["roi.render_document",
                                                          "roi.send_email"]
    assert outside_the_transaction == [] and mailoutbox == []
    assert bytes(ProjectVersion.objects.get(pk=version.pk).pdf) == b""
    run_worker()
    assert bytes(ProjectVersion.objects.get(pk=version.pk).pdf).startswith(b"%PDF")
    assert len(mailoutbox) == 1
    assert outside_the_transaction == [("mail", False)]


def _jobs_seen_by_another_connection() -> list[str]:
    import psycopg
    from procrastinate.contrib.django.utils import connector_params

    with psycopg.connect(**connector_params()) as other:
        return [name for (name,) in other.execute(
            "SELECT task_name FROM procrastinate_jobs WHERE status = 'todo'")]
