"""WeasyPrint's URL fetcher, locked to our static files and ``data:`` URIs."""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request, url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcherResponse

# The HTML's base URL: a reserved, never-resolvable host (RFC 2606), so a relative URL can only
# ever mean "one of our static files", and the fetcher recognises it without any network.
INTERNAL_ORIGIN = "https://roi-checklist.invalid"


class StaticOnlyFetcher:
    """WeasyPrint's URL fetcher, locked: serves our static files and ``data:`` URIs only.

    Accepted: ``data:`` URIs; ``/static/…`` (relative to the document, i.e. under
    :data:`INTERNAL_ORIGIN`) resolved through Django's static finders; ``file://`` URLs that
    resolve inside a static directory. Everything else (http, https, ftp, file:// elsewhere, a
    path that climbs out with ``..`` or a symlink) raises ``ValueError``: WeasyPrint then skips
    the resource, so nothing leaves the server and no local file leaks into the PDF.
    """

    # WeasyPrint reads this attribute on the fetcher: a refusal is a warning, not a crash.
    _fail_on_errors = False

    def __call__(self, url: str, headers=None):
        return self.fetch(url, headers)

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        path = self.static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(),
                                  headers={"Content-Type": content_type})

    @staticmethod
    def _data(url: str):
        # Only the standard library's data: decoder, never an opener that knows other schemes.
        response = DataHandler().data_open(Request(url))
        return URLFetcherResponse(url, body=response.read(), headers=dict(response.headers))

    @staticmethod
    def static_path(url: str) -> Path:
        """The static file ``url`` designates, or ValueError."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused URL: {url}")
            candidate = Path(url2pathname(parts.path)).resolve()
            if not _under_static_roots(candidate) or not candidate.is_file():
                raise ValueError(f"refused URL: {url}")
            return candidate
        if f"{scheme}://{parts.netloc}" != INTERNAL_ORIGIN:
            raise ValueError(f"refused URL: {url}")
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if not parts.path.startswith(prefix):
            raise ValueError(f"refused URL: {url}")
        relative = unquote(parts.path[len(prefix):])
        segments = relative.split("/")
        if (not relative or "\\" in relative or "\x00" in relative
                or any(segment in ("", ".", "..") for segment in segments)):
            raise ValueError(f"refused URL: {url}")
        found = finders.find(relative)
        if not found:
            raise ValueError(f"no such static file: {url}")
        resolved = Path(found).resolve()
        if not _under_static_roots(resolved) or not resolved.is_file():
            raise ValueError(f"refused URL: {url}")
        return resolved


@functools.lru_cache(maxsize=1)
def _static_roots() -> tuple[Path, ...]:
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return tuple(roots)


def _under_static_roots(path: Path) -> bool:
    return any(path.is_relative_to(root) for root in _static_roots())
