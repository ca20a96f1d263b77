from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from roi.management.casefile import read_case
from roi.projects.selectors import lines_after_horizon
from roi.projects.services import case_import
from roi.tenancy.models import Client


class Command(BaseCommand):
    help = "Import a roi-case/1 file into a client as a new project."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roi-case/1 JSON file, or - for standard input")
        parser.add_argument("--client", required=True, type=int, help="the client's id")
        parser.add_argument("--name", help="the project's name (default: the case's name)")

    def handle(self, *args, **options):
        client = Client.objects.filter(pk=options["client"]).first()
        if client is None:
            raise CommandError(f"--client {options['client']}: no such client.")
        case = read_case(options["file"])
        try:
            project = case_import(case=case, client=client, name=options.get("name"))
        except ValidationError as error:
            lines = [f"{field}: {'; '.join(messages)}"
                     for field, messages in error.message_dict.items()]
            raise CommandError("the case cannot be stored:\n" + "\n".join(lines)) from None
        self.stdout.write(f"Imported project {project.pk} « {project.name} » into {client.name}.")
        notice = lines_after_horizon(project)
        if notice:
            self.stderr.write(notice)
