from django.core.management.base import BaseCommand

from roi.demo import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the demo users, clients and projects (local use only); idempotent."

    def handle(self, *args, **options):
        credentials = dict(demo_load())
        self.stdout.write("Demo accounts (for local use only, never in production):")
        for email, first, last, roles in DEMO_USERS:
            role = ", ".join(sorted({str(r.label) for r in roles.values()}))
            self.stdout.write(f"  {email:<36} {credentials[email]}   ({first} {last}, {role})")
