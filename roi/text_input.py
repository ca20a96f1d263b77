"""Text as people type (or paste, or forge) it, made fit to store: the one rule for every free
text of the product (form fields, comments, search, the import's project name).

- Invisible control characters (NUL, the other C0 and C1 controls, DEL) carry nothing a reader
  sees, and PostgreSQL refuses NUL in text: they never reach the database.
- A single-line text (a client, project or line name) holds no line break: a name travels into
  email subjects, file names and one-line cells. A tab pasted from a spreadsheet is a space.
- A multi-line text keeps its line breaks, written ``\\n`` (a browser sends ``\\r\\n``).

Forms refuse such input with a message and show it back cleaned (see
:class:`roi.fields.TextField`); places with no form to show back (comments, search) store the
cleaned text, which is what the user sees anyway.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return (handled as line breaks), DEL, and the C1
# controls but NEL (a line break).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_TAB = re.compile(r"\t")


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds an invisible control character (NUL included)."""
    return _CONTROL.search(text) is not None


def has_line_break(text: str) -> bool:
    return _LINE_BREAK.search(text) is not None


def normalise_line_breaks(text: str) -> str:
    """Every line break written ``\\n`` (a browser sends ``\\r\\n``)."""
    return _LINE_BREAK.sub("\n", text)


def clean_single_line(text: str) -> str:
    """``text`` without control characters, its line breaks and tabs turned into spaces."""
    text = _CONTROL.sub("", str(text))
    return _TAB.sub(" ", _LINE_BREAK.sub(" ", text))


def clean_multiline(text: str) -> str:
    """``text`` without control characters, every line break written ``\\n``."""
    return normalise_line_breaks(_CONTROL.sub("", str(text)))


def clean_text(text: str, *, single_line: bool) -> str:
    return clean_single_line(text) if single_line else clean_multiline(text)
