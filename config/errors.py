"""The pages of a request that failed: Django's ``handler500``, in the user's language.

A database that cannot be reached (PostgreSQL restarting, a lost connection) is not a bug of
the request: it gets ``503 Service Unavailable`` with ``Retry-After``, and the user is told
that nothing saved is lost and to try again in a few seconds. Anything else is a 500, logged
by Django as usual. Both pages are rendered without the request's context (no user, no
session): nothing here may need the database.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this handler inside its ``except`` block: the exception is the current one.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
