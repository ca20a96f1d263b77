# ROI Checklist. Two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
PYTHON := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
APT_PACKAGES := postgresql chromium fonts-dejavu-core fonts-inter fonts-liberation2 \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils util-linux gettext \
	libreoffice-calc-nogui
# Without DATABASE_URL, commands run against a private PostgreSQL cluster (config/devdb.py).
WITH_DB = $(if $(DATABASE_URL),,$(PYTHON) -m config.devdb run --)
WITH_TEST_DB = $(if $(DATABASE_URL),,$(PYTHON) -m config.devdb run --temporary --)

.PHONY: help install system-packages run serve test lint deploy-check bench loadtest clean

help:
	@echo "make run    install, start the private PostgreSQL, migrate, load demo data, serve on :$(PORT)"
	@echo "            with one task worker next to the web server (Ctrl-C stops both)"
	@echo "make test   install, run the whole test suite (browser tests included) on PostgreSQL"
	@echo "make bench  measure and write docs/benchmarks.md"

install: system-packages .venv/.synced

# System packages (PostgreSQL server, Chromium, fonts and Pango for WeasyPrint, LibreOffice Calc
# for the workbook tests), installed only
# when missing and only when we are root; otherwise say what is missing.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing (run 'sudo make install')"; \
	  fi; \
	fi

# uv from PyPI; on a bare Debian without pip, pip comes first from Debian's packages.
$(UV):
	@if ! command -v uv >/dev/null 2>&1; then \
	  python3 -m pip --version >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    apt-get install -y -qq python3-pip >/dev/null; }; \
	  python3 -m pip install --user --quiet uv 2>/dev/null || \
	    python3 -m pip install --user --quiet --break-system-packages uv; \
	fi

.venv/.synced: pyproject.toml uv.lock | $(UV)
	@$(UV) sync --frozen --python 3.11 --quiet
	@touch $@

run: install
	@$(WITH_DB) $(MAKE) --no-print-directory serve

serve:
	@$(PYTHON) manage.py migrate --noinput -v 0
	@$(PYTHON) manage.py createcachetable
	@$(PYTHON) manage.py load_catalogue
	@$(PYTHON) manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with one task worker (Ctrl-C stops both)"
	@$(PYTHON) -m config.run $(PORT)

test: install
	@$(WITH_TEST_DB) $(PYTHON) -m pytest -p no:cacheprovider

lint: install
	@$(PYTHON) -m ruff check .
	@.venv/bin/lint-imports --no-cache

deploy-check: install
	@DEBUG=0 SECRET_KEY=ci-deploy-check-$$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n') \
	  ALLOWED_HOSTS=roi.example.com DATABASE_URL=postgres://roi@127.0.0.1:5432/roi \
	  $(PYTHON) manage.py check --deploy --fail-level WARNING

bench: install
	@$(WITH_TEST_DB) $(PYTHON) bench/run.py

# 50 users against gunicorn (+ the task worker), then a PostgreSQL restart and a killed worker;
# its own throwaway PostgreSQL, loopback only, about 5 minutes. Figures: docs/benchmarks.md.
loadtest: install
	@$(PYTHON) bench/loadtest.py

clean:
	rm -rf .venv var/staticfiles
