"""The CODIR dossier and the downloadable checklist: context -> HTML -> PDF bytes.

- :func:`dossier_context` gathers everything the dossier shows for a project in a constant
  number of queries; :func:`render_dossier` turns it into PDF bytes, cached (a dossier that has
  not changed is served from the cache instead of being rendered again);
  :func:`render_case_dossier` does the same for an interchange file (command line, no database).
- :func:`render_checklist` prints the checklist, blank or pre-filled with a project's amounts.
- :func:`html_to_pdf` is the only way HTML becomes PDF here: WeasyPrint with a locked URL
  fetcher (our static files and ``data:`` URIs only: no network, no local file outside static)
  and no embedded file, whatever the HTML says.
- The engine's warnings are worded by :func:`roi.texts.warning_text`, the product's single
  mapping (results page, wizard, Excel export and this dossier); re-exported here.

All figures come from the engine (:func:`roi.calculation.compute`); this module only formats
them. Every user-provided text reaches the HTML through Django's autoescaping or the charts'
own escaping, and none ever reaches CSS.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import mimetypes
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from checklist.catalogue import CATALOGUE_FILE
from checklist.models import RECURRENCE_CHOICES, CatalogueVersion
from roi.adapter import project_case, project_lines
from roi.calculation import (
    Case,
    CaseResult,
    LineItem,
    case_to_dict,
    case_to_json,
    compute,
    item_totals,
    ltv_cac_assessment,
    ltv_cac_ratio,
)
from roi.calculation.kpi import LTV_CAC_CODE, LTV_CAC_HEALTHY_MAX, LTV_CAC_HEALTHY_MIN
from roi.charts import cashflow_svg, posts_svg, tornado_svg
from roi.formats import NBSP, currency_symbol, format_decimal, format_money, format_percent
from roi.models import AnswerStatus, ChecklistAnswer, ProjectStatus, ProjectVersion, RoiProject
from roi.texts import SCENARIO_NAMES, warning_text
from roi.versions import Changes, changes_since

logger = logging.getLogger(__name__)

__all__ = [
    "TEMPLATE_VERSION",
    "Approval",
    "PdfSafetyError",
    "StaticOnlyFetcher",
    "approval_from_version",
    "checklist_context",
    "checklist_filename",
    "dossier_cache_key",
    "dossier_context",
    "dossier_filename",
    "html_to_pdf",
    "render_case_dossier",
    "render_checklist",
    "render_dossier",
    "warning_text",
]

# Bump when the dossier's or the checklist's content changes in a way the template files do not
# show (e.g. a new figure computed here); the templates and pdf.css are fingerprinted anyway.
TEMPLATE_VERSION = "2026.1-1"
CACHE_TIMEOUT_SECONDS = 30 * 24 * 3600
PDF_CSS = "css/pdf.css"
# The HTML's base URL: a reserved, never-resolvable host (RFC 2606), so a relative URL can only
# ever mean "one of our static files", and the fetcher recognises it without any network.
INTERNAL_ORIGIN = "https://roi-checklist.invalid"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates" / "pdf"

NA = "n/a"


# --- safe rendering --------------------------------------------------------------------------


class PdfSafetyError(RuntimeError):
    """The PDF would embed a file: refused (nothing in our documents ever needs one)."""


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
        from weasyprint.urls import URLFetcherResponse

        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        path = self.static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(),
                                  headers={"Content-Type": content_type})

    @staticmethod
    def _data(url: str):
        from urllib.request import DataHandler, Request

        from weasyprint.urls import URLFetcherResponse

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
    from weasyprint import HTML

    fetcher = url_fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=INTERNAL_ORIGIN + "/", url_fetcher=fetcher).render()
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(finisher=_refuse_embedded_files)


def _template_fingerprint() -> str:
    """TEMPLATE_VERSION + the bytes of our templates and stylesheet: a deployment that changes
    the layout invalidates every cached PDF without anyone remembering to bump a constant."""
    digest = hashlib.sha256(TEMPLATE_VERSION.encode())
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(_stylesheet().encode())
    return digest.hexdigest()[:16]


def _stylesheet() -> str:
    """pdf.css, inlined in the HTML: one file, no fetch at render time."""
    found = finders.find(PDF_CSS)
    if not found:
        raise RuntimeError(f"static file {PDF_CSS} not found")
    return Path(found).read_text(encoding="utf-8")


if not settings.DEBUG:
    # In production the files only change with a deployment (and a restart); in development
    # they are read again at each render so that a layout change shows at once.
    _stylesheet = functools.lru_cache(maxsize=1)(_stylesheet)
    _template_fingerprint = functools.lru_cache(maxsize=1)(_template_fingerprint)


# --- cache -------------------------------------------------------------------------------------


def _cache_get(key: str) -> bytes | None:
    # The cache lives in PostgreSQL: a savepoint keeps a cache failure from breaking the
    # surrounding transaction, and a broken cache never breaks the download.
    try:
        with transaction.atomic():
            return cache.get(key)
    except DatabaseError:
        logger.warning("PDF cache unavailable (get)", exc_info=True)
        return None


def _cache_set(key: str, value: bytes) -> None:
    try:
        with transaction.atomic():
            cache.set(key, value, CACHE_TIMEOUT_SECONDS)
    except DatabaseError:
        logger.warning("PDF cache unavailable (set)", exc_info=True)


def _cached(key: str, build: Callable[[], bytes]) -> bytes:
    pdf = _cache_get(key)
    if pdf is None:
        pdf = build()
        _cache_set(key, pdf)
    return pdf


def _key(kind: str, parts: Iterable) -> str:
    payload = json.dumps([kind, _template_fingerprint(), *parts], ensure_ascii=False,
                         default=str, separators=(",", ":"))
    return f"roi:pdf:{kind}:{hashlib.sha256(payload.encode()).hexdigest()}"


# --- formatting ----------------------------------------------------------------------------




@dataclass(frozen=True)
class Formatter:
    """Display strings in the document's language: ``45 000,00 €``, ``22,22 %``, ``9,00 mois``."""

    lang: str = "fr"
    currency: str = "EUR"

    def number(self, value: Decimal | None, places: int = 2) -> str:
        return NA if value is None else format_decimal(value, places, lang=self.lang)

    def money(self, value: Decimal | None, places: int = 2) -> str:
        return NA if value is None else format_money(value, self.currency, places,
                                                     lang=self.lang)

    def percent(self, value: Decimal | None, places: int = 2) -> str:
        return NA if value is None else format_percent(value, places, lang=self.lang)

    def months(self, value: Decimal | None) -> str:
        if value is None:
            return _("non atteint")
        return _("%(months)s mois") % {"months": format_decimal(value, 2, lang=self.lang)}

    def rate(self, value: Decimal | None) -> str:
        """A fraction as a percentage: 0.08 -> ``8,00 %``."""
        return NA if value is None else self.percent(Decimal(value) * 100)

    def factor(self, value: Decimal) -> str:
        return f"×{NBSP}{format_decimal(value, 2, lang=self.lang)}"


# --- catalogue (titles of posts, sub-items and KPIs) -----------------------------------------


@dataclass(frozen=True)
class SubItemInfo:
    code: str
    title: str
    help: str
    default_recurrence: str


@dataclass(frozen=True)
class PostInfo:
    code: str
    kind: str
    order: int
    title: str
    help: str
    items: tuple[SubItemInfo, ...]


@dataclass(frozen=True)
class KpiInfo:
    code: str
    name: str
    unit: str
    better: str


@dataclass(frozen=True)
class CatalogueInfo:
    """The catalogue in the active language, whether it comes from the database or the file."""

    version: str
    title: str
    posts: tuple[PostInfo, ...]
    kpis: tuple[KpiInfo, ...]

    def posts_of(self, kind: str) -> list[PostInfo]:
        return [post for post in self.posts if post.kind == kind]

    @property
    def post_titles(self) -> dict[str, str]:
        return {post.code: post.title for post in self.posts}


@functools.lru_cache(maxsize=1)
def _catalogue_file_data() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def _pick(data: dict, name: str, lang: str) -> str:
    return data.get(f"{name}_{lang}") or data.get(f"{name}_fr", "")


def catalogue_from_file(lang: str) -> CatalogueInfo:
    """The catalogue shipped with the code (checklist/data/catalogue.json): no database."""
    data = _catalogue_file_data()
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


def catalogue_from_db(version: CatalogueVersion) -> CatalogueInfo:
    """A stored catalogue version in the active language (three queries)."""
    posts = [
        PostInfo(post.code, post.kind, post.order, post.title, post.help,
                 tuple(SubItemInfo(item.code, item.title, item.help, item.default_recurrence)
                       for item in post.items.all()))
        for post in version.posts.prefetch_related("items").order_by("kind", "order")
    ]
    kpis = tuple(KpiInfo(k.code, k.name, k.unit, k.better)
                 for k in version.kpis.order_by("order"))
    lang = (get_language() or "fr")[:2]
    title = (version.title_en if lang == "en" else "") or version.title_fr
    return CatalogueInfo(version.version, title, tuple(posts), kpis)


def _catalogue_version(project: RoiProject | None) -> CatalogueVersion | None:
    if project is not None and project.catalogue_id:
        return project.catalogue
    return CatalogueVersion.current()


def _catalogue(version: CatalogueVersion | None, lang: str) -> CatalogueInfo:
    return catalogue_from_db(version) if version is not None else catalogue_from_file(lang)


# --- per-line totals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineTotal:
    """One line's total over the horizon: risk-adjusted and unadjusted (equal for a cost)."""

    total: Decimal
    total_unadjusted: Decimal


def line_totals(case: Case) -> tuple[list[LineTotal], list[LineTotal]]:
    """Each line's total over the case's horizon (the engine's :func:`item_totals`), split
    into costs and gains in the case's order."""
    totals = [LineTotal(total, unadjusted) for total, unadjusted in item_totals(case)]
    return totals[: len(case.costs)], totals[len(case.costs):]


# --- the dossier's context ---------------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    """An approved, frozen version of the project, as the approval block prints it.

    ``current`` is False when the dossier no longer shows what was approved (an earlier
    version, the figures have changed since): the block then says so instead of vouching.
    """

    number: int
    approved_by: str
    approved_at: datetime
    comment: str = ""
    current: bool = True

    def key(self) -> list:
        return [self.number, self.approved_by, self.approved_at.isoformat(), self.comment,
                self.current]


def approval_from_version(version: ProjectVersion, *, current: bool = True) -> Approval:
    """The approval block of a (possibly not yet saved) :class:`ProjectVersion`."""
    user = version.approved_by
    name = (user.get_full_name() or user.email or user.get_username()) if user else ""
    return Approval(version.number, name, version.approved_at, version.comment, current)


@dataclass(frozen=True)
class DossierMeta:
    """What the cover and the running header show besides the case's figures."""

    project_name: str
    client_name: str = ""
    status: str = ""
    revision: int | None = None
    edition_date: date | None = None
    crm_solution: str = ""
    users_count: int | None = None
    start_date: date | None = None
    lang: str = "fr"
    approval: Approval | None = None


@dataclass(frozen=True)
class Answer:
    status: str
    reason: str = ""


def _scenario_label(code: str) -> str:
    return str(SCENARIO_NAMES.get(code, code))


def _recurrence_labels() -> dict[str, str]:
    return {code: str(label) for code, label in RECURRENCE_CHOICES}


def _period(item: LineItem, horizon: int) -> str:
    if item.recurrence == "once" or getattr(item.recurrence, "value", None) == "once":
        return _("M%(month)s") % {"month": item.start_month}
    end = item.end_month if item.end_month is not None else horizon
    if item.end_month is None:
        return _("M%(start)s → fin") % {"start": item.start_month}
    return _("M%(start)s–M%(end)s") % {"start": item.start_month, "end": end}


def _amount_detail(item: LineItem, fmt: Formatter) -> str:
    amount = fmt.money(item.amount)
    if item.quantity != 1:
        return f"{amount} × {fmt.number(item.quantity, _places(item.quantity))}"
    return amount


def _places(value: Decimal) -> int:
    exponent = Decimal(value).normalize().as_tuple().exponent
    return min(max(-exponent, 0), 2) if isinstance(exponent, int) else 0


def _short_help(text: str, limit: int = 150) -> str:
    """The first sentence of a help text, cut at ``limit`` characters."""
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _kpi_value(value: Decimal | None, unit: str, fmt: Formatter) -> str:
    if value is None:
        return "—"
    if unit == "eur":
        return fmt.money(value)
    if unit == "percent":
        # Percent KPIs are entered in percentage points (12 means 12 %).
        return fmt.percent(value)
    if unit == "days":
        return _("%(days)s j") % {"days": fmt.number(value, _places(value))}
    if unit == "ratio":
        return fmt.number(value, 2)
    return fmt.number(value, _places(value))


def _assessment_text(assessment: str | None) -> str:
    return {
        "risk": _("à risque (moins de 3)"),
        "healthy": _("sain (de 3 à 5)"),
        "underinvested": _("acquisition sous-financée (plus de 5)"),
    }.get(assessment or "", "")


def _kpi_rows(result: CaseResult, catalogue: CatalogueInfo, fmt: Formatter) -> list[dict]:
    definitions = {kpi.code: kpi for kpi in catalogue.kpis}
    order = {kpi.code: index for index, kpi in enumerate(catalogue.kpis)}
    rows = []
    for progress in sorted(result.kpis, key=lambda k: order.get(k.code, len(order))):
        definition = definitions.get(progress.code)
        unit = definition.unit if definition else "count"
        change = ""
        if progress.target_change_percent is not None:
            sign = "+" if progress.target_change_percent > 0 else ""
            change = sign + fmt.percent(progress.target_change_percent, 1)
        rows.append({
            "code": progress.code,
            "name": definition.name if definition else progress.code,
            "baseline": _kpi_value(progress.baseline, unit, fmt),
            "target": _kpi_value(progress.target, unit, fmt),
            "change": change,
            "actual": _kpi_value(progress.actual, unit, fmt),
            "has_actual": progress.actual is not None,
            "assessment": progress.assessment or "",
            "assessment_text": _assessment_text(progress.assessment),
            "is_ltv_cac": progress.code == LTV_CAC_CODE,
        })
    # LTV/CAC derived from the LTV and CAC targets when it was not entered itself.
    by_code = {k.code: k for k in result.kpis}
    if LTV_CAC_CODE not in by_code and "ltv" in by_code and "cac" in by_code:
        ratio = ltv_cac_ratio(by_code["ltv"].target, by_code["cac"].target)
        if ratio is not None:
            assessment = ltv_cac_assessment(ratio)
            definition = definitions.get(LTV_CAC_CODE)
            rows.append({
                "code": LTV_CAC_CODE,
                "name": definition.name if definition else "LTV/CAC",
                "baseline": _kpi_value(ltv_cac_ratio(by_code["ltv"].baseline,
                                                     by_code["cac"].baseline), "ratio", fmt),
                "target": fmt.number(ratio, 2), "change": "", "actual": "—",
                "has_actual": False, "assessment": assessment or "",
                "assessment_text": _assessment_text(assessment), "is_ltv_cac": True,
                "derived": True,
            })
    return rows


def _headline_cells(headline, fmt: Formatter) -> dict:
    return {
        "costs": fmt.money(headline.total_costs),
        "gains": fmt.money(headline.total_gains),
        "gains_unadjusted": fmt.money(headline.total_gains_unadjusted),
        "net": fmt.money(headline.net_gain),
        "net_negative": headline.net_gain < 0,
        "roi": fmt.percent(headline.roi_percent),
        "payback": fmt.months(headline.payback_months),
        "npv": fmt.money(headline.npv),
        "irr": fmt.percent(headline.irr_percent),
        "discounted_payback": fmt.months(headline.discounted_payback_months),
    }


def _year_table(result: CaseResult, fmt: Formatter) -> dict:
    table = result.by_year
    columns = [
        {"title": _("Année %(year)s") % {"year": row.year},
         "months": _("M%(first)s–M%(last)s") % {"first": row.first_month, "last": row.last_month}}
        for row in table.years
    ]
    rows = [
        {"label": _("Coûts"), "cells": [fmt.money(r.costs) for r in table.years],
         "total": fmt.money(table.total.costs), "pv": fmt.money(table.present_value.costs)},
        {"label": _("Gains (ajustés du risque)"), "cells": [fmt.money(r.gains) for r in table.years],
         "total": fmt.money(table.total.gains), "pv": fmt.money(table.present_value.gains)},
        {"label": _("Flux net"), "cells": [fmt.money(r.net) for r in table.years],
         "total": fmt.money(table.total.net), "pv": fmt.money(table.present_value.net),
         "strong": True},
        {"label": _("Cumul en fin d’année"), "cells": [fmt.money(r.cumulative) for r in table.years],
         "total": "", "pv": ""},
    ]
    transposed = [
        {"title": column["title"], "months": column["months"],
         "cells": [row["cells"][index] for row in rows]}
        for index, column in enumerate(columns)
    ]
    return {"columns": columns, "rows": rows, "transposed": transposed,
            "wide": len(columns) > 4,
            "totals": [rows[0]["total"], rows[1]["total"], rows[2]["total"], ""],
            "pvs": [rows[0]["pv"], rows[1]["pv"], rows[2]["pv"], ""]}


def _post_sections(case: Case, result: CaseResult, catalogue: CatalogueInfo,
                   fmt: Formatter) -> tuple[list[dict], list[dict]]:
    cost_totals, gain_totals = line_totals(case)
    recurrences = _recurrence_labels()
    horizon = case.horizon_months

    def line_row(item: LineItem, totals: LineTotal, *, gain: bool) -> dict:
        recurrence = getattr(item.recurrence, "value", item.recurrence)
        row = {
            "label": item.label or "—",
            "recurrence": recurrences.get(recurrence, recurrence),
            "amount": _amount_detail(item, fmt),
            "period": _period(item, horizon),
            "total": fmt.money(totals.total),
            "total_unadjusted": fmt.money(totals.total_unadjusted),
        }
        if gain:
            row.update({
                "confidence": fmt.percent(Decimal(item.confidence) * 100, 0),
                "ramp_up": (_("%(months)s mois") % {"months": item.ramp_up_months}
                            if item.ramp_up_months else "—"),
                "margin": fmt.rate(item.margin) if item.margin is not None else "",
            })
        return row

    def sections(kind: str, items, totals, post_totals) -> list[dict]:
        by_post: dict[str, list[dict]] = {}
        for item, total in zip(items, totals, strict=True):
            by_post.setdefault(item.category, []).append(line_row(item, total,
                                                                   gain=kind == "gain"))
        totals_by_post = {p.category: p for p in post_totals}
        posts = catalogue.posts_of(kind)
        known = {post.code for post in posts}
        ordered = [(post.code, post.title, post.order) for post in posts]
        ordered += [(code, code, 99) for code in by_post if code not in known]
        result_sections = []
        for code, title, order in ordered:
            post_total = totals_by_post.get(code)
            if code not in by_post and (post_total is None or not post_total.total):
                continue
            result_sections.append({
                "code": code, "title": title, "order": order, "lines": by_post.get(code, []),
                "total": fmt.money(post_total.total if post_total else Decimal(0)),
                "total_unadjusted": fmt.money(post_total.total_unadjusted
                                              if post_total else Decimal(0)),
            })
        return result_sections

    return (sections("cost", case.costs, cost_totals, result.costs_by_post),
            sections("gain", case.gains, gain_totals, result.gains_by_post))


def _completeness(case: Case, catalogue: CatalogueInfo, answers: dict[str, Answer]) -> dict:
    """Each sub-item is counted (at least one line points at it), not applicable (the answer
    says so, with its reason) or still to do: the same rule as the wizard."""
    counted_codes = {item.subitem for item in (*case.costs, *case.gains) if item.subitem}
    lines_without_subitem: dict[str, int] = {}
    for item in (*case.costs, *case.gains):
        if not item.subitem:
            lines_without_subitem[item.category] = lines_without_subitem.get(item.category, 0) + 1
    posts, not_applicable, todo_by_post = [], [], []
    totals = {"counted": 0, "not_applicable": 0, "todo": 0}
    for post in catalogue.posts:
        titles: dict[str, list[str]] = {"counted": [], "not_applicable": [], "todo": []}
        for item in post.items:
            answer = answers.get(item.code)
            if item.code in counted_codes:
                status = "counted"
            elif answer and answer.status == AnswerStatus.NOT_APPLICABLE:
                status = "not_applicable"
                not_applicable.append({"post": post.title, "title": item.title,
                                       "reason": answer.reason})
            else:
                status = "todo"
            titles[status].append(item.title)
            totals[status] += 1
        if titles["todo"]:
            todo_by_post.append({"post": post.title, "items": titles["todo"]})
        posts.append({"title": post.title, "order": post.order, "kind": post.kind,
                      "counted": len(titles["counted"]),
                      "not_applicable": len(titles["not_applicable"]),
                      "todo": len(titles["todo"]), "total": len(post.items),
                      "counted_titles": titles["counted"],
                      "other_lines": lines_without_subitem.get(post.code, 0)})
    addressed = totals["counted"] + totals["not_applicable"]
    total = addressed + totals["todo"]
    return {
        "posts": posts, "not_applicable": not_applicable, "todo_by_post": todo_by_post,
        "counted": totals["counted"], "not_applicable_count": totals["not_applicable"],
        "todo_count": totals["todo"], "total": total,
        # Rounded down: "100 %" only when every sub-item has really been addressed.
        "addressed_percent": addressed * 100 // total if total else 0,
    }


def _build_dossier_context(*, case: Case, result: CaseResult, catalogue: CatalogueInfo,
                           answers: dict[str, Answer], meta: DossierMeta) -> dict:
    """Everything the dossier template shows, formatted for display (pure: no database)."""
    fmt = Formatter(lang=meta.lang, currency=case.currency)
    headline = result.headline
    labels = catalogue.post_titles
    costs, gains = _post_sections(case, result, catalogue, fmt)
    scenarios = [
        {"label": _scenario_label(s.factors.code), "code": s.factors.code,
         "gains_factor": fmt.factor(s.factors.gains_factor),
         "costs_factor": fmt.factor(s.factors.costs_factor),
         **_headline_cells(s.headline, fmt)}
        for s in result.scenarios
    ]
    by_code = {s.factors.code: s.headline for s in result.scenarios}
    horizons = [
        {"months": months, "current": months == result.horizon_months,
         **_headline_cells(h, fmt)}
        for months, h in sorted(result.horizons.items())
    ]
    tornado = [
        {"title": labels.get(bar.category, bar.category),
         "kind": bar.kind, "low": fmt.percent(bar.roi_low), "high": fmt.percent(bar.roi_high),
         "spread": fmt.number(bar.spread)}
        for bar in result.tornado
    ]
    key_points = []
    if "conservative" in by_code and "optimistic" in by_code and headline.roi_percent is not None:
        key_points.append(_("Selon les scénarios, le ROI va de %(low)s (prudent) à %(high)s "
                            "(optimiste).") % {
            "low": fmt.percent(by_code["conservative"].roi_percent),
            "high": fmt.percent(by_code["optimistic"].roi_percent)})
    if result.tornado and result.tornado[0].roi_low is not None:
        bar = result.tornado[0]
        key_points.append(_("Poste le plus sensible : %(post)s (ROI de %(low)s à %(high)s "
                            "pour ±20 %%).") % {
            "post": labels.get(bar.category, bar.category),
            "low": fmt.percent(bar.roi_low), "high": fmt.percent(bar.roi_high)})
    if headline.total_gains != headline.total_gains_unadjusted:
        key_points.append(_("Les gains sont comptés après ajustement du risque : %(adjusted)s "
                            "au lieu de %(raw)s avant ajustement.") % {
            "adjusted": fmt.money(headline.total_gains),
            "raw": fmt.money(headline.total_gains_unadjusted)})
    warnings = [warning_text(w) for w in result.warnings]
    if warnings:
        key_points.append(ngettext(
            "%(count)s point d’attention relevé par la méthode (voir « Points d’attention »).",
            "%(count)s points d’attention relevés par la méthode (voir « Points d’attention »).",
            len(warnings)) % {"count": len(warnings)})

    assumptions = [
        {"kind": kind, "post": labels.get(item.category, item.category),
         "label": item.label or "—", "text": item.assumption}
        for kind, items in ((_("Coût"), case.costs), (_("Gain"), case.gains))
        for item in items if item.assumption.strip()
    ]
    status_labels = dict(ProjectStatus.choices)
    return {
        "lang": meta.lang,
        "meta": meta,
        "project_name": meta.project_name or case.name or _("Projet CRM"),
        "client_name": meta.client_name,
        "status": meta.status,
        "status_label": str(status_labels.get(meta.status, "")) if meta.status else "",
        "approval": meta.approval,
        "approval_date": date_format(timezone.localtime(meta.approval.approved_at).date(),
                                     "DATE_FORMAT") if meta.approval else "",
        "revision": meta.revision,
        "edition_date": date_format(meta.edition_date, "DATE_FORMAT") if meta.edition_date
        else "",
        "start_date": date_format(meta.start_date, "DATE_FORMAT") if meta.start_date else "",
        "crm_solution": meta.crm_solution,
        "users_count": meta.users_count,
        "currency": case.currency,
        "horizon_months": result.horizon_months,
        "discount_rate": fmt.rate(case.discount_rate),
        "headline": _headline_cells(headline, fmt),
        "roi_defined": headline.roi_percent is not None,
        "payback_reached": headline.payback_months is not None,
        "net_negative": headline.net_gain < 0,
        "key_points": key_points,
        "years": _year_table(result, fmt),
        "horizons": horizons,
        "costs": costs,
        "gains": gains,
        "has_risk_adjustment": headline.total_gains != headline.total_gains_unadjusted,
        "benefits": list(case.qualitative_benefits),
        "kpis": _kpi_rows(result, catalogue, fmt),
        "ltv_cac_min": fmt.number(LTV_CAC_HEALTHY_MIN, 0),
        "ltv_cac_max": fmt.number(LTV_CAC_HEALTHY_MAX, 0),
        "scenarios": scenarios,
        "tornado": tornado,
        "completeness": _completeness(case, catalogue, answers),
        "warnings": warnings,
        "assumptions": assumptions,
        "catalogue": catalogue,
        "cashflow_svg": mark_safe(cashflow_svg(result, lang=meta.lang,
                                               currency=case.currency)),
        "posts_svg": mark_safe(posts_svg(result, labels=labels, lang=meta.lang)),
        "tornado_svg": mark_safe(tornado_svg(result, labels=labels,
                                             lang=meta.lang)),
        "stylesheet": mark_safe(_stylesheet()),  # our own static file, no user text
    }


# --- projects: inputs, key, context, render ------------------------------------------------


@dataclass
class _ProjectInputs:
    """The rows a project's documents are made of, read once (the key and the context share
    them, so checking the cache costs a handful of queries and no computation)."""

    project: RoiProject
    case: Case
    answers: dict[str, Answer]
    catalogue_version: CatalogueVersion | None
    approval: Approval | None = None
    changes: Changes | None = None  # since the last approved version, when it differs

    @property
    def lang(self) -> str:
        return self.project.language or settings.LANGUAGE_CODE

    @property
    def meta(self) -> DossierMeta:
        project = self.project
        return DossierMeta(
            project_name=project.name, client_name=project.client.name, status=project.status,
            revision=project.revision, edition_date=timezone.localdate(),
            crm_solution=project.crm_solution, users_count=project.users_count,
            start_date=project.start_date, lang=self.lang, approval=self.approval,
        )


def _load_project_inputs(project: RoiProject, *, approval: Approval | None = None
                         ) -> _ProjectInputs:
    lines = project_lines(project)
    case = project_case(project, lines=lines)
    answers = {
        answer.subitem.code: Answer(answer.status, answer.reason)
        for answer in ChecklistAnswer.objects.filter(project=project).select_related("subitem")
    }
    changes = None
    if approval is None:
        latest = project.versions.select_related("approved_by").defer("pdf").order_by(
            "-number").first()
        if latest is not None:
            # Vouch for the approval only if this dossier shows exactly what was approved.
            current = (project.status == ProjectStatus.APPROVED
                       and latest.case == case_to_dict(case))
            approval = approval_from_version(latest, current=current)
            if not current:
                changes = changes_since(latest, project, lines=lines)
    return _ProjectInputs(project=project, case=case, answers=answers,
                          catalogue_version=_catalogue_version(project), approval=approval,
                          changes=changes)


def _project_key(kind: str, inputs: _ProjectInputs) -> str:
    project = inputs.project
    version = inputs.catalogue_version
    return _key(kind, [
        case_to_json(inputs.case), project.pk, project.name, project.client.name,
        project.status, project.revision, inputs.lang, project.crm_solution,
        project.users_count, project.start_date,
        sorted((code, a.status, a.reason) for code, a in inputs.answers.items()),
        version.version if version else _catalogue_file_data()["version"],
        inputs.approval.key() if inputs.approval else None,
        # The edition date is printed on the cover: a dossier downloaded tomorrow says so.
        timezone.localdate(),
    ])


def dossier_cache_key(project: RoiProject) -> str:
    """The cache key of a project's dossier (a few queries, no computation, no rendering)."""
    return _project_key("dossier", _load_project_inputs(project))


def _project_dossier_context(inputs: _ProjectInputs) -> dict:
    case = inputs.case
    context = _build_dossier_context(
        case=case, result=compute(case),
        catalogue=_catalogue(inputs.catalogue_version, inputs.lang),
        answers=inputs.answers, meta=inputs.meta,
    )
    context["changes"] = inputs.changes
    context["case_currency"] = case.currency
    return context


def dossier_context(project: RoiProject, *, approval: Approval | None = None) -> dict:
    """Everything the CODIR dossier shows for ``project``, formatted in the project's
    language, in a constant number of queries whatever the number of lines."""
    inputs = _load_project_inputs(project, approval=approval)
    with override(inputs.lang):
        return _project_dossier_context(inputs)


def _render_dossier_html(context: dict) -> str:
    return render_to_string("pdf/dossier.html", context)


def render_dossier(project: RoiProject, *, approval: Approval | None = None) -> bytes:
    """The project's CODIR dossier as PDF bytes, from the cache when nothing has changed.

    ``approval``: the version being approved, when the approval service freezes the dossier
    before saving that version (see :func:`approval_from_version`); by default the project's
    latest approved version, if any.
    """
    inputs = _load_project_inputs(project, approval=approval)

    def build() -> bytes:
        with override(inputs.lang):
            return html_to_pdf(_render_dossier_html(_project_dossier_context(inputs)))

    return _cached(_project_key("dossier", inputs), build)


def render_case_dossier(case: Case, *, client_name: str = "", lang: str = "fr") -> bytes:
    """The dossier of an interchange case (command line): no database, no cache."""
    lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with override(lang):
        context = _build_dossier_context(
            case=case, result=compute(case), catalogue=catalogue_from_file(lang), answers={},
            meta=DossierMeta(project_name=case.name, client_name=client_name,
                             edition_date=timezone.localdate(), lang=lang),
        )
        return html_to_pdf(_render_dossier_html(context))


def dossier_filename(project: RoiProject) -> str:
    return f"dossier-codir-{slugify(project.name) or 'projet'}-v{project.revision}.pdf"


# --- the checklist -------------------------------------------------------------------------


def _checklist_posts(catalogue: CatalogueInfo, fmt: Formatter, *, case: Case | None,
                     answers: dict[str, Answer]) -> list[dict]:
    recurrences = _recurrence_labels()
    amounts: dict[str, Decimal] = {}
    other_lines: dict[str, list[dict]] = {}
    post_totals: dict[str, Decimal] = {}
    if case is not None:
        cost_totals, gain_totals = line_totals(case)
        for item, total in (*zip(case.costs, cost_totals, strict=True),
                            *zip(case.gains, gain_totals, strict=True)):
            post_totals[item.category] = post_totals.get(item.category, Decimal(0)) + total.total
            if item.subitem:
                amounts[item.subitem] = amounts.get(item.subitem, Decimal(0)) + total.total
            else:
                other_lines.setdefault(item.category, []).append(
                    {"label": item.label or "—", "amount": fmt.money(total.total)})
    posts = []
    for post in catalogue.posts:
        items = []
        for item in post.items:
            answer = answers.get(item.code)
            status = ""
            if case is not None:
                if item.code in amounts:
                    status = "counted"
                elif answer and answer.status == AnswerStatus.NOT_APPLICABLE:
                    status = "not_applicable"
                else:
                    status = "todo"
            items.append({
                "title": item.title, "help": _short_help(item.help),
                "recurrence": recurrences.get(item.default_recurrence, ""),
                "status": status,
                "reason": answer.reason if answer and status == "not_applicable" else "",
                "amount": fmt.money(amounts[item.code]) if item.code in amounts else "",
            })
        posts.append({
            "code": post.code, "kind": post.kind, "order": post.order, "title": post.title,
            "help": _short_help(post.help, 220), "items": items,
            "other_lines": other_lines.get(post.code, []),
            "total": fmt.money(post_totals[post.code]) if post.code in post_totals else "",
        })
    return posts


def checklist_context(project: RoiProject | None = None, *, use_database: bool = True,
                      _inputs: _ProjectInputs | None = None) -> dict:
    """The checklist's context in the active language: blank, or pre-filled with the project's
    amounts per sub-item (totals over the horizon) and the status of each sub-item."""
    lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    if project is None:
        version = CatalogueVersion.current() if use_database else None
        catalogue = _catalogue(version, lang)
        case, answers, result = None, {}, None
        fmt = Formatter(lang=lang)
    else:
        inputs = _inputs or _load_project_inputs(project)
        catalogue = _catalogue(inputs.catalogue_version, lang)
        case, answers = inputs.case, inputs.answers
        result = compute(case)
        fmt = Formatter(lang=lang, currency=case.currency)
    posts = _checklist_posts(catalogue, fmt, case=case, answers=answers)
    context = {
        "lang": lang, "catalogue": catalogue, "prefilled": project is not None,
        "cost_posts": [p for p in posts if p["kind"] == "cost"],
        "gain_posts": [p for p in posts if p["kind"] == "gain"],
        "currency_symbol": currency_symbol(fmt.currency),
        "stylesheet": mark_safe(_stylesheet()),  # our own static file, no user text
        "edition_date": date_format(timezone.localdate(), "DATE_FORMAT"),
    }
    if project is not None:
        headline = result.headline
        context.update({
            "project_name": project.name, "client_name": project.client.name,
            "horizon_months": case.horizon_months,
            "headline": _headline_cells(headline, fmt),
            "roi_defined": headline.roi_percent is not None,
            "formula_costs": fmt.money(headline.total_costs),
            "formula_gains": fmt.money(headline.total_gains),
        })
    return context


def render_checklist(project: RoiProject | None = None, *, use_database: bool = True) -> bytes:
    """The checklist as PDF bytes: blank in the active language, or pre-filled with the
    project's figures in the project's language. Cached like the dossier.

    ``use_database=False`` (blank only) renders the catalogue file shipped with the code,
    without the cache: the command line uses it when no database is available.
    """
    if project is None:
        if not use_database:
            return html_to_pdf(render_to_string("pdf/checklist.html",
                                                checklist_context(use_database=False)))
        lang = (get_language() or settings.LANGUAGE_CODE)[:2]
        version = CatalogueVersion.current()
        key = _key("checklist", [lang, version.version if version
                                 else _catalogue_file_data()["version"],
                                 version.pk if version else None])

        def build_blank() -> bytes:
            return html_to_pdf(render_to_string("pdf/checklist.html", checklist_context()))

        return _cached(key, build_blank)

    inputs = _load_project_inputs(project)

    def build() -> bytes:
        with override(inputs.lang):
            context = checklist_context(project, _inputs=inputs)
            return html_to_pdf(render_to_string("pdf/checklist.html", context))

    return _cached(_project_key("checklist", inputs), build)


def checklist_filename(project: RoiProject | None = None) -> str:
    if project is None:
        return "checklist-roi-crm.pdf"
    return f"checklist-roi-{slugify(project.name) or 'projet'}.pdf"
