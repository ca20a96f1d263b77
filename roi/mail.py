"""Email, sent once the transaction that asked for it has committed.

A write that notifies someone (an invitation, a submission, an approval, a comment) must not
email about something that is then rolled back, nor hold a row lock while a mail server
answers: the message is rendered now and sent after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


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
    transaction.on_commit(lambda: send_mail(subject=subject, message=body, from_email=None,
                                            recipient_list=recipients))
