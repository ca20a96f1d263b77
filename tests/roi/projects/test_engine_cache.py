"""The engine runs once per revision: its results in the database cache, keyed by project,
revision and catalogue version; every write of a project's inputs bumps the revision; the
pages run a constant number of queries whatever the number of lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from checklist.wizard.state import wizard_state
from roi.documents.dossier import dossier_cache_key
from roi.models import LineItem, RoiProject
from roi.projects import selectors, services
from roi.projects.selectors import engine_cache_key, project_overview
from roi.review import services as review


@pytest.fixture
def project(world):
    call_command("load_catalogue", verbosity=0)
    world.project.catalogue = CatalogueVersion.current()
    world.project.save()
    return world.project


@pytest.fixture
def director(client, world):
    client.force_login(world.users["sales_director"])
    return client


@pytest.fixture
def engine_runs(monkeypatch):
    """Counts the engine's runs through the read model (the real engine, counted)."""
    runs = []
    real = selectors.compute

    def counted(case):
        runs.append(case)
        return real(case)

    monkeypatch.setattr(selectors, "compute", counted)
    return runs


def add_lines(project: RoiProject, count: int) -> None:
    """``count`` lines over two posts and their sub-items, as an import would write them, and
    a new revision (the write path's rule: see services.project_changed)."""
    items = {s.post.code: s for s in SubItem.objects.filter(
        post__catalogue=project.catalogue, post__code__in=["software", "productivity"]
    ).select_related("post").order_by("order")}
    LineItem.objects.bulk_create(
        LineItem(project=project, kind="cost" if i % 2 else "gain",
                 category="software" if i % 2 else "productivity",
                 subitem=items["software" if i % 2 else "productivity"],
                 label=f"Ligne {i}", amount=Decimal(100 + i), recurrence="monthly",
                 assumption="Devis" if i % 3 else "")
        for i in range(count))
    RoiProject.objects.filter(pk=project.pk).update(revision=F("revision") + 1)
    project.refresh_from_db()


def test_the_results_are_computed_once_then_read_from_the_cache(director, project,
                                                                 engine_runs):
    add_lines(project, 6)
    url = reverse("roi:project_detail", args=[project.pk])
    first = director.get(url)
    assert first.status_code == 200 and len(engine_runs) == 1
    key = engine_cache_key(project, project.catalogue)
    assert cache.get(key) is not None
    for path in (url, reverse("checklist:step", args=[project.pk, "summary"]),
                 reverse("checklist:step", args=[project.pk, "costs-software"]),
                 reverse("roi:project_review", args=[project.pk])):
        assert director.get(path).status_code == 200
    assert len(engine_runs) == 1  # every page read the same cached results
    assert director.get(url).status_code == 200 and len(engine_runs) == 1


def test_the_cached_results_are_the_engines(project):
    add_lines(project, 9)
    fresh = project_overview(project)
    computed = fresh.result  # a miss: computed and stored
    cached = project_overview(RoiProject.objects.get(pk=project.pk))
    assert cached.figures.headline == computed.headline
    assert cached.figures.monthly == computed.monthly
    assert cached.result.case == fresh.case
    assert cached.line_totals == fresh.line_totals


def _figures_after(director, project, write) -> str:
    url = reverse("roi:project_detail", args=[project.pk])
    director.get(url)  # cached at this revision
    before = RoiProject.objects.get(pk=project.pk).revision
    write()
    after = RoiProject.objects.get(pk=project.pk).revision
    assert after > before, "the write did not bump the revision"
    return director.get(url).content.decode()


def test_every_write_of_the_inputs_bumps_the_revision(director, world, project, engine_runs):
    user = world.users["sales_director"]
    software = SubItem.objects.filter(post__catalogue=project.catalogue,
                                      post__code="software").first()
    line = None

    def create():
        nonlocal line
        line = services.line_item_create(project=project, user=user, kind="cost",
                                         category="software", label="Licences",
                                         amount=Decimal(1234), recurrence="once",
                                         subitem=software)

    page = _figures_after(director, project, create)
    assert "1\u202f234,00" in page
    page = _figures_after(director, project, lambda: services.line_item_update(
        line=line, user=user, expected_version=None, amount=Decimal(4321)))
    assert "4\u202f321,00" in page and "1\u202f234,00" not in page
    other = SubItem.objects.filter(post__catalogue=project.catalogue,
                                   post__code="training").first()
    _figures_after(director, project, lambda: services.answer_set(
        project=project, subitem=other, status="not_applicable", reason="Rien", user=user))
    _figures_after(director, project, lambda: services.answers_set(
        project=project, answers=[(other, "open", "")], user=user))
    _figures_after(director, project, lambda: services.benefits_replace(
        project=project, texts=["Vision 360°"], user=user))
    _figures_after(director, project, lambda: services.kpis_replace(
        project=project, values={"churn_rate": {"baseline": Decimal(12), "target": Decimal(9)}},
        user=user))
    _figures_after(director, project, lambda: services.project_update(
        project=project, user=user, horizon_months=24))
    page = _figures_after(director, project, lambda: services.line_item_delete(
        line=line, user=user))
    assert "4\u202f321,00" not in page
    # Each revision computed once, and only once.
    assert len(engine_runs) == 9


def test_a_line_read_apart_from_stale_results_is_computed_again(project):
    add_lines(project, 4)
    project_overview(project).result  # noqa: B018 - cached at this revision
    LineItem.objects.create(project=project, kind="cost", category="software",
                            label="Arrivée entre deux lectures", amount=Decimal(10),
                            recurrence="once")  # a write that did not bump (yet)
    state = wizard_state(project, lines_of="software")
    labels = [view.line.label for post in state.posts.values() for view in post.other_lines]
    assert "Arrivée entre deux lectures" in labels


# --- constant queries --------------------------------------------------------------------

PAGES = [
    ("roi:project_detail", ()),
    ("checklist:step", ("costs-software",)),
    ("checklist:step", ("gains-productivity",)),
    ("checklist:step", ("summary",)),
    ("checklist:step", ("context",)),
    ("roi:project_review", ()),
]


def _bump(project: RoiProject) -> None:
    RoiProject.objects.filter(pk=project.pk).update(revision=F("revision") + 1)
    project.refresh_from_db()


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize("cached", [False, True], ids=["computing", "cached"])
def test_pages_run_the_same_queries_at_5_and_200_lines(director, project, name, args, cached,
                                                       django_assert_max_num_queries):
    """The same count at 5 and at 200 lines, whether the engine's results are in the cache
    or computed (a new revision). Counted right after each request: the next one resets
    Django's query log."""
    url = reverse(name, args=[project.pk, *args])
    counts = []
    for count in (5, 195):
        add_lines(project, count)
        director.get(url)  # the first visit records the wizard's step; the figures cached
        if not cached:
            _bump(project)
        # (Computing, the results are kept in a savepoint of their own: 2 queries more.)
        with django_assert_max_num_queries(27) as queries:
            assert director.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_results_page_reads_no_line_when_its_figures_are_cached(director, project,
                                                                    django_assert_max_num_queries):
    add_lines(project, 20)
    url = reverse("roi:project_detail", args=[project.pk])
    director.get(url)
    with django_assert_max_num_queries(25) as queries:
        director.get(url)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"roi_lineitem"."label"' not in sql  # only the sub-items answered, not the lines


def test_the_portfolio_runs_the_same_queries_whatever_the_projects(
        client, world, django_assert_max_num_queries):
    client.force_login(world.users["consultant"])
    url = reverse("roi:portfolio")
    RoiProject.objects.bulk_create(RoiProject(client=world.client, name=f"P{i}")
                                   for i in range(5))
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    RoiProject.objects.bulk_create(RoiProject(client=world.client, name=f"Q{i}")
                                   for i in range(200))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_post_step_shown_again_reads_no_line_and_follows_every_change(
        client, world, director, project, django_assert_max_num_queries):
    """A post step's body is kept per revision (checklist.wizard.views.post_step_body): shown
    again, it reads no line; a change of the lines, a comment and its resolution, the reader's
    rights and the language each show at once."""
    add_lines(project, 20)
    url = reverse("checklist:step", args=[project.pk, "costs-software"])
    first = director.get(url).content.decode()
    with django_assert_max_num_queries(25) as queries:
        again = director.get(url).content.decode()
    assert '"roi_lineitem"."label"' not in " ".join(q["sql"] for q in queries.captured_queries)
    assert again.count('data-testid="line-row"') == first.count('data-testid="line-row"') == 10

    user = world.users["sales_director"]
    line = LineItem.objects.filter(project=project, category="software").first()
    services.line_item_update(line=line, user=user, expected_version=None, amount=Decimal(4321))
    assert "4\u202f321,00" in director.get(url).content.decode()

    review.comment_add(project=project, user=world.users["cfo"], body="Source ?", line=line)
    page = director.get(url).content.decode()
    assert 'data-testid="line-comment-badge">1 commentaire · à traiter' in page
    review.thread_resolve(project=project, user=world.users["cfo"], line=line)
    assert "1 commentaire · résolu" in director.get(url).content.decode()

    client.force_login(world.users["viewer"])
    read_only = client.get(url).content.decode()
    assert "Ajouter une ligne" not in read_only and "Lecture seule" in read_only
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Add a line" in english and "Ajouter une ligne" not in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "Ajouter une ligne" in client.get(url).content.decode()


def test_an_edit_on_the_admin_site_is_a_new_revision_shown_everywhere(client, project,
                                                                      django_user_model):
    """The admin site edits the project and its lines outside the services: the results page
    and the dossier's key follow it, not the figures cached for the previous revision."""
    line = LineItem.objects.create(project=project, kind="cost", category="software",
                                   label="Licences", amount=Decimal("1000"), recurrence="once")
    services.project_changed(project=project, user=None)
    before = project.revision
    key = dossier_cache_key(project)
    assert project_overview(project).figures.headline.total_costs == Decimal("1000")
    admin = django_user_model.objects.create_superuser("root@test.example",
                                                       "root@test.example", "x")
    client.force_login(admin)
    url = reverse("admin:roi_roiproject_change", args=[project.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value)
            for name, value in form.initial.items() if name in form.fields}
    data.update({
        "client": project.client_id, "catalogue": project.catalogue_id or "",
        "line_items-TOTAL_FORMS": "1", "line_items-INITIAL_FORMS": "1",
        "line_items-MIN_NUM_FORMS": "0", "line_items-MAX_NUM_FORMS": "1000",
        "line_items-0-id": line.pk, "line_items-0-project": project.pk,
        "line_items-0-kind": "cost", "line_items-0-category": "software",
        "line_items-0-label": "Licences", "line_items-0-amount": "2500",
        "line_items-0-quantity": "1", "line_items-0-recurrence": "once",
        "line_items-0-start_month": "1", "line_items-0-end_month": "",
        "line_items-0-ramp_up_months": "0", "line_items-0-confidence": "1",
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.revision > before
    assert project_overview(project).figures.headline.total_costs == Decimal("2500")
    assert dossier_cache_key(project) != key
