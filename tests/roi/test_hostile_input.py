"""Hostile input posted to every form of the product, table-driven (what users and a fuzzer met).

Each form gets NUL bytes, CR/LF, 10 000-character texts, numbers far too large, "€" and "%"
alone, "0.0001", empty values, field by field. Whatever the value, the answer is never a
server error; when the input is refused, nothing was saved, the message is in French, and the
form shows back what was typed (cleaned of what cannot be shown); when it is accepted, what
is stored holds no control character and no line break in a one-line name.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.models import (
    AssumptionRecord,
    ChecklistAnswer,
    Client,
    Comment,
    Invitation,
    KpiEntry,
    KpiMeasurement,
    LineItem,
    ProjectStatus,
    ProjectVersion,
    QualitativeBenefit,
    RoiProject,
)
from roi.tenancy import services as tenancy_services
from roi.text_input import clean_text, has_control_characters, has_line_break
from tests.conftest import add_line

HTMX = {"HTTP_HX_REQUEST": "true"}

NUL = "Licences\x00CRM"
CRLF = "Licences CRM\r\nBcc: pirate@evil.example"
LONG = "L" * 10_000
HUGE = "9" * 40

TEXT_VALUES = {"nul": NUL, "crlf": CRLF, "long": LONG, "euro": "€", "percent": "%",
               "empty": "", "control": "Bip\x07\x1b[31m"}
MULTILINE_VALUES = {"nul": NUL, "crlf": CRLF, "long": LONG, "empty": "", "control": "a\x0bb\x7f"}
NUMBER_VALUES = {"huge": HUGE, "exponent": "1e999", "euro": "€", "percent": "%",
                 "tiny": "0.0001", "tinier": "0.000001", "empty": "", "nul": "1\x002",
                 "negative": "-5", "words": "douze"}

# What a refusal must say, by kind of field and value (when the value is refused).
EXPECTED = {
    ("text", "nul"): "caractère invisible", ("text", "control"): "caractère invisible",
    ("text", "crlf"): "une seule ligne", ("multiline", "nul"): "caractère invisible",
    ("multiline", "control"): "caractère invisible",
    ("number", "huge"): "trop grand", ("number", "euro"): "Saisissez un nombre",
    ("number", "percent"): "Saisissez un nombre", ("number", "words"): "Saisissez un nombre",
    ("number", "nul"): "Saisissez un nombre", ("number", "exponent"): "Saisissez un nombre",
}
EXPECTED[("hidden", "empty")] = "rechargez la page"
# Values that must be refused whatever the field of that kind.
MUST_REFUSE = {("hidden", label) for label in NUMBER_VALUES} | {
    ("email", "nul"), ("email", "crlf"), ("email", "long"), ("email", "control"),
    ("email", "euro"), ("email", "empty"),
} | {("text", "nul"), ("text", "crlf"), ("text", "control"), ("text", "long"),
               ("multiline", "nul"), ("multiline", "control"), ("number", "huge"),
               ("number", "euro"), ("number", "percent"), ("number", "nul"),
               ("number", "words"), ("number", "exponent")}
ENGLISH = re.compile(r"\b(must|Enter a|Ensure|This field|is required|characters\b|invalid)\b")


@dataclass
class Ctx:
    client: object
    world: object
    project: RoiProject
    line: LineItem
    subitem: SubItem
    extra: dict = field(default_factory=dict)


@dataclass
class FormSpec:
    name: str
    role: str | None
    url: Callable[[Ctx], str]
    data: Callable[[Ctx], dict]
    text: tuple[str, ...] = ()
    multiline: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()  # whole numbers (months, users)
    hidden: tuple[str, ...] = ()  # the optimistic lock's revision / version
    email: tuple[str, ...] = ()
    # No form to show back (a comment, a reason saved as it changes): the text is stored
    # cleaned of control characters and line breaks instead of refused.
    cleans: bool = False
    method: str = "post"
    htmx: bool = False
    redirects: bool = False  # the answer is a redirect with a message (no form shown back)
    shows_back: bool = True
    snapshot: Callable[[Ctx], object] = lambda ctx: None
    prepare: Callable[[Ctx], None] = lambda ctx: None


def rows(model, **filters):
    return list(model.objects.filter(**filters).order_by("pk").values())


def project_rows(ctx):
    return [{k: v for k, v in row.items() if k != "wizard_step"}
            for row in rows(RoiProject, client=ctx.world.client)]


def line_snapshot(ctx):
    return rows(LineItem, project=ctx.project), project_rows(ctx)


def _subitem(project, code):
    return SubItem.objects.get(post__catalogue=project.catalogue, code=code)


def _submitted(ctx):
    RoiProject.objects.filter(pk=ctx.project.pk).update(status=ProjectStatus.SUBMITTED)


def _fresh_invitation(ctx):
    count = ctx.extra["invitations"] = ctx.extra.get("invitations", 0) + 1
    invitation = Invitation.objects.create(client=ctx.world.client, role="viewer",
                                           email=f"nouveau{count}@test.example")
    ctx.extra["token"] = tenancy_services.invitation_token(invitation)


def _quantify(helper, step, data):
    return FormSpec(
        f"quantify {helper}", "sales_director",
        lambda ctx: reverse("checklist:quantify", args=[ctx.project.pk, step, helper]),
        lambda ctx: dict(data), numbers=tuple(data), htmx=True, snapshot=line_snapshot)


LINE = {"label": "Licences", "amount": "1000", "quantity": "25", "recurrence": "yearly",
        "start_month": "1", "end_month": "", "ramp_up_months": "0", "confidence": "80",
        "margin": "", "assumption": "Devis"}
PROJECT = {"name": "Projet", "crm_solution": "HubSpot", "users_count": "25",
           "start_date": "", "horizon_months": "12", "currency": "EUR", "discount_rate": "8",
           "language": "fr"}
FACTORS = {"conservative_gains_factor": "80", "conservative_costs_factor": "110",
           "optimistic_gains_factor": "120", "optimistic_costs_factor": "100"}
CASE = {"format": "roi-case/1", "name": "Importé", "currency": "EUR", "horizon_months": 12,
        "costs": [{"category": "software", "label": "Licences", "amount": "1000",
                   "recurrence": "yearly"}], "gains": []}

SPECS = [
    FormSpec("client create", "consultant", lambda ctx: reverse("roi:client_create"),
             lambda ctx: {"name": "Nouveau client", "sector": "Industrie", "headcount": "50"},
             text=("name", "sector"), whole=("headcount",),
             snapshot=lambda ctx: rows(Client)),
    FormSpec("client edit", "consultant",
             lambda ctx: reverse("roi:client_edit", args=[ctx.world.client.pk]),
             lambda ctx: {"name": "Durand Industrie", "sector": "Industrie", "headcount": "60"},
             text=("name", "sector"), whole=("headcount",),
             snapshot=lambda ctx: rows(Client)),
    FormSpec("project create", "consultant",
             lambda ctx: reverse("roi:project_create", args=[ctx.world.client.pk]),
             lambda ctx: dict(PROJECT), text=("name", "crm_solution"),
             numbers=("discount_rate",), whole=("users_count", "horizon_months"),
             snapshot=project_rows),
    FormSpec("project edit", "sales_director",
             lambda ctx: reverse("roi:project_edit", args=[ctx.project.pk]),
             lambda ctx: dict(PROJECT, revision=str(
                 RoiProject.objects.get(pk=ctx.project.pk).revision)),
             text=("name", "crm_solution"), numbers=("discount_rate",),
             whole=("users_count", "horizon_months"), hidden=("revision",),
             snapshot=project_rows),
    FormSpec("context step", "sales_director",
             lambda ctx: reverse("checklist:step", args=[ctx.project.pk, "context"]),
             lambda ctx: dict(PROJECT, **FACTORS, stay="", revision=str(
                 RoiProject.objects.get(pk=ctx.project.pk).revision)),
             text=("name", "crm_solution"), numbers=("discount_rate", *FACTORS),
             whole=("users_count", "horizon_months"), hidden=("revision",),
             snapshot=project_rows),
    FormSpec("line add", "sales_director",
             lambda ctx: reverse("checklist:line_new", args=[ctx.project.pk,
                                                             "gains-productivity"])
             + f"?subitem={ctx.subitem.pk}",
             lambda ctx: dict(LINE), text=("label",), multiline=("assumption",),
             numbers=("amount", "quantity", "confidence", "margin"),
             whole=("start_month", "end_month", "ramp_up_months"), htmx=True,
             snapshot=line_snapshot),
    FormSpec("line edit", "sales_director",
             lambda ctx: reverse("checklist:line_edit", args=[ctx.project.pk, ctx.line.pk]),
             lambda ctx: dict(LINE, version=str(LineItem.objects.get(pk=ctx.line.pk).version)),
             text=("label",), multiline=("assumption",),
             numbers=("amount", "quantity", "confidence", "margin"),
             whole=("start_month", "end_month", "ramp_up_months"), hidden=("version",),
             htmx=True,
             snapshot=line_snapshot),
    _quantify("time_saved", "gains-productivity", {
        "hours_per_week": "2", "people": "10", "loaded_hourly_cost": "45",
        "working_weeks": "45"}),
    _quantify("conversion_uplift", "gains-conversion", {
        "opportunities_per_year": "400", "uplift_rate": "5", "average_deal": "10000",
        "margin_rate": "30"}),
    _quantify("churn_reduction", "gains-retention", {
        "customers": "500", "churn_drop_rate": "2", "annual_revenue_per_customer": "3000",
        "margin_rate": "40"}),
    _quantify("acquisition_cost_reduction", "gains-marketing", {
        "new_customers_per_year": "100", "cac_drop": "150"}),
    FormSpec("benefits", "sales_director",
             lambda ctx: reverse("checklist:step", args=[ctx.project.pk, "benefits"]),
             lambda ctx: {"benefit": "Vision client", "stay": ""}, text=("benefit",),
             snapshot=lambda ctx: rows(QualitativeBenefit, project=ctx.project)),
    FormSpec("KPIs", "sales_director",
             lambda ctx: reverse("checklist:step", args=[ctx.project.pk, "kpis"]),
             lambda ctx: {"cac-baseline": "1200", "cac-target": "900", "stay": ""},
             numbers=("cac-baseline", "cac-target"),
             snapshot=lambda ctx: rows(KpiEntry, project=ctx.project)),
    FormSpec("KPI measurement", "sales_director",
             lambda ctx: reverse("roi:project_kpis", args=[ctx.project.pk]),
             lambda ctx: {"code": "cac", "date": "2026-11-30", "value": "950", "note": ""},
             numbers=("value",), text=("note",),
             snapshot=lambda ctx: rows(KpiMeasurement, kpi__project=ctx.project)),
    FormSpec("assumption source", "sales_director",
             lambda ctx: reverse("roi:assumption_describe", args=[ctx.project.pk,
                                                                  ctx.line.pk]),
             lambda ctx: {"source": "Devis éditeur", "owner": ""}, text=("source",),
             snapshot=lambda ctx: rows(AssumptionRecord, line__project=ctx.project)),
    FormSpec("not applicable reason", "sales_director",
             lambda ctx: reverse("checklist:answer_save", args=[ctx.project.pk,
                                                                ctx.extra["na"].pk]),
             lambda ctx: {f"na-{ctx.extra['na'].pk}": "on",
                          f"reason-{ctx.extra['na'].pk}": "Pas de reprise"},
             text=("reason",), htmx=True, shows_back=False, cleans=True,
             snapshot=lambda ctx: rows(ChecklistAnswer, project=ctx.project)),
    FormSpec("comment", "cfo", lambda ctx: reverse("roi:comment_add", args=[ctx.project.pk]),
             lambda ctx: {"body": "Source du chiffre ?", "line": str(ctx.line.pk)},
             multiline=("body",), redirects=True, shows_back=False, cleans=True,
             snapshot=lambda ctx: rows(Comment, project=ctx.project)),
    FormSpec("request changes", "cfo",
             lambda ctx: reverse("roi:project_request_changes", args=[ctx.project.pk]),
             lambda ctx: {"comment": "Revoir la formation"}, multiline=("comment",),
             redirects=True, shows_back=False, cleans=True, prepare=_submitted,
             snapshot=lambda ctx: (rows(Comment, project=ctx.project), project_rows(ctx))),
    FormSpec("approve", "cfo",
             lambda ctx: reverse("roi:project_approve", args=[ctx.project.pk]),
             lambda ctx: {"comment": "Bon pour accord", "confirm_incomplete": "on"},
             multiline=("comment",),
             redirects=True, shows_back=False, cleans=True, prepare=_submitted,
             snapshot=lambda ctx: (rows(ProjectVersion, project=ctx.project),
                                   project_rows(ctx))),
    FormSpec("invitation", "consultant",
             lambda ctx: reverse("roi:invitation_create", args=[ctx.world.client.pk]),
             lambda ctx: {"email": "nouvelle@test.example", "role": "viewer"},
             email=("email",), snapshot=lambda ctx: rows(Invitation)),
    FormSpec("invitation accept", None,
             lambda ctx: reverse("invitation_accept", args=[ctx.extra["token"]]),
             lambda ctx: {"first_name": "Nina", "last_name": "Roy",
                          "password1": "Un-mot-de-passe-solide-2026",
                          "password2": "Un-mot-de-passe-solide-2026"},
             text=("first_name", "last_name"), prepare=_fresh_invitation,
             snapshot=lambda ctx: list(get_user_model().objects.order_by("pk").values())),
    FormSpec("duplicate", "consultant",
             lambda ctx: reverse("roi:project_duplicate", args=[ctx.project.pk]),
             lambda ctx: {"client": str(ctx.world.client.pk), "name": "Copie"},
             text=("name",), snapshot=project_rows),
    FormSpec("import", "consultant",
             lambda ctx: reverse("roi:project_import", args=[ctx.world.client.pk]),
             lambda ctx: {"name": "", "file": SimpleUploadedFile(
                 "case.json", json.dumps(CASE).encode(), "application/json")},
             text=("name",), snapshot=project_rows),
]


@pytest.fixture
def ctx(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 10_000  # the login table posts many failures
    call_command("load_catalogue", verbosity=0)
    project = world.project
    project.catalogue = CatalogueVersion.current()
    project.save()
    line = add_line(project, "gain", "productivity", "1000", "yearly",
                    subitem=_subitem(project, "productivity.manual_tasks"))
    context = Ctx(client, world, project, line, _subitem(project, "productivity.manual_tasks"))
    context.extra["na"] = _subitem(project, "productivity.quick_access")
    return context


def error_texts(response) -> list[str]:
    """Every refusal the answer carries: form errors, the import's list, error messages."""
    texts = []
    context = response.context
    if context is not None:
        for key in ("form",):
            form = context.get(key) if hasattr(context, "get") else None
            if form is not None and hasattr(form, "errors"):
                texts += [str(m) for messages in form.errors.values() for m in messages]
        if hasattr(context, "get") and context.get("errors"):
            texts += [str(e) for e in context.get("errors")]
    # The messages this request added (older ones may wait in the session, unread).
    queued = getattr(response.wsgi_request, "_messages", None)
    texts += [str(m) for m in getattr(queued, "_queued_messages", []) if m.level_tag == "error"]
    return texts


def shown(value: str, *, single_line: bool) -> str:
    """How the form shows a typed value back (cleaned, then escaped for HTML)."""
    text = clean_text(value, single_line=single_line).strip()
    return html.escape(text, quote=True)


def post(ctx: Ctx, spec: FormSpec, data: dict):
    if spec.method == "get":
        return ctx.client.get(spec.url(ctx), data)
    return ctx.client.post(spec.url(ctx), data, **(HTMX if spec.htmx else {}))


def assert_clean_database():
    """What was accepted is fit to store: no control character anywhere, no line break in a
    one-line name."""
    single = [(Client, "name"), (Client, "sector"), (RoiProject, "name"),
              (RoiProject, "crm_solution"), (LineItem, "label"), (QualitativeBenefit, "text"),
              (ChecklistAnswer, "reason"), (get_user_model(), "first_name"),
              (get_user_model(), "last_name"), (KpiMeasurement, "note"),
              (AssumptionRecord, "source")]
    multi = [(LineItem, "assumption"), (Comment, "body"), (ProjectVersion, "comment")]
    for model, name in single + multi:
        for value in model.objects.values_list(name, flat=True):
            assert not has_control_characters(value), (model, name, value[:80])
            if (model, name) in single:
                assert not has_line_break(value), (model, name, value[:80])


def attacks(spec: FormSpec):
    for kind, names, values in (("text", spec.text, TEXT_VALUES),
                                ("multiline", spec.multiline, MULTILINE_VALUES),
                                ("number", spec.numbers, NUMBER_VALUES),
                                ("whole", spec.whole, NUMBER_VALUES),
                                ("hidden", spec.hidden, NUMBER_VALUES),
                                ("email", spec.email, TEXT_VALUES)):
        for name in names:
            for label, value in values.items():
                yield kind, name, label, value


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_hostile_values_never_break_a_form(ctx, spec):
    if spec.role:
        ctx.client.force_login(ctx.world.users[spec.role])
    problems = []
    for kind, name, label, value in attacks(spec):
        spec.prepare(ctx)
        data = spec.data(ctx)
        key = f"reason-{ctx.extra['na'].pk}" if name == "reason" else name
        data[key] = value
        before = spec.snapshot(ctx)
        response = post(ctx, spec, data)
        where = f"{spec.name}: {name} = {label}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
            continue
        errors = error_texts(response)
        family = "number" if kind == "whole" else kind
        if not errors:
            if (family, label) in MUST_REFUSE and not spec.cleans:
                problems.append(f"{where}: accepted")
            continue
        if spec.snapshot(ctx) != before:
            problems.append(f"{where}: refused but something was saved")
        english = [e for e in errors if ENGLISH.search(e)]
        if english:
            problems.append(f"{where}: not in French: {english}")
        expected = EXPECTED.get((family, label))
        if expected and kind == "whole" and label != "huge":
            expected = "nombre entier"
        if expected and not any(expected in e for e in errors):
            problems.append(f"{where}: expected «{expected}» in {errors}")
        if spec.shows_back and not spec.redirects and value and kind in (
                "text", "multiline", "number"):
            body = response.content.decode()
            if shown(value, single_line=kind != "multiline") not in body:
                problems.append(f"{where}: the typed value is not shown back")
    assert not problems, "\n".join(problems)
    assert_clean_database()


def test_portfolio_search_takes_any_text(ctx):
    ctx.client.force_login(ctx.world.users["consultant"])
    for value in [*TEXT_VALUES.values(), "%' OR 1=1 --", "_", "\\", "é" * 300]:
        response = ctx.client.get(reverse("roi:portfolio"), {"q": value, "sort": value,
                                                             "status": value, "client": value,
                                                             "page": value})
        assert response.status_code == 200, repr(value)
        kept = shown(value, single_line=True)[:100]
        assert f'value="{kept}' in response.content.decode() or not kept.strip()


@pytest.mark.parametrize("username,expected", [
    ("a" * 300 + "@test.example", "au plus 254 caractères"),
    ("x" * 255, "au plus 254 caractères"),
    ("viewer\x00@test.example", "caractère nul"),
    ("viewer@test.example\r\nX: y", "Saisissez un nom d’utilisateur et un mot de passe valides"),
    ("", "Ce champ est obligatoire"),
    ("€", "Saisissez un nom d’utilisateur et un mot de passe valides"),
])
def test_login_refuses_hostile_names_in_french(ctx, username, expected):
    from axes.models import AccessAttempt

    response = ctx.client.post(reverse("login"), {"username": username, "password": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body
    assert all(len(a.username or "") <= 254 for a in AccessAttempt.objects.all())


def test_the_admin_login_hands_axes_a_username_that_fits(ctx):
    """The admin's login form has no length check of its own: axes still gets a value that
    fits its column (no DataError, no 500)."""
    from axes.models import AccessAttempt

    response = ctx.client.post(reverse("admin:login"), {"username": "b" * 400,
                                                        "password": "x"})
    assert response.status_code == 200
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [254]


@pytest.mark.parametrize("label,document,expected", [
    ("nul in a label", dict(CASE, costs=[dict(CASE["costs"][0], label="a\x00b")]),
     "costs[0].label : ne doit pas contenir de caractère de contrôle"),
    ("nul in the name", dict(CASE, name="Projet\x00"),
     "name : ne doit pas contenir de caractère de contrôle"),
    ("a 10 000-character label", dict(CASE, costs=[dict(CASE["costs"][0], label=LONG)]),
     "costs[0].label : au plus 200 caractères"),
    ("an amount too large", dict(CASE, costs=[dict(CASE["costs"][0], amount=HUGE)]),
     "costs[0].amount : doit être inférieur ou égal à 1\u202f000\u202f000\u202f000\u202f000"),
    ("a euro sign for an amount", dict(CASE, costs=[dict(CASE["costs"][0], amount="€")]),
     "costs[0].amount : doit être un nombre décimal écrit comme « 1234.56 »"),
    ("a start month 0", dict(CASE, costs=[dict(CASE["costs"][0], start_month=0)]),
     "costs[0].start_month : doit être supérieur ou égal à 1"),
    ("a NUL key", dict(CASE, **{"x\x00": 1}), "x? : clé inconnue"),
])
def test_web_import_words_the_format_rules_in_french(ctx, label, document, expected):
    ctx.client.force_login(ctx.world.users["consultant"])
    before = project_rows(ctx)
    upload = SimpleUploadedFile("case.json", json.dumps(document).encode(), "application/json")
    response = ctx.client.post(reverse("roi:project_import", args=[ctx.world.client.pk]),
                               {"file": upload})
    assert response.status_code == 200, label
    errors = error_texts(response)
    assert any(expected in e for e in errors), errors
    assert not any(ENGLISH.search(e) for e in errors), errors
    assert project_rows(ctx) == before


@pytest.mark.parametrize("content,expected", [
    (b"", "Le fichier soumis est vide"),
    (b" ", "JSON invalide à la ligne 1, colonne 2"),
    (b"\xff\xfe{}", "le texte doit être en UTF-8"),
    (b"[]", "le document doit être un objet JSON"),
    (b'{"a": 1, "a": 2}', "apparaît deux fois"),
    (b"[" * 100_000, "JSON invalide"),
])
def test_web_import_of_a_broken_file(ctx, content, expected):
    ctx.client.force_login(ctx.world.users["consultant"])
    upload = SimpleUploadedFile("case.json", content, "application/json")
    response = ctx.client.post(reverse("roi:project_import", args=[ctx.world.client.pk]),
                               {"file": upload})
    assert response.status_code == 200
    assert any(expected in e for e in error_texts(response))


def test_import_makes_names_one_line(ctx):
    ctx.client.force_login(ctx.world.users["consultant"])
    document = dict(CASE, name="Projet\r\nBcc: pirate@evil.example",
                    costs=[dict(CASE["costs"][0], label="Licences\nCRM\tcloud",
                                assumption="Ligne 1\r\nLigne 2")])
    upload = SimpleUploadedFile("case.json", json.dumps(document).encode(), "application/json")
    response = ctx.client.post(reverse("roi:project_import", args=[ctx.world.client.pk]),
                               {"file": upload})
    assert response.status_code == 302
    project = RoiProject.objects.get(client=ctx.world.client, name__startswith="Projet ")
    assert project.name == "Projet Bcc: pirate@evil.example"
    line = project.line_items.get()
    assert (line.label, line.assumption) == ("Licences CRM cloud", "Ligne 1\nLigne 2")


def test_names_with_line_breaks_stored_before_never_break_an_email(ctx, mailoutbox,
                                                                   committed):
    """A name stored before names were checked (or by another path) still gives one-line
    email subjects: submit, approve and invitations."""
    Client.objects.filter(pk=ctx.world.client.pk).update(name="Durand\r\nBcc: x@evil.example")
    RoiProject.objects.filter(pk=ctx.project.pk).update(name="CRM\nBcc: x@evil.example")
    ctx.client.force_login(ctx.world.users["sales_director"])
    # The project's checklist is still "à faire": submitting and approving say so knowingly.
    assert committed(ctx.client.post, reverse("roi:project_submit", args=[ctx.project.pk]),
                     {"confirm_incomplete": "on"}).status_code == 302
    ctx.client.force_login(ctx.world.users["cfo"])
    assert committed(ctx.client.post, reverse("roi:project_approve", args=[ctx.project.pk]),
                     {"confirm_incomplete": "on"}).status_code == 302
    ctx.client.force_login(ctx.world.users["consultant"])
    response = committed(ctx.client.post, reverse("roi:invitation_create",
                                                  args=[ctx.world.client.pk]),
                         {"email": "nouvelle@test.example", "role": "viewer"})
    assert response.status_code == 302
    assert len(mailoutbox) >= 3
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        message.message()  # builds the headers: a BadHeaderError would raise here


def test_numbers_speak_french_with_the_limit(ctx):
    ctx.client.force_login(ctx.world.users["sales_director"])
    url = (reverse("checklist:line_new", args=[ctx.project.pk, "gains-productivity"])
           + f"?subitem={ctx.subitem.pk}")
    response = ctx.client.post(url, dict(LINE, quantity="0", confidence="0", margin="0",
                                         amount="2000000000000"), **HTMX)
    errors = response.context["form"].errors
    assert errors["quantity"] == ["La valeur doit être supérieure à 0."]
    assert errors["confidence"] == ["La valeur doit être supérieure à 0\u00a0%."]
    assert errors["margin"] == ["La valeur doit être supérieure à 0\u00a0%."]
    assert errors["amount"] == [
        "Ce nombre est trop grand : 1\u202f000\u202f000\u202f000\u202f000 au maximum."]
    response = ctx.client.post(url, dict(LINE, quantity="0,0000001", confidence="€",
                                         start_month="0"), **HTMX)
    errors = response.context["form"].errors
    assert errors["quantity"] == ["Saisissez au plus 6 chiffres après la virgule."]
    assert errors["confidence"] == ["Saisissez un nombre, par exemple 12 000,50."]
    assert errors["start_month"] == ["La valeur doit être supérieure ou égale à 1."]
    assert LineItem.objects.filter(project=ctx.project).count() == 1
    # "0.0001" is a valid quantity and confidence: stored exactly.
    response = ctx.client.post(url, dict(LINE, quantity="0.0001", confidence="0.0001"),
                               **HTMX)
    assert response.status_code == 200
    line = LineItem.objects.filter(project=ctx.project).latest("pk")
    assert (line.quantity, line.confidence) == (Decimal("0.0001"), Decimal("0.000001"))
