"""Benchmark of the CODIR dossier: our first render vs WeasyPrint alone, and the cached download.

On an Apogea-like project of 40 lines (the seed's 9 lines plus 31 more spread over the posts,
with sub-items, assumptions, checklist answers, benefits and KPIs):

- first render: :func:`roi.dossier.render_dossier` with the cache cleared (queries, engine, one
  engine run per line for the line totals, charts, template, WeasyPrint, cache write);
- WeasyPrint alone: ``weasyprint.HTML(string=html).write_pdf()`` on the very same HTML;
- overhead = first render / WeasyPrint alone − 1 (target <= 30 %);
- cached download: ``GET /projects/<id>/dossier.pdf`` through the Django test client when the
  dossier is in the cache (access check, key, cache read, response), vs the first render
  (target >= 50× faster).

Everything is created in a transaction that is rolled back. Run: ``uv run python
bench/bench_pdf.py`` (creates and drops its own test database; needs DATABASE_URL or the local
default), or through ``bench/run.py``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import override  # noqa: E402

from checklist.catalogue.loader import catalogue_load  # noqa: E402
from checklist.catalogue.models import SubItem  # noqa: E402
from roi.documents import dossier  # noqa: E402
from roi.models import (  # noqa: E402
    ChecklistAnswer,
    Client,
    KpiEntry,
    LineItem,
    Membership,
    QualitativeBenefit,
    RoiProject,
    Role,
)

RENDER_RUNS = 5
DOWNLOAD_RUNS = 30
OVERHEAD_TARGET_PERCENT = 30.0
SPEEDUP_TARGET = 50.0

APOGEA = [
    ("cost", "software", "12000", "yearly"), ("cost", "integration", "18000", "once"),
    ("cost", "training", "5000", "once"), ("cost", "support", "3000", "yearly"),
    ("cost", "internal", "7000", "once"), ("gain", "productivity", "18000", "yearly"),
    ("gain", "conversion", "22000", "yearly"), ("gain", "marketing", "6000", "yearly"),
    ("gain", "retention", "9000", "yearly"),
]


class _Rollback(Exception):
    pass


def build_project() -> tuple[RoiProject, object]:
    """The Apogea project with 40 lines, and a consultant who may download it."""
    version, _ = catalogue_load()
    subitems = list(SubItem.objects.filter(post__catalogue=version).select_related("post"))
    client = Client.objects.create(name="Durand Industrie (bench)")
    user = get_user_model().objects.create_user(username="bench-pdf@bench.example",
                                                email="bench-pdf@bench.example")
    Membership.objects.create(user=user, client=client, role=Role.CONSULTANT)
    project = RoiProject.objects.create(client=client, name="CRM connecté à l’ERP (bench)",
                                        crm_solution="CRM Pro", users_count=25,
                                        horizon_months=36, catalogue=version)
    rows = [
        LineItem(project=project, kind=kind, category=category, label=f"Apogea {category}",
                 amount=Decimal(amount), recurrence=recurrence, position=index,
                 assumption="Chiffre du cas de référence Apogea (seed 000).")
        for index, (kind, category, amount, recurrence) in enumerate(APOGEA)
    ]
    for index, subitem in enumerate(subitems[:31]):
        kind = subitem.post.kind
        rows.append(LineItem(
            project=project, kind=kind, category=subitem.post.code, subitem=subitem,
            label=subitem.title_fr[:80], amount=Decimal(500 + 137 * index),
            recurrence=("once", "monthly", "yearly")[index % 3], start_month=1 + index % 6,
            ramp_up_months=(index % 4) if kind == "gain" else 0,
            confidence=Decimal("0.8") if kind == "gain" else Decimal(1),
            assumption=f"Hypothèse n° {index + 1} : estimation interne validée en atelier.",
            position=100 + index,
        ))
    LineItem.objects.bulk_create(rows)
    ChecklistAnswer.objects.bulk_create(
        ChecklistAnswer(project=project, subitem=subitem, status="not_applicable",
                        reason="Ne concerne pas ce projet.")
        for subitem in subitems[31:40]
    )
    QualitativeBenefit.objects.bulk_create(
        QualitativeBenefit(project=project, text=text, position=index)
        for index, text in enumerate(["Vision client à 360°", "Prévisions fiables"]))
    KpiEntry.objects.bulk_create([
        KpiEntry(project=project, code="ltv_cac", baseline=Decimal("2.1"), target=Decimal("3.4")),
        KpiEntry(project=project, code="churn_rate", baseline=Decimal(12), target=Decimal(9)),
    ])
    return project, user


def _median_ms(function, runs: int, before=None) -> float:
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(render_runs: int = RENDER_RUNS, download_runs: int = DOWNLOAD_RUNS) -> dict:
    import weasyprint

    figures: dict = {}
    try:
        with transaction.atomic():
            project, user = build_project()
            figures["lines"] = project.line_items.count()
            # Warm-up: imports, fonts, template loading (a long-running server has them).
            cache.clear()
            content = dossier.render_dossier(project)
            with override(project.language):
                html = render_to_string("pdf/dossier.html", dossier.dossier_context(project))
            figures["pages"] = len(weasyprint.HTML(string=html).render().pages)
            figures["size_kb"] = len(content) / 1024

            figures["first_ms"] = _median_ms(lambda: dossier.render_dossier(project), render_runs,
                                             before=cache.clear)
            figures["weasyprint_ms"] = _median_ms(
                lambda: weasyprint.HTML(string=html).write_pdf(), render_runs)

            browser = TestClient()
            browser.force_login(user)
            url = reverse("documents:project_dossier", kwargs={"project_id": project.pk})
            response = browser.get(url, secure=True)  # fills the cache
            assert response.status_code == 200, response.status_code
            figures["cached_ms"] = _median_ms(lambda: browser.get(url, secure=True),
                                              download_runs)
            raise _Rollback
    except _Rollback:
        pass
    figures["overhead_percent"] = (figures["first_ms"] / figures["weasyprint_ms"] - 1) * 100
    figures["speedup"] = figures["first_ms"] / figures["cached_ms"]
    figures.update(render_runs=render_runs, download_runs=download_runs,
                   overhead_target=OVERHEAD_TARGET_PERCENT, speedup_target=SPEEDUP_TARGET,
                   weasyprint=weasyprint.__version__, python=platform.python_version())
    return figures


def markdown(figures: dict) -> str:
    overhead_ok = figures["overhead_percent"] <= figures["overhead_target"]
    speedup_ok = figures["speedup"] >= figures["speedup_target"]
    return "\n".join([
        f"Apogea-like project, {figures['lines']} lines, 36 months: {figures['pages']} pages, "
        f"{figures['size_kb']:.0f} KB.",
        "",
        "| Measure | Median | Target | Result |",
        "|---|---:|---:|---|",
        f"| First render (`render_dossier`, cache cleared) | {figures['first_ms']:.0f} ms | | |",
        f"| WeasyPrint alone on the same HTML | {figures['weasyprint_ms']:.0f} ms | | |",
        f"| Our overhead over WeasyPrint | {figures['overhead_percent']:.1f} % "
        f"| <= {figures['overhead_target']:.0f} % | {'ok' if overhead_ok else 'MISSED'} |",
        f"| Cached download (`GET …/dossier.pdf`, test client) | {figures['cached_ms']:.1f} ms "
        f"| | |",
        f"| Cached download vs first render | {figures['speedup']:.0f}× faster "
        f"| >= {figures['speedup_target']:.0f}× | {'ok' if speedup_ok else 'MISSED'} |",
        "",
        f"WeasyPrint {figures['weasyprint']}, Python {figures['python']}, "
        f"`{platform.machine()}`; medians of {figures['render_runs']} renders and "
        f"{figures['download_runs']} downloads after one warm-up render.",
    ])


def main() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # A database of its own, so that a test run in parallel is never clobbered.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "test_roi_bench_pdf"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(markdown(run()))
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
