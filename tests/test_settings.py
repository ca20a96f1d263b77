"""Production settings are secure by default and fail loudly without a SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60 + "-Prod-Key-0123456789",
              "ALLOWED_HOSTS": "roi.example.com", "DATABASE_URL": "postgres://u@db:5432/roi"}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL",
                          "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR,
                          env={**clean, **env}, capture_output=True, text=True, check=False)


def test_deploy_check_is_clean_with_only_the_four_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_in_production_is_a_clear_error():
    env = dict(PRODUCTION)
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_database_must_be_postgresql():
    result = manage("check", env=dict(PRODUCTION, DATABASE_URL="sqlite:///db.sqlite3"))
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr
