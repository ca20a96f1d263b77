import json
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roi.calculation.comparison import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    Comparison,
    ComparisonError,
    compare,
    comparison_document,
)
from roi.documents.comparison import build_comparison_workbook, render_comparison_pdf
from roi.management.casefile import read_case, write_output


def _json(comparison: Comparison) -> str:
    return json.dumps(comparison_document(comparison), ensure_ascii=False, indent=2) + "\n"


def _pdf(comparison: Comparison) -> bytes:
    return render_comparison_pdf(comparison)


def _xlsx(comparison: Comparison) -> bytes:
    return build_comparison_workbook(comparison)


# How each kind of -o file is written, by suffix: comparison -> text or bytes. "-" is standard
# output, as JSON.
RENDERERS = {".json": _json, ".pdf": _pdf, ".xlsx": _xlsx}


class Command(BaseCommand):
    help = (f"Compare {MIN_OPTIONS} to {MAX_OPTIONS} roi-case/1 files (method §7; the first is "
            "the reference) and print the comparison document (JSON). One FILE may be - for "
            "standard input.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE",
                            help="roi-case/1 JSON files, the reference first")
        parser.add_argument("-o", "--output", default="-",
                            help="where to write: a .json, .pdf (the comparison dossier) or "
                                 ".xlsx (live formulas) file, or - for standard output "
                                 "(default, JSON)")

    def handle(self, *args, **options):
        files, output = options["files"], options["output"]
        if not MIN_OPTIONS <= len(files) <= MAX_OPTIONS:
            raise CommandError(f"give {MIN_OPTIONS} to {MAX_OPTIONS} roi-case/1 files to "
                               f"compare (the reference first); got {len(files)}.")
        if files.count("-") > 1:
            raise CommandError("standard input (-) can be read only once.")
        render = self._renderer(output)
        if output != "-" and any(file != "-" and Path(file).resolve() == Path(output).resolve()
                                 for file in files):
            raise CommandError(f"{output}: refusing to overwrite a case file; use another -o.")

        cases, errors = [], []
        for file in files:  # read every file, so that one run lists every bad one
            try:
                case = read_case(file)
            except CommandError as error:
                errors.append(str(error))
                continue
            # The document names each option; a case without a name is called by its file.
            cases.append(case if case.name else replace(case, name=file))
        if errors:
            raise CommandError("\n".join(errors))
        try:
            comparison = compare(cases)
        except ComparisonError as error:
            raise CommandError("\n".join(
                self._problem_line(problem, files) for problem in error.problems)) from None
        except ValueError as error:  # a case the engine refuses (read_case validates first)
            raise CommandError(str(error)) from None
        write_output(render(comparison), output, self.stdout)
        if output != "-" and options["verbosity"] >= 1:
            self.stdout.write(f"{output}: comparison of {len(files)} options written.")

    @staticmethod
    def _renderer(output: str):
        suffix = ".json" if output == "-" else Path(output).suffix.lower()
        if suffix not in RENDERERS:
            raise CommandError(f"{output}: -o must be a .json, .pdf or .xlsx file, or - "
                               "(standard output, JSON).")
        return RENDERERS[suffix]

    @staticmethod
    def _problem_line(problem, files: list[str]) -> str:
        if problem.option is None:
            return str(problem)
        return (f"{files[problem.option]}: {problem.key} {problem.value} differs from the "
                f"reference {files[0]} ({problem.reference_value})")
