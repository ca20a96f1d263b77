"""The assumption register (issue 12, item 6): source, owner, confidence, last validation;
sorted by exposure; stale ones flagged; validated; printed in the dossier."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from roi.assumptions import services
from roi.assumptions.models import AssumptionRecord
from roi.assumptions.selectors import register_rows
from roi.documents import dossier
from roi.projects.models import ProjectStatus
from roi.projects.selectors import project_overview
from roi.tenancy.models import Membership
from tests.conftest import add_line, bump_revision
from tests.roi.documents.test_pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(apogea):
    by_category = {line.category: line for line in apogea.line_items.all()}
    productivity, conversion = by_category["productivity"], by_category["conversion"]
    productivity.confidence = Decimal("0.5")  # 18 000 at 50 %: exposure 9 000
    productivity.assumption = "2 h par semaine et par commercial"
    productivity.save()
    conversion.confidence = Decimal("0.8")  # 22 000 at 80 %: exposure 4 400
    conversion.save()
    return by_category


def register_url(project):
    return reverse("roi:assumption_register", args=[project.pk])


def test_rows_are_sorted_by_exposure_from_the_engines_line_totals(apogea, lines):
    rows = register_rows(project_overview(apogea), today=datetime.date(2026, 12, 2))
    assert [(r.line.category, r.amount, r.exposure) for r in rows[:3]] == [
        ("productivity", Decimal("18000"), Decimal("9000")),
        ("conversion", Decimal("22000"), Decimal("4400")),
        ("retention", Decimal("9000"), Decimal("0")),  # full confidence: no exposure
    ]
    # Costs carry no confidence (the engine applies none): exposure 0, after the gains.
    assert {r.line.kind for r in rows[4:]} == {"cost"}
    assert all(r.stale and r.days_since_validation is None for r in rows)


def test_an_assumption_not_validated_for_90_days_is_flagged(apogea, lines, world):
    today = datetime.date(2026, 12, 2)
    services.assumption_validate(line=lines["productivity"], user=world.users["consultant"],
                                 on=today - datetime.timedelta(days=90))
    services.assumption_validate(line=lines["conversion"], user=world.users["consultant"],
                                 on=today - datetime.timedelta(days=91))
    rows = {r.line.category: r for r in register_rows(project_overview(apogea), today=today)}
    assert (rows["productivity"].stale, rows["productivity"].days_since_validation) == (False, 90)
    assert (rows["conversion"].stale, rows["conversion"].days_since_validation) == (True, 91)


def test_the_page_lists_source_owner_and_flags(client, world, apogea, lines):
    owner = Membership.objects.get(client=world.client, user=world.users["sales_director"])
    services.assumption_describe(line=lines["productivity"], source="Mesure interne T3",
                                 owner=owner)
    client.force_login(world.users["viewer"])
    response = client.get(register_url(apogea))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mesure interne T3" in html and "Directeur commercial" in html
    assert "9\u202f000\u00a0€" in html  # the exposure, in the project's currency
    assert html.index("Mesure interne T3") < html.index("integration 18000")  # by exposure
    assert "jamais validée" in html
    assert "Valider" not in html  # a viewer reads only


def test_an_editor_describes_and_validates(client, world, apogea, lines):
    client.force_login(world.users["sales_director"])
    line = lines["productivity"]
    owner = Membership.objects.get(client=world.client, user=world.users["cfo"])
    url = reverse("roi:assumption_describe", args=[apogea.pk, line.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"source": "Étude interne", "owner": str(owner.pk)})
    assert response.status_code == 302
    response = client.post(reverse("roi:assumption_validate", args=[apogea.pk, line.pk]))
    assert response.status_code == 302 and response.url.endswith(f"#line-{line.pk}")
    record = AssumptionRecord.objects.get(line=line)
    assert (record.source, record.owner, record.last_validated_on, record.validated_by) == (
        "Étude interne", owner, timezone.localdate(), world.users["sales_director"])
    html = client.get(register_url(apogea)).content.decode()
    assert "à revalider" not in html.split(f'id="line-{line.pk}"')[1].split("</tr>")[0]


def test_the_owner_must_be_a_member_of_the_client(client, world, apogea, lines):
    client.force_login(world.users["sales_director"])
    outsider = Membership.objects.get(user=world.users["outsider"])
    url = reverse("roi:assumption_describe", args=[apogea.pk, lines["productivity"].pk])
    response = client.post(url, {"source": "x", "owner": str(outsider.pk)})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not AssumptionRecord.objects.exists()


def test_a_line_of_another_project_is_not_found(client, world, apogea):
    other = add_line(world.other_project, "gain", "productivity", "1000", "yearly")
    client.force_login(world.users["consultant"])
    for name in ("roi:assumption_describe", "roi:assumption_validate"):
        response = client.post(reverse(name, args=[apogea.pk, other.pk]), {"source": "x"})
        assert response.status_code == 404
    assert not AssumptionRecord.objects.exists()


def test_the_register_does_not_reopen_an_approved_project(client, world, apogea, lines):
    apogea.status = ProjectStatus.APPROVED
    apogea.save(update_fields=["status"])
    client.force_login(world.users["consultant"])
    client.post(reverse("roi:assumption_validate", args=[apogea.pk, lines["conversion"].pk]))
    apogea.refresh_from_db()
    assert apogea.status == ProjectStatus.APPROVED
    assert AssumptionRecord.objects.get(line=lines["conversion"]).last_validated_on


def test_the_page_makes_a_constant_number_of_queries(client, world, apogea, lines,
                                                     django_assert_max_num_queries):
    client.force_login(world.users["consultant"])

    def count():
        bump_revision(apogea)  # the engine's results not cached yet: the heavier case
        with django_assert_max_num_queries(40) as captured:
            assert client.get(register_url(apogea)).status_code == 200
        return len(captured)

    few = count()
    owner = Membership.objects.get(client=world.client, user=world.users["cfo"])
    for index in range(12):
        line = add_line(apogea, "gain", "revenue", str(1000 + index), "yearly",
                        confidence=Decimal("0.7"))
        services.assumption_describe(line=line, source=f"s{index}", owner=owner)
        services.assumption_validate(line=line, user=world.users["cfo"])
    assert count() == few


def test_the_dossier_prints_the_register(apogea, lines, world):
    owner = Membership.objects.get(client=world.client, user=world.users["cfo"])
    services.assumption_describe(line=lines["productivity"], source="Mesure interne T3",
                                 owner=owner)
    text = pdf_text(dossier.render_dossier(apogea))
    assert "Registre des hypothèses" in text
    assert "Mesure interne T3" in text
    assert "9 000 €" in text and "à revalider" in text
    # Validating changes the dossier (its cache key follows the register).
    before = dossier.dossier_cache_key(apogea)
    services.assumption_validate(line=lines["productivity"], user=world.users["cfo"])
    assert dossier.dossier_cache_key(apogea) != before


def test_a_costs_estimate_gets_its_own_confidence_and_exposure(client, world, apogea, lines):
    """A cost is not risk-adjusted by the engine: the register keeps how sure its estimate
    is, from which its exposure follows; a gain's confidence stays the line's."""
    integration = lines["integration"]  # 18 000 once
    client.force_login(world.users["sales_director"])
    url = reverse("roi:assumption_describe", args=[apogea.pk, integration.pk])
    assert "Confiance de l’estimation" in client.get(url).content.decode()
    gain_url = reverse("roi:assumption_describe", args=[apogea.pk, lines["conversion"].pk])
    assert "Confiance de l’estimation" not in client.get(gain_url).content.decode()
    # Out of range: said on the field, the typed values kept, nothing stored.
    response = client.post(url, {"source": "Devis intégrateur", "owner": "",
                                 "confidence": "140"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "100" in body and 'value="Devis intégrateur"' in body
    assert not AssumptionRecord.objects.filter(line=integration).exists()
    assert client.post(url, {"source": "Devis intégrateur", "owner": "",
                             "confidence": "60"}).status_code == 302
    rows = {r.line.category: r for r in register_rows(project_overview(apogea),
                                                     today=timezone.localdate())}
    assert (rows["integration"].confidence, rows["integration"].exposure) == (
        Decimal("0.6"), Decimal("7200"))  # 18 000 × 40 %
    assert rows["software"].confidence is None and rows["software"].exposure == 0
    # Sorted by exposure among the gains: after productivity (9 000), before conversion.
    order = [r.line.category for r in register_rows(project_overview(apogea),
                                                    today=timezone.localdate())]
    assert order.index("productivity") < order.index("integration") < order.index("conversion")
    text = " ".join(pdf_text(dossier.render_dossier(apogea)).split())
    assert "60 %" in text.replace("\u202f", " ").replace("\xa0", " ")
