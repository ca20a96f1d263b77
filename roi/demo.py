"""Demo data for local use: one consultant, two client companies, a few projects.

Never loaded by migrations; ``python manage.py load_demo`` is idempotent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.projects.models import AnswerStatus, ChecklistAnswer, LineItem, RoiProject
from roi.projects.services import project_refresh_figures
from roi.tenancy.models import Client, Membership, Role

DEMO_PASSWORD = "demo-roi-2026"
DEMO_USERS = [
    # email, first name, last name, role per client name
    ("consultant@demo.example", "Claire", "Martin",
     {"Durand Industrie": Role.CONSULTANT, "Junto Services": Role.CONSULTANT}),
    ("directeur.commercial@demo.example", "Paul", "Durand",
     {"Durand Industrie": Role.SALES_DIRECTOR}),
    ("daf@demo.example", "Sophie", "Leroy", {"Durand Industrie": Role.CFO}),
]
DEMO_CLIENTS = [
    ("Durand Industrie", "Industrie (PME)", 60),
    ("Junto Services", "Services B2B", 140),
]

# The Apogea case of seed 000: 45 000 € of costs and 55 000 € of gains over 12 months.
APOGEA_LINES = [
    ("cost", "software", "software.subscription",
     "Abonnement CRM annuel, 25 utilisateurs", "12000", "yearly"),
    ("cost", "integration", "integration.connectors", "Intégration, paramétrage, connecteurs ERP", "18000", "once"),
    ("cost", "training", "training.user_sessions", "Formation et accompagnement", "5000", "once"),
    ("cost", "support", "support.vendor_support", "Support et TMA (1 an)", "3000", "yearly"),
    ("cost", "internal", "internal.project_manager", "Temps projet interne mobilisé", "7000", "once"),
    ("gain", "productivity", "productivity.manual_tasks",
     "Gain de temps des commerciaux (relances automatisées, tâches manuelles supprimées)",
     "18000", "yearly"),
    ("gain", "conversion", "conversion.automated_follow_ups", "Taux de transformation +10 % vs année précédente",
     "22000", "yearly"),
    ("gain", "marketing", "marketing.lower_cac", "Coût d’acquisition marketing réduit (segmentation, ciblage)",
     "6000", "yearly"),
    ("gain", "retention", "retention.service_responsiveness", "Meilleure fidélisation client (SAV, suivi réactif)",
     "9000", "yearly"),
]

APOGEA_NOT_APPLICABLE = ("Hors périmètre du cas Apogea (PME industrielle, 12 mois) : "
                         "ni coût ni gain attendu sur ce point.")


@transaction.atomic
def demo_load() -> list[tuple[str, str]]:
    """Create (or find) the demo users, clients and projects; returns the demo credentials."""
    User = get_user_model()
    clients = {}
    for name, sector, headcount in DEMO_CLIENTS:
        clients[name], _ = Client.objects.get_or_create(
            name=name, defaults={"sector": sector, "headcount": headcount}
        )
    users = {}
    for email, first, last, roles in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[email] = user
        for client_name, role in roles.items():
            Membership.objects.get_or_create(
                user=user, client=clients[client_name], defaults={"role": role}
            )
    consultant = users["consultant@demo.example"]
    catalogue = CatalogueVersion.current()
    durand = clients["Durand Industrie"]
    apogea, created = RoiProject.objects.get_or_create(
        client=durand, name="CRM connecté à l’ERP",
        defaults=dict(crm_solution="Salesforce Sales Cloud", users_count=25,
                      start_date=date(2026, 1, 1), horizon_months=12,
                      discount_rate=Decimal("0.08"), catalogue=catalogue,
                      created_by=consultant, updated_by=consultant),
    )
    if created:
        subitems = {}
        if catalogue is not None:
            subitems = {s.code: s for s in SubItem.objects.filter(post__catalogue=catalogue)}
        LineItem.objects.bulk_create(
            LineItem(project=apogea, kind=kind, category=category, label=label,
                     subitem=subitems.get(code) if code else None,
                     amount=Decimal(amount), recurrence=recurrence, position=index,
                     assumption="Cas Apogea (PME industrielle de 60 salariés), estimation 12 mois.")
            for index, (kind, category, code, label, amount, recurrence) in enumerate(APOGEA_LINES)
        )
        # The case's checklist is complete: what Apogea does not count is said not applicable,
        # so that the CFO can approve it without confirming an incomplete checklist.
        counted = {code for *_, code, _label, _amount, _recurrence in APOGEA_LINES}
        ChecklistAnswer.objects.bulk_create(
            ChecklistAnswer(project=apogea, subitem=subitem, status=AnswerStatus.NOT_APPLICABLE,
                            reason=APOGEA_NOT_APPLICABLE)
            for code, subitem in sorted(subitems.items()) if code not in counted
        )
    RoiProject.objects.get_or_create(
        client=durand, name="Extension service client",
        defaults=dict(crm_solution="Salesforce Service Cloud", horizon_months=24,
                      catalogue=catalogue, created_by=consultant, updated_by=consultant),
    )
    junto, created = RoiProject.objects.get_or_create(
        client=clients["Junto Services"], name="Remplacement du CRM maison",
        defaults=dict(crm_solution="HubSpot Sales Hub", users_count=40, horizon_months=12,
                      catalogue=catalogue, created_by=consultant, updated_by=consultant),
    )
    if created:
        LineItem.objects.bulk_create([
            LineItem(project=junto, kind="cost", category="software", position=0,
                     label="Investissement CRM (licences, intégration, formation)",
                     amount=Decimal("50000"), recurrence="once"),
            LineItem(project=junto, kind="gain", category="revenue", position=1,
                     label="Ventes supplémentaires", amount=Decimal("200000"), recurrence="yearly"),
            LineItem(project=junto, kind="gain", category="steering", position=2,
                     label="Réduction des coûts", amount=Decimal("30000"), recurrence="yearly"),
            LineItem(project=junto, kind="gain", category="productivity", position=3,
                     label="Productivité", amount=Decimal("20000"), recurrence="yearly"),
        ])
    for project in RoiProject.objects.filter(client__in=clients.values(), roi_percent__isnull=True):
        project_refresh_figures(project)
    return [(email, DEMO_PASSWORD) for email, *_ in DEMO_USERS]
