"""Remind the editors and the CFO of the tracking reviews that are due (3, 6, 12 months after
go-live, then yearly), once per review. The logic is
:func:`roi.tracking.services.send_review_reminders`; run this daily (cron) until the queue
schedules it as a periodic task."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from roi.tracking.services import send_review_reminders


class Command(BaseCommand):
    help = "E-mail a reminder for each tracking review that is due (once per review)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=getattr(settings, "SITE_URL", ""),
                            help="the site's address for the links (default: SITE_URL)")

    def handle(self, *args, **options):
        base = (options["base_url"] or "").rstrip("/")

        def link_of(project) -> str:
            return base + reverse("roi:project_tracking_review", args=[project.pk])

        sent = send_review_reminders(today=timezone.localdate(), link_of=link_of)
        self.stdout.write(f"{sent} reminder(s) sent")
