"""The line limit per project (roi/calculation/limits.py): refused at entry and at import,
with a French message, the values kept."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.calculation import CaseFormatError, limits, parse_case_json
from roi.projects.models import LineItem, RoiProject

HTMX = {"HTTP_HX_REQUEST": "true"}


def fill(project, count: int) -> None:
    LineItem.objects.bulk_create(
        LineItem(project=project, kind="cost", category="software", position=i,
                 label=f"Licence {i}", amount=Decimal("10"), recurrence="yearly")
        for i in range(count))


def test_the_limit_is_one_number():
    assert limits.MAX_LINES_PER_PROJECT == 1000


def test_the_wizard_refuses_a_line_past_the_limit_and_keeps_the_input(client, world):
    call_command("load_catalogue", verbosity=0)
    project = world.project
    project.catalogue = CatalogueVersion.current()
    project.save()
    fill(project, limits.MAX_LINES_PER_PROJECT)
    client.force_login(world.users["sales_director"])
    subitem = SubItem.objects.get(post__catalogue=project.catalogue,
                                  code="software.subscription")
    url = reverse("checklist:line_new", args=[project.pk, "costs-software"]) + (
        f"?subitem={subitem.pk}")
    response = client.post(url, {"label": "Une de trop", "amount": "1000", "quantity": "1",
                                 "recurrence": "yearly", "start_month": "1", "end_month": "",
                                 "assumption": ""}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 422
    assert "Ce projet compte déjà 1000 lignes, le maximum" in body
    assert 'value="Une de trop"' in body
    assert project.line_items.count() == limits.MAX_LINES_PER_PROJECT


def _case(lines: int) -> dict:
    return {"format": "roi-case/1", "name": "Trop grand", "horizon_months": 12,
            "costs": [{"category": "software", "amount": "10", "recurrence": "yearly"}
                      for _ in range(lines - 1)],
            "gains": [{"category": "productivity", "amount": "30000", "recurrence": "yearly"}]}


def test_the_format_accepts_the_limit_and_refuses_one_more():
    assert len(parse_case_json(json.dumps(_case(limits.MAX_LINES_PER_PROJECT))).costs) == 999
    with pytest.raises(CaseFormatError) as error:
        parse_case_json(json.dumps(_case(limits.MAX_LINES_PER_PROJECT + 1)))
    assert any("at most 1000 lines" in message for _path, message in error.value.errors)


def test_the_import_refuses_a_file_past_the_limit_in_french(client, world):
    client.force_login(world.users["sales_director"])
    upload = SimpleUploadedFile("case.json",
                                json.dumps(_case(limits.MAX_LINES_PER_PROJECT + 1)).encode(),
                                "application/json")
    response = client.post(reverse("roi:project_import", args=[world.client.pk]),
                           {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "un projet compte au plus" in body and "lignes (coûts et gains ensemble)" in body
    assert "ce fichier en a" in body
    assert "must have" not in body
    assert not RoiProject.objects.filter(name="Trop grand").exists()
