from django.core.management.base import BaseCommand, CommandError

from roi.calculation import case_to_json
from roi.management.casefile import write_output
from roi.projects.cases import project_case
from roi.projects.models import RoiProject


class Command(BaseCommand):
    help = "Export a project as a roi-case/1 JSON document."

    def add_arguments(self, parser):
        parser.add_argument("project_id", type=int)
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, **options):
        project = RoiProject.objects.filter(pk=options["project_id"]).first()
        if project is None:
            raise CommandError(f"project {options['project_id']}: no such project.")
        write_output(case_to_json(project_case(project)), options.get("output"),
                     self.stdout)
        if options.get("output") not in (None, "-"):
            self.stderr.write(f"Wrote {options['output']}.")
