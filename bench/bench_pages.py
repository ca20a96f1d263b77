"""The pages over HTTP against the bench server: the results page, a wizard step and the
review page of the 200- and 2 000-line projects, each paired A B A B with the bare page of the
same layout (the password change page). The engine's results are in the database cache after
the first request of each page (that is the point of the cache); the warm-up pairs fill it."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from harness import pairs, verdict

PAIRS = 25
REVIEW_PAIRS = 7
PAGES = [
    # (key, label, URL name, extra args, goals by lines)
    ("results", "Results page (figures, 3 SVG charts, tables)", "roi:project_detail", (),
     {200: 2.0, 2000: 4.0}),
    ("step", "Wizard step « Logiciel » (lines, totals, statuses)", "checklist:step",
     ("costs-software",), {200: 2.0, 2000: 4.0}),
    ("step_first", "same, first view of a revision (its body rendered, then kept)",
     "checklist:step", ("costs-software",), {}),
    ("review", "Review page (every line with its total)", "roi:project_review", (), {}),
]
# A post step's body is kept per revision (checklist.wizard.views.post_step_body): "first
# view" drops the kept bodies before each request (outside the timing), as a change would.
FIRST_VIEW = "step_first"


def _forget_step_bodies() -> None:
    """Every kept post step body (their keys hold ":step:", see post_step_body)."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s",  # noqa: S608
                       ["%:step:%"])


def _first_view(measure):
    def first() -> float:
        _forget_step_bodies()
        return measure()
    return first


def run(context, count: int = PAIRS) -> dict:
    from django.urls import reverse

    server, data = context.server, context.data
    bare = server.timed_get(context.bare_path, data.cookie)
    rows = []
    for lines, project in sorted(data.projects.items()):
        for key, label, name, args, goals in PAGES:
            url = reverse(name, args=[project.pk, *args])
            # The review page is slow at 2 000 lines: fewer pairs.
            ours = server.timed_get(url, data.cookie)
            if key == FIRST_VIEW:
                ours = _first_view(ours)
            measured = pairs(bare, ours, count if key != "review" else REVIEW_PAIRS)
            rows.append({"key": key, "label": label, "lines": lines, "url": url,
                         "goal": goals.get(lines), **measured.document()})
    return {"rows": rows, "pairs": count}


def markdown(f: dict) -> str:
    lines = [
        f"{f['pairs']} pairs per page ({REVIEW_PAIRS} for the review page) after 2 warm-up "
        "pairs, one GET each on a new "
        "connection, timed by the client (connect to last byte).",
        "",
        "| Page | Lines | Bare page (median) | Page (median) | × bare (ratio of medians) "
        "| Median of pair ratios | Goal | |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in f["rows"]:
        goal = f"≤ {row['goal']:.0f}×" if row["goal"] else ""
        result = verdict(row["ratio"], row["goal"]) if row["goal"] else ""
        lines.append(
            f"| {row['label']} | {row['lines']} | {row['bare_ms']:.1f} ms "
            f"| {row['ours_ms']:.1f} ms | {row['ratio']:.2f} | {row['pair_ratio']:.2f} "
            f"| {goal} | {result} |")
    return "\n".join(lines)
