"""Reading interchange files for the management commands: clear errors, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from roi.calculation import Case, CaseFormatError, parse_case_json

MAX_FILE_BYTES = 5 * 1024 * 1024


def read_text(path: str) -> str:
    """Read FILE, or standard input for ``-``; refuse absurdly large input."""
    try:
        if path == "-":
            text = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with Path(path).open("rb") as handle:
                text = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CommandError(f"{path}: cannot read the file ({error.strerror}).") from None
    if len(text) > MAX_FILE_BYTES:
        raise CommandError(f"{path}: the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    try:
        return text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path}: the file is not UTF-8 text.") from None


def read_case(path: str) -> Case:
    try:
        return parse_case_json(read_text(path))
    except CaseFormatError as error:
        raise CommandError(f"{path}: invalid roi-case/1 document:\n{error}") from None


def write_output(text: str | bytes, output: str | None, stdout) -> None:
    if output in (None, "-"):
        stdout.write(text if isinstance(text, str) else text.decode())
        return
    try:
        mode = "wb" if isinstance(text, bytes) else "w"
        with Path(output).open(mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(text)
    except OSError as error:
        raise CommandError(f"{output}: cannot write the file ({error.strerror}).") from None
