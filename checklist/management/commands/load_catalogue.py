from django.core.management.base import BaseCommand

from checklist.catalogue.loader import catalogue_load


class Command(BaseCommand):
    help = "Load the checklist catalogue (posts, sub-items, KPIs); idempotent."

    def handle(self, *args, **options):
        version, created = catalogue_load()
        if options["verbosity"] == 0:
            return
        posts = version.posts.count()
        items = sum(p.items.count() for p in version.posts.all())
        state = "loaded" if created else "already loaded"
        self.stdout.write(f"Checklist catalogue {version.version} {state}: "
                          f"{posts} posts, {items} sub-items, {version.kpis.count()} KPIs.")
