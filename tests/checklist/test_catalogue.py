"""The catalogue carries every post and sub-item of seed 000, loads idempotently, versions."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from checklist.catalogue.loader import CATALOGUE_FILE, catalogue_copy
from checklist.catalogue.models import CatalogueVersion, KpiDefinition, Post, SubItem
from checklist.catalogue.reader import catalogue_info
from roi.calculation import COST_CATEGORIES, GAIN_CATEGORIES

# Seed 000's tables: sub-items per post (the software post has one more: the base licence).
SEED_ITEM_COUNTS = {
    "software": 5, "integration": 5, "training": 5, "support": 4, "internal": 4,
    "evolution": 4, "transition": 4, "contingency": 5, "productivity": 4, "conversion": 4,
    "retention": 4, "steering": 4, "collaboration": 4, "revenue": 4, "marketing": 4,
    "strategic": 4,
}


def test_catalogue_file_has_every_post_and_sub_item_in_both_languages():
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    costs = [p["code"] for p in data["posts"] if p["kind"] == "cost"]
    gains = [p["code"] for p in data["posts"] if p["kind"] == "gain"]
    assert tuple(costs) == COST_CATEGORIES and tuple(gains) == GAIN_CATEGORIES
    for post in data["posts"]:
        assert len(post["items"]) == SEED_ITEM_COUNTS[post["code"]], post["code"]
        for entry in [post, *post["items"]]:
            for field in ("title_fr", "title_en", "help_fr", "help_en"):
                assert entry[field].strip(), (entry["code"], field)
    kpi_codes = {k["code"] for k in data["kpis"]}
    assert {"cac", "ltv", "ltv_cac", "churn_rate", "lead_conversion_rate", "sales_cycle_days",
            "nps", "adoption_rate"} <= kpi_codes


def test_seed_wording_is_present():
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    titles = {i["title_fr"] for p in data["posts"] for i in p["items"]}
    for expected in ("Migration et nettoyage des données clients",
                     "Temps de double utilisation temporaire",
                     "Faible adoption ou rejet utilisateur",
                     "Vision commune du client à 360°"):
        assert expected in titles


@pytest.mark.django_db
def test_load_is_idempotent_and_current():
    call_command("load_catalogue")
    call_command("load_catalogue")
    assert CatalogueVersion.objects.count() == 1
    version = CatalogueVersion.current()
    assert version.posts.count() == 16
    assert SubItem.objects.count() == 68
    assert KpiDefinition.objects.count() >= 8


@pytest.mark.django_db
def test_a_copy_is_an_independent_version():
    call_command("load_catalogue")
    source = CatalogueVersion.current()
    copy = catalogue_copy(source=source, version="2026.2")
    SubItem.objects.filter(post__catalogue=copy, code="integration.data_migration").update(
        title_fr="Changé")
    assert not SubItem.objects.filter(post__catalogue=source, title_fr="Changé").exists()
    assert Post.objects.filter(catalogue=copy).count() == 16
    assert SubItem.objects.filter(post__catalogue=copy).count() == 68


@pytest.mark.django_db
def test_a_loaded_version_is_read_once_per_process(django_assert_num_queries):
    call_command("load_catalogue")
    version = CatalogueVersion.current()
    # The shared cache read, the version's three tables, its storing (each cache statement in
    # a savepoint: this test runs in a transaction).
    with django_assert_num_queries(9):
        first = catalogue_info(version, "fr")
    again = CatalogueVersion.objects.get(pk=version.pk)  # as another request reads it
    with django_assert_num_queries(0):
        assert catalogue_info(version, "fr") is first
        assert catalogue_info(again, "fr") is first
    english = catalogue_info(version, "en")
    assert english is not first and english.posts[0].title != first.posts[0].title
    # Another version (a copy) is another entry: never the first one's titles.
    copy = catalogue_copy(source=version, version="2026.2")
    SubItem.objects.filter(post__catalogue=copy, code="integration.data_migration").update(
        title_fr="Changé")
    titles = {item.title for post in catalogue_info(copy, "fr").posts for item in post.items}
    assert "Changé" in titles
    assert "Changé" not in {i.title for p in first.posts for i in p.items}
