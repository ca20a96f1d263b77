"""The review page of the largest allowed project (limits.MAX_LINES_PER_PROJECT lines): its
weight guarded, in a constant number of queries.

Measured on 2026-12-02: 1 000 lines weighed about 2.1 MB when every line carried its comment
form and all lines were on one page. Now the lines come by pages of
views.LINES_PER_PAGE (a badge or a comment leads to the page holding its line) and a line's
comment form is fetched on demand (roi:comment_form): the page weighs under 400 KB, every
assumption of the lines shown still printed, in the same number of queries as a small project.
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roi.calculation import limits
from roi.models import Comment
from roi.projects.models import LineItem
from roi.projects.services import project_refresh_figures
from roi.review.views import LINES_PER_PAGE

MAX_BYTES = 400_000


def _lines(project, count: int) -> None:
    half = count // 2
    LineItem.objects.bulk_create(
        [LineItem(project=project, kind="cost", category="software", position=i,
                  label=f"Licence {i}", amount=Decimal("100"), recurrence="yearly",
                  assumption="Devis éditeur") for i in range(half)]
        + [LineItem(project=project, kind="gain", category="productivity", position=i,
                    label=f"Gain {i}", amount=Decimal("300"), recurrence="yearly",
                    margin=Decimal("0.3"), ramp_up_months=3, confidence=Decimal("0.8"),
                    start_month=2, end_month=30, assumption="Mesuré sur 3 mois")
           for i in range(half)])
    project_refresh_figures(project)


def _queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content


def test_the_review_page_of_the_largest_project_stays_light(client, world):
    project = world.project
    client.force_login(world.users["cfo"])
    url = reverse("roi:project_review", args=[project.pk])
    _lines(project, 4)
    small, _ = _queries(client, url)
    LineItem.objects.filter(project=project).delete()
    _lines(project, limits.MAX_LINES_PER_PROJECT)
    gain = LineItem.objects.get(project=project, label="Gain 420")
    Comment.objects.create(project=project, line=gain, author=world.users["cfo"],
                           body="Mesuré comment ?")
    started = time.perf_counter()
    count, content = _queries(client, url)
    elapsed = time.perf_counter() - started
    print(f"review page, {limits.MAX_LINES_PER_PROJECT} lines: {len(content)} bytes, "
          f"{count} queries (4 lines: {small}), {elapsed:.2f} s")
    assert len(content) < MAX_BYTES, len(content)
    assert count <= small + 1, (count, small)  # +1: the comment's author is joined, not more
    html = content.decode()
    assert html.count('data-testid="review-line"') == LINES_PER_PAGE
    assert "Lignes 1 à 100 sur 1000" in html
    # The page holding a commented line says so in the navigation.
    assert 'href="?page=10#lines-title">901–1000 <span class="badge' in html
    assert 'href="?page=9#lines-title">801–900</a>' in html
    # No comment form per line; a button fetches it.
    assert html.count('name="body"') == 1  # the general thread's
    assert 'data-testid="comment-open"' in html

    # The commented line's page, by its badge's link: the same weight, the same queries.
    count, content = _queries(client, f"{url}?line={gain.pk}")
    html = content.decode()
    assert len(content) < MAX_BYTES and count <= small + 1
    assert f'id="line-{gain.pk}"' in html and "Mesuré comment ?" in html
    assert "Lignes 901 à 1000 sur 1000" in html and 'aria-current="page">901–1000' in html
    assert html.count('data-testid="review-line"') == LINES_PER_PAGE
    # Every assumption of a gain line is printed: margin, months, ramp-up, confidence, total.
    article = html[html.index(f'id="line-{gain.pk}"'):]
    article = article[:article.index("</article>")]
    for shown in ("30\u00a0%", "mois 2 à 30", "3 mois", "80\u00a0%", 'data-testid="line-total"',
                  "Mesuré sur 3 mois"):
        assert shown in article, shown


def test_a_lines_comment_form_comes_on_demand(client, world, apogea):
    line = LineItem.objects.filter(project=apogea, kind="gain").first()
    client.force_login(world.users["cfo"])
    url = reverse("roi:comment_form", args=[apogea.pk])
    response = client.get(url, {"line": line.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'name="line" value="{line.pk}"' in html and "autofocus" in html
    assert "Commenter…" in html and "csrfmiddlewaretoken" in html
    # A line of another project, or a forged one: 404.
    other = LineItem.objects.create(project=world.other_project, kind="cost", label="X",
                                    category="software", amount=Decimal("1"), recurrence="once")
    assert client.get(url, {"line": other.pk}).status_code == 404
    assert client.get(url, {"line": "x"}).status_code == 404
    # Sending it lands on the line's page, scrolled to it.
    response = client.post(reverse("roi:comment_add", args=[apogea.pk]),
                           {"line": line.pk, "body": "Source ?"})
    assert response.url.endswith(f"?line={line.pk}#line-{line.pk}")
    again = client.get(url, {"line": line.pk}).content.decode()
    assert "Répondre…" in again


def test_a_page_out_of_range_or_forged_falls_back_on_a_real_one(client, world):
    project = world.project
    _lines(project, 2 * LINES_PER_PAGE + 10)
    client.force_login(world.users["viewer"])
    url = reverse("roi:project_review", args=[project.pk])
    for query, shown in (("?page=3", "Lignes 201 à 210 sur 210"),
                         ("?page=99", "Lignes 201 à 210 sur 210"),
                         ("?page=x", "Lignes 1 à 100 sur 210"),
                         ("?line=0&page=2", "Lignes 101 à 200 sur 210"),
                         ("?line=abc", "Lignes 1 à 100 sur 210")):
        response = client.get(url + query)
        assert response.status_code == 200 and shown in response.content.decode(), query
    # A viewer reads every line and thread but gets no comment button.
    assert 'data-testid="comment-open"' not in response.content.decode()
