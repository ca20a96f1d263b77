"""Loading and copying versions of the checklist catalogue (checklist/data/catalogue.json)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from checklist.catalogue.models import CatalogueVersion, KpiDefinition, Post, SubItem

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE_FILE) -> tuple[CatalogueVersion, bool]:
    """Load the catalogue file; idempotent: a version already loaded is left as it is.

    Returns (version, created). The newly loaded version becomes the current one.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = CatalogueVersion.objects.filter(version=data["version"]).first()
    if existing is not None:
        if not CatalogueVersion.objects.filter(is_current=True).exists():
            existing.is_current = True
            existing.save(update_fields=["is_current"])
        return existing, False
    CatalogueVersion.objects.filter(is_current=True).update(is_current=False)
    version = CatalogueVersion.objects.create(
        version=data["version"], title_fr=data["title_fr"], title_en=data["title_en"],
        is_current=True,
    )
    for post_data in data["posts"]:
        post = Post.objects.create(
            catalogue=version, code=post_data["code"], kind=post_data["kind"],
            order=post_data["order"], title_fr=post_data["title_fr"],
            title_en=post_data["title_en"], help_fr=post_data.get("help_fr", ""),
            help_en=post_data.get("help_en", ""),
            default_recurrence=post_data.get("default_recurrence", "once"),
        )
        SubItem.objects.bulk_create(
            SubItem(post=post, code=item["code"], order=index, title_fr=item["title_fr"],
                    title_en=item["title_en"], help_fr=item.get("help_fr", ""),
                    help_en=item.get("help_en", ""),
                    default_recurrence=item.get("default_recurrence",
                                                post.default_recurrence))
            for index, item in enumerate(post_data["items"], start=1)
        )
    KpiDefinition.objects.bulk_create(
        KpiDefinition(catalogue=version, code=kpi["code"], order=kpi.get("order", index),
                      name_fr=kpi["name_fr"], name_en=kpi["name_en"], unit=kpi["unit"],
                      better=kpi["better"], help_fr=kpi.get("help_fr", ""),
                      help_en=kpi.get("help_en", ""))
        for index, kpi in enumerate(data["kpis"], start=1)
    )
    return version, True


@transaction.atomic
def catalogue_copy(*, source: CatalogueVersion, version: str) -> CatalogueVersion:
    """Copy a version so staff can edit the copy without changing existing projects."""
    copy = CatalogueVersion.objects.create(
        version=version, title_fr=source.title_fr, title_en=source.title_en, is_current=False
    )
    for post in source.posts.prefetch_related("items"):
        items = list(post.items.all())
        post.pk = None
        post.catalogue = copy
        post.save()
        for item in items:
            item.pk = None
            item.post = post
        SubItem.objects.bulk_create(items)
    kpis = list(source.kpis.all())
    for kpi in kpis:
        kpi.pk = None
        kpi.catalogue = copy
    KpiDefinition.objects.bulk_create(kpis)
    return copy
