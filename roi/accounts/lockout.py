"""What django-axes records of a login attempt.

Axes stores the typed username in a 255-character column: a longer one (a fuzzer's, or a
pasted paragraph) made the failed login a 500 (DataError). The login form refuses anything
longer than an email address (254 characters) before authenticating; this callable
(``AXES_USERNAME_CALLABLE``) makes sure that whatever path reaches axes (the admin's login,
a future form) hands it a value that fits, without control characters.
"""

from __future__ import annotations

from roi.text_input import clean_single_line

MAX_USERNAME_LENGTH = 254  # an email address


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The username of the attempt, as axes would read it, made fit for its column."""
    if credentials:
        value = credentials.get("username")
    else:
        value = request.POST.get("username") if request is not None else None
    if value is None:
        return None
    return clean_single_line(str(value))[:MAX_USERNAME_LENGTH]
