"""Email, sent by a worker: the message is rendered by the request and queued inside its
transaction, so it leaves only if the write commits, and a slow mail server never holds a
request or a row lock. A failed delivery is retried with a growing delay."""

from __future__ import annotations

from django.core.mail import send_mail
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app


@app.task(name="roi.send_email", queue="mail",
          retry=RetryStrategy(max_attempts=6, exponential_wait=5))
def send_email(*, subject: str, body: str, recipients: list[str]) -> None:
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
