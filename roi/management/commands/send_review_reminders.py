"""Remind the editors and the CFO of the tracking reviews that are due (3, 6, 12 months after
go-live, then yearly), once per review. The logic is
:func:`roi.tracking.services.send_review_reminders`; the task workers run it daily
(``roi.review_reminders``), this command runs it now."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from roi.tracking.services import review_page_link, send_review_reminders


class Command(BaseCommand):
    help = "E-mail a reminder for each tracking review that is due (once per review)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=getattr(settings, "SITE_URL", ""),
                            help="the site's address for the links (default: SITE_URL)")

    def handle(self, *args, **options):
        base = options["base_url"] or ""
        sent = send_review_reminders(
            today=timezone.localdate(),
            link_of=lambda project: review_page_link(project, base=base))
        self.stdout.write(f"{sent} reminder(s) sent")
