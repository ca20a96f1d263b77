from django.core.management.base import BaseCommand

from roi.projects.services import DELETION_GRACE_DAYS, projects_purge


class Command(BaseCommand):
    help = (f"Remove for good the projects deleted more than {DELETION_GRACE_DAYS} days ago "
            "(run it daily, e.g. from cron).")

    def handle(self, *args, **options):
        count = projects_purge()
        self.stdout.write(f"Purged {count} object(s).")
