"""Benchmark of the CODIR dossier: our first render vs WeasyPrint alone, and the cached
download, each as pairs A B A B in one run (bench/harness.py).

On an Apogea-like project of 40 lines (the seed's 9 lines plus 31 more spread over the posts,
with sub-items, assumptions, checklist answers, benefits and KPIs):

- A: ``weasyprint.HTML(string=html).write_pdf()`` on the dossier's very HTML;
- B: :func:`roi.documents.dossier.render_dossier` with the cache cleared (queries, engine,
  charts, template, WeasyPrint, cache write);
- overhead = median B / median A − 1 (goal ≤ 30 %); an overhead is never negative, so a ratio
  below 1 (noise) is reported as 0 with the measured figure beside it;
- the cached download over HTTP on the bench server, paired with the bare page.
"""

from __future__ import annotations

import os
import platform
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
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

PAIRS = 5
DOWNLOAD_PAIRS = 25
OVERHEAD_TARGET_PERCENT = 30.0
SPEEDUP_TARGET = 50.0

APOGEA = [
    ("cost", "software", "12000", "yearly"), ("cost", "integration", "18000", "once"),
    ("cost", "training", "5000", "once"), ("cost", "support", "3000", "yearly"),
    ("cost", "internal", "7000", "once"), ("gain", "productivity", "18000", "yearly"),
    ("gain", "conversion", "22000", "yearly"), ("gain", "marketing", "6000", "yearly"),
    ("gain", "retention", "9000", "yearly"),
]


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


def run(context, count: int = PAIRS) -> dict:
    """Our first render vs WeasyPrint alone on the very same HTML, paired A B A B; then the
    cached download over HTTP vs the bare page, paired likewise."""
    import weasyprint
    from harness import pairs, wall_ms

    project, user = build_project()
    figures: dict = {"lines": project.line_items.count()}
    # Warm-up: imports, fonts, template loading (a long-running server has them).
    cache.clear()
    content = dossier.render_dossier(project)
    with override(project.language):
        html = render_to_string("pdf/dossier.html", dossier.dossier_context(project))
    figures["pages"] = len(weasyprint.HTML(string=html).render().pages)
    figures["size_kb"] = len(content) / 1024

    def first_render() -> None:
        cache.clear()  # the dossier and the engine's results: everything is worked out
        dossier.render_dossier(project)

    render = pairs(wall_ms(lambda: weasyprint.HTML(string=html).write_pdf()),
                   wall_ms(first_render), count, warmup=1)
    figures["render"] = render.document()
    figures["overhead_percent"] = (render.ratio - 1) * 100

    browser = TestClient()
    browser.force_login(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    url = reverse("documents:project_dossier", kwargs={"project_id": project.pk})
    dossier.render_dossier(project)  # in the cache
    server = context.server
    figures["download"] = pairs(server.timed_get(context.bare_path, cookie),
                                server.timed_get(url, cookie), DOWNLOAD_PAIRS).document()
    figures["speedup"] = render.ours / figures["download"]["ours_ms"]
    figures.update(pairs=count, download_pairs=DOWNLOAD_PAIRS,
                   overhead_target=OVERHEAD_TARGET_PERCENT, speedup_target=SPEEDUP_TARGET,
                   weasyprint=weasyprint.__version__, python=platform.python_version())
    return figures


def markdown(f: dict) -> str:
    render, download = f["render"], f["download"]
    measured = f["overhead_percent"]
    # An overhead is never negative: a ratio below 1 is noise of the pairs, shown as such.
    overhead = max(0.0, measured)
    overhead_ok = overhead <= f["overhead_target"]
    speedup_ok = f["speedup"] >= f["speedup_target"]
    note = (f" (measured {measured:.1f} %: below WeasyPrint alone is noise, read 0)"
            if measured < 0 else "")
    return "\n".join([
        f"Apogea-like project, {f['lines']} lines, 36 months: {f['pages']} pages, "
        f"{f['size_kb']:.0f} KB. {f['pairs']} pairs: WeasyPrint alone on the dossier's HTML "
        "(A), then our first render with the cache cleared (B: queries, engine, charts, "
        "template, WeasyPrint, cache write); then "
        f"{f['download_pairs']} pairs over HTTP: the bare page (A), the cached dossier (B).",
        "",
        "| Measure | A (median) | B (median) | B / A (ratio of medians) | Median of pair "
        "ratios | Goal | |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| First render vs WeasyPrint alone | {render['bare_ms']:.0f} ms "
        f"| {render['ours_ms']:.0f} ms | {render['ratio']:.3f} | {render['pair_ratio']:.3f} "
        f"| overhead ≤ {f['overhead_target']:.0f} % | overhead {overhead:.1f} %{note}: "
        f"{'ok' if overhead_ok else 'not ok'} |",
        f"| Cached download (`GET …/dossier.pdf`) vs bare page | {download['bare_ms']:.1f} ms "
        f"| {download['ours_ms']:.1f} ms | {download['ratio']:.2f} "
        f"| {download['pair_ratio']:.2f} | | |",
        f"| First render vs cached download | | | {f['speedup']:.0f}× faster | "
        f"| ≥ {f['speedup_target']:.0f}× | {'ok' if speedup_ok else 'not ok'} |",
        "",
        f"WeasyPrint {f['weasyprint']}, Python {f['python']}.",
    ])
