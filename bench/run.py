"""``make bench``: every benchmark in one run, written to docs/benchmarks.md.

Needs DATABASE_URL (the Makefile starts a throwaway PostgreSQL cluster); creates and drops its
own test database in it. A real server (gunicorn, bench/harness.py) is started on 127.0.0.1
on a free port against that database, a 200-line and a 2 000-line project are imported, and
every figure is a ratio of pairs measured A B A B in this one run: a bare measure, then ours.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SECTIONS = [
    ("bench_pages", "Pages"),
    ("bench_calculation", "The ROI engine"),
    ("bench_pdf", "The CODIR dossier (PDF)"),
    ("bench_xlsx", "The Excel export"),
    ("bench_portfolio", "The consultant portfolio"),
]
BARE_PAGE = "/accounts/password_change/"


@dataclass
class Context:
    server: object
    data: object
    bare_path: str


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model or platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores, "
            f"`{platform.machine()}`, Linux {platform.release()}, Python "
            f"{platform.python_version()}")


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from harness import Server, bench_projects

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not os.environ.get("DATABASE_URL"):
        print("bench: DATABASE_URL is not set (run `make bench`)", file=sys.stderr)
        return 2
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    name = connection.settings_dict["NAME"]
    parts_url = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(parts_url._replace(path=f"/{name}"))
    call_command("createcachetable", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    (BASE_DIR / "var").mkdir(exist_ok=True)
    server = None
    started = datetime.datetime.now(datetime.UTC)
    parts = []
    try:
        print("bench: importing the 200- and 2 000-line projects…", flush=True)
        data = bench_projects()
        server = Server(database_url)
        context = Context(server, data, reverse("password_change"))
        for module_name, title in SECTIONS:
            module = importlib.import_module(module_name)
            print(f"bench: {title}…", flush=True)
            figures = module.run(context)
            parts += ["", f"## {title}", "", module.markdown(figures)]
            print(module.markdown(figures), flush=True)
    finally:
        if server is not None:
            server.stop()
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)
    header = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {started:%Y-%m-%d %H:%M} UTC. Machine: {_machine()}.",
        "",
        "How: a real server (gunicorn, one sync worker, DEBUG as in development) is started on "
        "127.0.0.1 on a free port against a throwaway PostgreSQL database; a 200-line and a "
        "2 000-line project (60 months) are imported as the web import does. Every figure is "
        "a ratio of pairs measured A B A B in this one run (A the bare measure, B ours), so a "
        "noisy neighbour slows both alike: the ratio is the median of B over the median of A, "
        "with the median of the per-pair ratios beside it. The bare page is the password "
        f"change page (`{BARE_PAGE}`), the same base layout with nothing of ours. Nothing here "
        "is asserted by the tests (no timed test); this file is the record.",
    ]
    output = BASE_DIR / "docs" / "benchmarks.md"
    # `make loadtest` writes its own section between its markers: keep it.
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    start, end = "<!-- loadtest -->", "<!-- /loadtest -->"
    loadtest = (previous[previous.index(start):previous.index(end) + len(end)]
                if start in previous and end in previous else "")
    text = "\n".join(header + parts) + "\n"
    output.write_text(text + ("\n" + loadtest + "\n" if loadtest else ""), encoding="utf-8")
    print(f"bench: wrote {output.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
