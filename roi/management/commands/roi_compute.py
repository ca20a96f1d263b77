import json

from django.core.management.base import BaseCommand

from roi.calculation import compute, results_document
from roi.management.casefile import read_case


class Command(BaseCommand):
    help = ("Compute a roi-case/1 file and print the results document (JSON). "
            "FILE may be - for standard input.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roi-case/1 JSON file, or - for standard input")

    def handle(self, *args, **options):
        case = read_case(options["file"])
        document = results_document(compute(case))
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
