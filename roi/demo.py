"""Demo data for local use: one consultant, two client companies, a few projects.

Never loaded by migrations; ``python manage.py load_demo`` is idempotent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.projects.models import AnswerStatus, ChecklistAnswer, LineItem, RoiProject
from roi.projects.services import project_refresh_figures
from roi.review import services as review
from roi.tenancy.models import Client, Membership, Role
from roi.tracking import services as tracking
from roi.tracking.models import ReviewDecision

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
    _demo_tracking(durand, users, catalogue)
    return [(email, DEMO_PASSWORD) for email, *_ in DEMO_USERS]


# The Apogea case six months after go-live (method §6): what was really spent and gained in
# months 1..6, per line label. The integration ran over its quote (21 500 instead of 18 000),
# gains come in slower than planned while adoption grows.
TRACKED_ACTUALS = {
    "Abonnement CRM annuel, 25 utilisateurs": ["1000"] * 6,
    "Intégration, paramétrage, connecteurs ERP": ["21500", "", "", "", "", ""],
    "Formation et accompagnement": ["5000", "", "", "", "", ""],
    "Support et TMA (1 an)": ["250"] * 6,
    "Temps projet interne mobilisé": ["7400", "", "", "", "", ""],
    "Gain de temps des commerciaux (relances automatisées, tâches manuelles supprimées)":
        ["700", "1000", "1250", "1400", "1500", "1550"],
    "Taux de transformation +10 % vs année précédente":
        ["600", "1100", "1450", "1700", "1850", "1900"],
    "Coût d’acquisition marketing réduit (segmentation, ciblage)":
        ["250", "350", "400", "450", "500", "500"],
    "Meilleure fidélisation client (SAV, suivi réactif)": ["400", "500", "600", "700", "", ""],
}
TRACKED_NAME = "CRM connecté à l’ERP — suivi après mise en service"


def _demo_tracking(client: Client, users: dict, catalogue) -> None:
    """One project that a newcomer finds in tracking: Apogea approved (v1), live since
    1 January 2026, six months closed with their actuals (two left missing), an unplanned
    connector, and its 3-month review recorded."""
    consultant = users["consultant@demo.example"]
    if RoiProject.objects.filter(client=client, name=TRACKED_NAME).exists():
        return
    project = RoiProject.objects.create(
        client=client, name=TRACKED_NAME, crm_solution="Salesforce Sales Cloud",
        users_count=25, start_date=date(2025, 10, 1), horizon_months=12,
        discount_rate=Decimal("0.08"), catalogue=catalogue, created_by=consultant,
        updated_by=consultant)
    subitems = {}
    if catalogue is not None:
        subitems = {s.code: s for s in SubItem.objects.filter(post__catalogue=catalogue)}
    lines = LineItem.objects.bulk_create(
        LineItem(project=project, kind=kind, category=category, label=label,
                 subitem=subitems.get(code) if code else None,
                 amount=Decimal(amount), recurrence=recurrence, position=index,
                 assumption="Cas Apogea (PME industrielle de 60 salariés), estimation 12 mois.")
        for index, (kind, category, code, label, amount, recurrence) in enumerate(APOGEA_LINES)
    )
    project_refresh_figures(project)
    link = settings.SITE_URL + reverse("roi:project_review", args=[project.pk])
    review.project_submit(project=project, user=consultant, link=link, confirm_incomplete=True)
    review.project_approve(project=project, user=users["daf@demo.example"], link=link,
                           comment="Approuvé en comité du 15 décembre 2025.",
                           confirm_incomplete=True)
    tracking.tracking_start(project=project, user=consultant, go_live_date=date(2026, 1, 1),
                            as_of_month=6)
    extra = tracking.unplanned_line_add(
        project=project, user=consultant, kind="cost", category="integration",
        label="Connecteur e-commerce (non prévu)")
    values = {(extra.pk, 4): Decimal("1200")}
    for line in lines:
        for month, amount in enumerate(TRACKED_ACTUALS.get(line.label, []), start=1):
            if amount:
                values[(line.pk, month)] = Decimal(amount)
    tracking.actuals_save(project=project, user=consultant, values=values)
    director = Membership.objects.get(user=users["directeur.commercial@demo.example"],
                                      client=client)
    tracking.review_record(
        project=project, user=consultant, months_after_go_live=3,
        held_on=date(2026, 4, 3),
        comment="L’intégration a dépassé le devis de 3 500 € ; les gains montent moins vite "
                "que prévu, l’adoption progresse.",
        decision=ReviewDecision.CORRECTIVE,
        actions=[tracking.ActionInput("Relancer l’adoption : deux ateliers par équipe",
                                      director, date(2026, 5, 31))])
