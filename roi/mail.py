"""Email, sent by a worker once the transaction that asked for it has committed.

A write that notifies someone (an invitation, a submission, an approval, a comment) must not
email about something that is then rolled back, nor hold a row lock while a mail server
answers: the message is rendered now and queued in the same transaction (a Procrastinate job,
:mod:`roi.tasks.mail`), which a worker sees and sends only once it has committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.template.loader import render_to_string

from roi.tasks.mail import send_email


def one_line(text: str) -> str:
    """A header-safe subject: a client or project name may carry a line break."""
    return " ".join(str(text).split())


def mail_after_commit(*, subject: str, template: str, context: dict,
                      recipients: Iterable[str]) -> None:
    recipients = sorted(set(recipients))
    if not recipients:
        return
    subject = one_line(subject)
    body = render_to_string(template, context)
    with transaction.atomic():
        send_email.defer(subject=subject, body=body, recipients=recipients)
