"""Headers every response gets: who may keep a copy of it, and which browser features it may use.

A page seen by a signed-in user shows a tenant's figures, names or comments: no shared cache
and no browser history cache may keep it (``private, no-store``), like the downloads
(``roi/documents/downloads.py``). A view that set its own ``Cache-Control`` keeps it: the public
blank checklist is cacheable, and so is the landing page as long as nobody is signed in. The
invitation page shows a tenant's name to someone not signed in yet: :func:`private_page` marks
it the same way.

No page uses the camera, the microphone, the position or a payment: the Permissions-Policy
turns those features off, for the page and for anything it might embed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

PRIVATE_NO_STORE = "private, no-store"

# Only features Chromium knows: an unknown name makes the browser log an error on every page.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera", "display-capture",
    "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
))


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page that shows tenant data to a visitor who is not signed in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.setdefault("Cache-Control", PRIVATE_NO_STORE)
        return response

    return wrapped


class ResponseHeadersMiddleware:
    """Cache-Control for signed-in pages and the Permissions-Policy, in one place."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = PRIVATE_NO_STORE
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
