from django.core.management.base import BaseCommand, CommandError

from roi.documents.dossier import render_case_dossier
from roi.management.casefile import read_case, write_output


class Command(BaseCommand):
    help = ("Render the CODIR dossier (PDF) of a roi-case/1 file. FILE may be - for standard "
            "input. No database needed.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roi-case/1 JSON file, or - for standard input")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--client", default="", help="client name shown on the cover")
        parser.add_argument("--lang", default="fr", choices=["fr", "en"],
                            help="language of the dossier (default: fr)")

    def handle(self, *args, **options):
        if options["output"] == "-":
            raise CommandError("-o: give a file name; a PDF is not written to the terminal.")
        case = read_case(options["file"])
        try:
            content = render_case_dossier(case, client_name=options["client"],
                                          lang=options["lang"])
        except ValueError as error:
            raise CommandError(f"{options['file']}: {error}") from None
        write_output(content, options["output"], self.stdout)
        self.stdout.write(f"Dossier written to {options['output']} ({len(content)} bytes).")
