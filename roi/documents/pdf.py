"""HTML to PDF, the only way: WeasyPrint with the locked fetcher and no embedded file.

Also the stylesheet every PDF inlines, and the fingerprint of the templates that the document
cache keys carry (a deployment that changes the layout invalidates every cached PDF).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML

from roi.documents.fetcher import INTERNAL_ORIGIN, StaticOnlyFetcher

# Bump when a document's content changes in a way the template files do not show (e.g. a new
# figure computed in Python); the templates and pdf.css are fingerprinted anyway.
TEMPLATE_VERSION = "2026.2-1"
PDF_CSS = "css/pdf.css"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates" / "pdf"


class PdfSafetyError(RuntimeError):
    """The PDF would embed a file: refused (nothing in our documents ever needs one)."""


def _refuse_embedded_files(document, pdf) -> None:
    """WeasyPrint finisher: the last check before the PDF is written."""
    names = pdf.catalog.get("Names")
    if names is not None and "EmbeddedFiles" in names:
        raise PdfSafetyError("the PDF would embed a file")


def html_to_pdf(html: str, *, url_fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Render ``html`` to PDF bytes with the locked fetcher and without any attachment.

    WeasyPrint embeds ``<link rel=attachment>`` and ``<a rel=attachment>`` targets as files;
    our templates never produce them, and this function drops them anyway before writing (so
    not even a ``data:`` URI can be smuggled in as a file), then checks the catalogue.
    """
    fetcher = url_fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=INTERNAL_ORIGIN + "/", url_fetcher=fetcher).render()
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(finisher=_refuse_embedded_files)


def template_fingerprint() -> str:
    """TEMPLATE_VERSION + the bytes of our templates and stylesheet: a deployment that changes
    the layout invalidates every cached PDF without anyone remembering to bump a constant."""
    digest = hashlib.sha256(TEMPLATE_VERSION.encode())
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(stylesheet().encode())
    return digest.hexdigest()[:16]


def stylesheet() -> str:
    """pdf.css, inlined in the HTML: one file, no fetch at render time."""
    found = finders.find(PDF_CSS)
    if not found:
        raise RuntimeError(f"static file {PDF_CSS} not found")
    return Path(found).read_text(encoding="utf-8")


if not settings.DEBUG:
    # In production the files only change with a deployment (and a restart); in development
    # they are read again at each render so that a layout change shows at once.
    stylesheet = functools.lru_cache(maxsize=1)(stylesheet)
    template_fingerprint = functools.lru_cache(maxsize=1)(template_fingerprint)
