"""``make bench``: every benchmark in one run, written to docs/benchmarks.md.

Needs DATABASE_URL (the Makefile starts a throwaway PostgreSQL); creates and drops its own
test database, so nothing of yours is touched.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SECTIONS = [
    ("bench_calculation", "The ROI engine"),
    ("bench_pages", "Pages"),
    ("bench_pdf", "The CODIR dossier (PDF)"),
    ("bench_xlsx", "The Excel export"),
    ("bench_portfolio", "The consultant portfolio"),
]


def main() -> int:
    import django
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    # Fast password hashing, as in the tests: the benchmarks measure pages, not PBKDF2.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    parts = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.date.today():%Y-%m-%d}: Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, `{platform.machine()}`. "
        "Timings are medians of several runs in one process; the machine is shared and "
        "noisy, so ratios measured in the same run are the figures to compare.",
    ]
    try:
        for module_name, title in SECTIONS:
            if not (BASE_DIR / "bench" / f"{module_name}.py").exists():
                continue
            module = importlib.import_module(module_name)
            print(f"bench: {title}…", flush=True)
            figures = module.run()
            parts += ["", f"## {title}", "", module.markdown(figures)]
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    output = BASE_DIR / "docs" / "benchmarks.md"
    output.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"bench: wrote {output.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
