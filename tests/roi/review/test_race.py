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
                                                          mailoutbox):
    close_old_connections()
    approved = requested = 0
    for round_number in range(ROUNDS):
        project = RoiProject.objects.create(client=world.client, name=f"Course {round_number}",
                                            status="submitted")
        add_line(project, "cost", "software", "12000", "yearly")
        add_line(project, "gain", "productivity", "30000", "yearly")
        sent_before = len(mailoutbox)
        # Alternate who starts first, so that both orders are exercised.
        first, second = ((world.users["cfo"], second_cfo) if round_number % 2
                         else (second_cfo, world.users["cfo"]))
        outcome = _race(project.pk, first, second)

        assert sorted(outcome.values()) == ["done", "refused"], outcome
        project.refresh_from_db()
        versions = list(ProjectVersion.objects.filter(project=project))
        requests = Comment.objects.filter(project=project, kind="request").count()
        sent = mailoutbox[sent_before:]
        if outcome["approve"] == "done":
            approved += 1
            assert project.status == "approved"
            (version,) = versions
            assert version.number == 1 and bytes(version.pdf).startswith(b"%PDF")
            assert requests == 0
            assert [m.subject for m in sent] == [f"Approuvé (v1) : Course {round_number}"]
        else:
            requested += 1
            assert project.status == "changes_requested"
            assert versions == [] and requests == 1
            assert [m.subject for m in sent] == [
                f"Modifications demandées : Course {round_number}"]
    # Each round ended in exactly one state, and every render and email ran once the
    # transactions had committed.
    assert approved + requested == ROUNDS
    assert ("pdf", False) in outside_the_transaction and ("mail", False) in \
        outside_the_transaction
    assert all(not inside for _what, inside in outside_the_transaction), \
        outside_the_transaction


def test_the_pdf_and_the_emails_wait_for_the_commit(transactional_db, world, apogea,
                                                    outside_the_transaction, mailoutbox):
    """Inside the approval's transaction nothing is rendered nor sent; both happen at its
    commit, in that order of registration (the signal, then the emails)."""
    apogea.status = "submitted"
    apogea.save()
    with transaction.atomic():
        version = services.project_approve(project=apogea, user=world.users["cfo"],
                                           link=LINK, confirm_incomplete=True)
        assert outside_the_transaction == [] and mailoutbox == []
    assert [what for what, _inside in outside_the_transaction] == ["pdf", "mail"]
    assert bytes(ProjectVersion.objects.get(pk=version.pk).pdf).startswith(b"%PDF")
    assert len(mailoutbox) == 1
