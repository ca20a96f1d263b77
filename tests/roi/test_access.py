"""The tenancy matrix: every tenant URL, for anonymous, outsider and each role.

Anonymous -> login; outsider -> 404; a role without the right -> 403; allowed -> 200/302.
The last test walks the URL configuration so that a new tenant URL cannot be added without
a row here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from roi.access import ROLE_ACTIONS, Action
from roi.models import Invitation, Role
from tests.checklist.matrix import MATRIX as CHECKLIST_MATRIX
from tests.roi.assumptions.matrix import MATRIX as ASSUMPTIONS_MATRIX
from tests.roi.documents.matrix import MATRIX as DOCUMENTS_MATRIX
from tests.roi.documents.matrix import USER_MATRIX
from tests.roi.kpis.matrix import MATRIX as KPIS_MATRIX
from tests.roi.options.matrix import MATRIX as OPTIONS_MATRIX
from tests.roi.tracking.matrix import MATRIX as TRACKING_MATRIX

# url name -> (kwarg kind, method, action needed, POST data); the kind may be a function
# of the target project that returns the URL (for URLs that need a line, a step…).
MATRIX = {
    "roi:client_detail": ("client", "get", Action.VIEW, None),
    "roi:client_edit": ("client", "get", Action.MANAGE, None),
    "roi:client_edit#post": ("client", "post", Action.MANAGE,
                             {"name": "Durand Industrie SAS", "sector": "", "headcount": ""}),
    "roi:invitation_create": ("client", "get", Action.MANAGE, None),
    "roi:invitation_create#post": ("client", "post", Action.MANAGE,
                                   {"email": "new@test.example", "role": "viewer"}),
    "roi:invitation_resend": ("invitation", "post", Action.MANAGE, {}),
    "roi:project_create": ("client", "get", Action.EDIT, None),
    "roi:project_create#post": ("client", "post", Action.EDIT,
                                {"name": "Nouveau", "horizon_months": "12", "currency": "EUR",
                                 "discount_rate": "8", "language": "fr"}),
    "roi:project_detail": ("project", "get", Action.VIEW, None),
    "roi:project_edit": ("project", "get", Action.EDIT, None),
    "roi:project_edit#post": ("project", "post", Action.EDIT,
                              {"name": "Renommé", "horizon_months": "24", "currency": "EUR",
                               "discount_rate": "8", "language": "fr"}),
    "roi:project_archive": ("project", "post", Action.EDIT, {}),
    "roi:project_import": ("client", "get", Action.EDIT, None),
    "roi:project_duplicate": ("project", "get", Action.EDIT, None),
    "roi:project_delete": ("project", "get", Action.EDIT, None),
    "roi:project_delete#post": ("project", "post", Action.EDIT, {}),
    "roi:project_restore": ("project", "post", Action.EDIT, {}),
    "documents:project_export": ("project", "get", Action.VIEW, None),
    "documents:project_xlsx": ("project", "get", Action.VIEW, None),
    "roi:project_review": ("project", "get", Action.VIEW, None),
    "roi:project_history": ("project", "get", Action.VIEW, None),
    "roi:comment_add": ("project", "post", Action.COMMENT, {"body": "Source ?"}),
    "roi:comment_form": ("project", "get", Action.COMMENT, None),
    "roi:thread_resolve": ("project", "post", Action.COMMENT, {"thread": "general"}),
    "roi:project_reopen": ("project", "post", Action.EDIT, {"status": "approved"}),
    "roi:project_submit": ("project", "post", Action.EDIT, {}),
    "roi:project_request_changes": ("project", "post", Action.APPROVE, {"comment": "Non"}),
    "roi:project_approve": ("project", "post", Action.APPROVE, {}),
    "documents:version_pdf": (lambda project: version_url(project), "get", Action.VIEW, None),
}


def version_url(project) -> str:
    from django.utils import timezone

    from roi.models import ProjectVersion

    version = ProjectVersion.objects.create(project=project, number=1, case={}, results={},
                                            pdf=b"%PDF-1.7 frozen", approved_at=timezone.now())
    return reverse("documents:version_pdf", args=[project.pk, version.number])

# The wizard, downloads and other project pages keep their rows next to their tests.
MATRIX.update(CHECKLIST_MATRIX)
MATRIX.update(DOCUMENTS_MATRIX)
MATRIX.update(KPIS_MATRIX)
MATRIX.update(ASSUMPTIONS_MATRIX)
MATRIX.update(TRACKING_MATRIX)
MATRIX.update(OPTIONS_MATRIX)

ROLES = [role.value for role in Role]


def url_for(name: str, world, *, outsider_target: bool = False) -> str:
    url_name = name.split("#")[0]
    kind = MATRIX[name][0]
    client = world.other_client if outsider_target else world.client
    project = world.other_project if outsider_target else world.project
    if kind == "client":
        return reverse(url_name, kwargs={"client_id": client.pk})
    if kind == "project":
        return reverse(url_name, kwargs={"project_id": project.pk})
    if callable(kind):
        return kind(project)
    if kind == "invitation":
        invitation = Invitation.objects.create(client=client, email="pending@test.example",
                                               role=Role.VIEWER)
        return reverse(url_name, kwargs={"client_id": client.pk, "invitation_id": invitation.pk})
    raise AssertionError(kind)


def call(django_client, name: str, url: str):
    _, method, _, data = MATRIX[name]
    if method == "get":
        return django_client.get(url)
    return django_client.post(url, data or {})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(client, world, name):
    response = call(client, name, url_for(name, world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_outsider_gets_404(client, world, name):
    # The outsider is a consultant of another client: all rights there, none here.
    client.force_login(world.users["outsider"])
    response = call(client, name, url_for(name, world))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(client, world, name, role, mailoutbox):
    client.force_login(world.users[role])
    response = call(client, name, url_for(name, world))
    allowed = Action(MATRIX[name][2]) in ROLE_ACTIONS[role]
    if allowed:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_outsider_role_on_own_client_is_not_a_key_to_others(client, world, name):
    """A consultant of client B who asks for client A's ids gets 404 even on B's URLs shape."""
    client.force_login(world.users["consultant"])
    response = call(client, name, url_for(name, world, outsider_target=True))
    assert response.status_code == 404


def call_user_url(django_client, name: str, owner, world):
    builder, method, data, _ = USER_MATRIX[name]
    url = builder(owner, world)
    if method == "get":
        return django_client.get(url)
    return django_client.post(url, data or {})


@pytest.mark.parametrize("name", sorted(USER_MATRIX))
def test_user_urls_send_anonymous_to_login(client, world, name):
    response = call_user_url(client, name, world.users["consultant"], world)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", [*ROLES, "outsider"])
@pytest.mark.parametrize("name", sorted(USER_MATRIX))
def test_user_urls_serve_their_owner(client, world, name, who):
    client.force_login(world.users[who])
    response = call_user_url(client, name, world.users[who], world)
    assert response.status_code in (200, 302), response.content[:500]


@pytest.mark.parametrize("who", [*ROLES, "outsider"])
@pytest.mark.parametrize("name", sorted(n for n, row in USER_MATRIX.items() if row[3]))
def test_user_urls_are_404_to_anybody_but_their_owner(client, world, name, who):
    """Another user's bundle, be it a member of the same client with every right: 404."""
    owner = world.users["outsider" if who != "outsider" else "consultant"]
    client.force_login(world.users[who])
    assert call_user_url(client, name, owner, world).status_code == 404


def test_readonly_roles_cannot_write_anywhere():
    for role in (Role.CFO, Role.VIEWER):
        assert Action.EDIT not in ROLE_ACTIONS[role]
        assert Action.MANAGE not in ROLE_ACTIONS[role]


def _tenant_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = pattern.pattern.converters
                if {"client_id", "project_id", "bundle_id"} & set(converters):
                    names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_tenant_url_is_in_the_matrix():
    covered = {name.split("#")[0] for name in MATRIX} | set(USER_MATRIX)
    missing = _tenant_url_names() - covered
    assert not missing, f"tenant URLs without an access test: {sorted(missing)}"
