"""The catalogue as the pages, documents and exports read it: one reader, in one language.

Titles, help texts and KPI definitions always come from a project's own catalogue version
(:meth:`CatalogueVersion.of`), so that the wizard, the dossier and the workbook name a post the
same way; without a database (command line), from the catalogue file shipped with the code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language

from checklist.catalogue.loader import CATALOGUE_FILE
from checklist.catalogue.models import CatalogueVersion

__all__ = ["CatalogueInfo", "KpiInfo", "PostInfo", "SubItemInfo", "catalogue_from_file",
           "catalogue_info", "file_version"]


@dataclass(frozen=True)
class SubItemInfo:
    code: str
    title: str
    help: str
    default_recurrence: str
    pk: int | None = None  # the stored sub-item (None when read from the file)


@dataclass(frozen=True)
class PostInfo:
    code: str
    kind: str  # "cost" | "gain"
    order: int
    title: str
    help: str
    items: tuple[SubItemInfo, ...]
    pk: int | None = None  # the stored post (None when read from the file)


@dataclass(frozen=True)
class KpiInfo:
    code: str
    name: str
    unit: str
    better: str


@dataclass(frozen=True)
class CatalogueInfo:
    """The catalogue in one language, whether it comes from the database or the file."""

    version: str
    title: str
    posts: tuple[PostInfo, ...]
    kpis: tuple[KpiInfo, ...]

    def posts_of(self, kind: str) -> list[PostInfo]:
        return [post for post in self.posts if post.kind == kind]

    @functools.cached_property
    def post_titles(self) -> dict[str, str]:
        return {post.code: post.title for post in self.posts}

    def post_title(self, code: str) -> str:
        return self.post_titles.get(code, code)

    @functools.cached_property
    def subitem_codes(self) -> dict[int, str]:
        """Stored sub-item id -> code, for the sub-items of this version only."""
        return {item.pk: item.code for post in self.posts for item in post.items
                if item.pk is not None}


def _language(lang: str | None) -> str:
    return (lang or get_language() or "fr")[:2]


@functools.lru_cache(maxsize=1)
def _file_data() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def file_version() -> str:
    """The version of the catalogue file shipped with the code."""
    return _file_data()["version"]


def _pick(data: dict, name: str, lang: str) -> str:
    return data.get(f"{name}_{lang}") or data.get(f"{name}_fr", "")


def catalogue_from_file(lang: str | None = None) -> CatalogueInfo:
    """The catalogue shipped with the code (checklist/data/catalogue.json): no database."""
    lang = _language(lang)
    data = _file_data()
    posts = []
    for post in sorted(data["posts"], key=lambda p: (p["kind"], p["order"])):
        default = post.get("default_recurrence", "once")
        items = tuple(
            SubItemInfo(item["code"], _pick(item, "title", lang), _pick(item, "help", lang),
                        item.get("default_recurrence", default))
            for item in post["items"]
        )
        posts.append(PostInfo(post["code"], post["kind"], post["order"],
                              _pick(post, "title", lang), _pick(post, "help", lang), items))
    kpis = tuple(KpiInfo(k["code"], _pick(k, "name", lang), k["unit"], k["better"])
                 for k in data["kpis"])
    return CatalogueInfo(data["version"], _pick(data, "title", lang), tuple(posts), kpis)


def _catalogue_from_db(version: CatalogueVersion, lang: str) -> CatalogueInfo:
    """A stored catalogue version in ``lang`` (three queries)."""

    def pick(row, name: str) -> str:
        return (getattr(row, f"{name}_{lang}", "") if lang in ("fr", "en") else "") or getattr(
            row, f"{name}_fr")

    posts = tuple(
        PostInfo(post.code, post.kind, post.order, pick(post, "title"), pick(post, "help"),
                 tuple(SubItemInfo(item.code, pick(item, "title"), pick(item, "help"),
                                   item.default_recurrence, item.pk)
                       for item in post.items.all()),
                 post.pk)
        for post in version.posts.prefetch_related("items").order_by("kind", "order")
    )
    kpis = tuple(KpiInfo(k.code, pick(k, "name"), k.unit, k.better)
                 for k in version.kpis.order_by("order"))
    return CatalogueInfo(version.version, pick(version, "title"), posts, kpis)


# A loaded catalogue version never changes (checklist.catalogue.loader leaves a loaded version
# as it is): read once from its three tables, then from the shared database cache (one query),
# and kept in the process for the next requests (no query): its key names the stored version
# exactly (its row, its number, when it was loaded), so no app server can hold a stale one.
CATALOGUE_CACHE_SECONDS = 7 * 24 * 3600
_IN_PROCESS: dict[str, CatalogueInfo] = {}
_IN_PROCESS_MAX = 32  # versions × languages; past it, the memo starts again


def catalogue_info(version: CatalogueVersion | None, lang: str | None = None) -> CatalogueInfo:
    """``version`` in ``lang`` (default: the active language); the shipped file when None."""
    lang = _language(lang)
    if version is None:
        return catalogue_from_file(lang)
    key = f"roi:catalogue:1:{version.pk}:{version.version}:{version.loaded_at.timestamp()}:{lang}"
    info = _IN_PROCESS.get(key)
    if info is not None:
        return info
    info = cache.get(key)
    if not isinstance(info, CatalogueInfo):
        info = _catalogue_from_db(version, lang)
        cache.set(key, info, CATALOGUE_CACHE_SECONDS)
    if len(_IN_PROCESS) >= _IN_PROCESS_MAX:
        _IN_PROCESS.clear()
    _IN_PROCESS[key] = info
    return info
