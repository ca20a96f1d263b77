from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from roi.documents.workbook import build_workbook
from roi.management.casefile import read_case, write_output


class Command(BaseCommand):
    help = ("Write the Excel workbook (live formulas) of a roi-case/1 file. FILE may be - for "
            "standard input; the workbook goes to -o OUT.xlsx (default: FILE with .xlsx).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roi-case/1 JSON file, or - for standard input")
        parser.add_argument("-o", "--output",
                            help="the .xlsx file to write (required when FILE is -)")
        parser.add_argument("--lang", default="fr", choices=sorted(dict(settings.LANGUAGES)),
                            help="language of the sheets and labels (default: fr)")

    def handle(self, *args, **options):
        source, output = options["file"], options["output"]
        if not output:
            if source == "-":
                raise CommandError("-o OUT.xlsx is required when the case is read from "
                                   "standard input.")
            output = str(Path(source).with_suffix(".xlsx"))
        if source != "-" and Path(output).resolve() == Path(source).resolve():
            raise CommandError(f"{output}: refusing to overwrite the case file; use -o.")
        if output == "-":
            # Bytes on a terminal help nobody, and write_output would try to decode them.
            raise CommandError("-o must name a file: an .xlsx workbook is binary.")
        case = read_case(source)
        try:
            data = build_workbook(case, lang=options["lang"])
        except ValueError as error:  # a case the engine refuses (read_case validates first)
            raise CommandError(f"{source}: {error}") from None
        write_output(data, output, self.stdout)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{output}: {len(data)} bytes written.")
