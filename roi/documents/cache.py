"""Rendered documents kept in the shared cache (PostgreSQL), keyed by their content.

A key hashes everything a document shows plus the templates' fingerprint, so a document that
has not changed is served from the cache and one that has is never served stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable

from django.core.cache import cache

from roi.documents.pdf import template_fingerprint

CACHE_TIMEOUT_SECONDS = 30 * 24 * 3600


def cache_get(key: str) -> bytes | None:
    # A broken cache is a miss (config/cache.py): it never breaks a download, nor the
    # surrounding transaction.
    return cache.get(key)


def cache_set(key: str, value: bytes) -> None:
    cache.set(key, value, CACHE_TIMEOUT_SECONDS)


def cached(key: str, build: Callable[[], bytes]) -> bytes:
    pdf = cache_get(key)
    if pdf is None:
        pdf = build()
        cache_set(key, pdf)
    return pdf


def document_key(kind: str, parts: Iterable) -> str:
    payload = json.dumps([kind, template_fingerprint(), *parts], ensure_ascii=False,
                         default=str, separators=(",", ":"))
    return f"roi:doc:{kind}:{hashlib.sha256(payload.encode()).hexdigest()}"
