"""The one way a file leaves the app: its name, type, Content-Disposition and Cache-Control."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json; charset=utf-8"
ZIP = "application/zip"


def download(content: bytes | str, *, filename: str, content_type: str,
             public: bool = False) -> HttpResponse:
    """An attachment. A tenant's file must never sit in a shared or browser cache
    (``private, no-store``); only public files (the blank checklist) may, per language."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    if public:
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
