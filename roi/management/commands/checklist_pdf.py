from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import override

from roi.documents.checklist import render_checklist
from roi.management.casefile import write_output


class Command(BaseCommand):
    help = ("Render the blank checklist (PDF): every post and sub-item with check boxes and "
            "room for amounts. Uses the catalogue loaded in the database, or the catalogue "
            "file shipped with the code when none is loaded.")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--lang", default="fr", choices=["fr", "en"],
                            help="language of the checklist (default: fr)")

    def handle(self, *args, **options):
        if options["output"] == "-":
            raise CommandError("-o: give a file name; a PDF is not written to the terminal.")
        with override(options["lang"]):
            try:
                content = render_checklist()
            except DatabaseError:
                # No database (or not migrated): the catalogue file shipped with the code is
                # the same checklist.
                self.stderr.write("No catalogue in the database: using the catalogue file.")
                content = render_checklist(use_database=False)
        write_output(content, options["output"], self.stdout)
        self.stdout.write(f"Checklist written to {options['output']} ({len(content)} bytes).")
