# Thin aliases. `make run` and `make test` do all set-up on a fresh machine (Python 3.11, pip, Node/npm).
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTEST_ARGS ?=
HOST ?= 127.0.0.1:8000
CSS := caseload/core/static/caseload/caseload.css
export UV_LINK_MODE ?= copy

# pytest exits 5 when it collected no tests: say so plainly and fail, since every suite here has tests.
define pytest
	@$(UV) run pytest $(1); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: the suite is missing or every test was deselected" >&2; exit 1; fi; \
	exit $$status
endef

.PHONY: run test test-browser lint bench bench-national bench-national-pg bench-dashboards worker demo install install-python install-assets install-browser migrate clean

run: install migrate ## Install, migrate SQLite, load demo data when empty, serve on http://127.0.0.1:8000
	$(UV) run python manage.py load_demo_data --if-empty
	$(UV) run python manage.py daily
	@echo "Caseload is at http://$(HOST)/ (demo users are listed on the sign-in page)"
	$(UV) run python manage.py runserver $(HOST)

test: install ## The full fast suite (domain, services, views) in parallel; DATABASE_URL selects PostgreSQL
	$(call pytest,-n auto -m "not browser" $(PYTEST_ARGS))

test-browser: install install-browser ## Playwright journeys with axe-core checks in Debian's Chromium
	$(call pytest,-m browser -p no:xdist $(PYTEST_ARGS))

lint: install-python ## ruff, mypy, import contracts, migration check
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy caseload/domain caseload/cli.py
	$(UV) run lint-imports
	$(UV) run python scripts/lint_scope.py
	$(UV) run python manage.py makemigrations --check --dry-run

bench: install ## Points-engine benchmark (in memory); results are recorded by hand in benchmarks/RESULTS.md
	$(UV) run python benchmarks/bench_engine.py

BENCH_DIR := $(CURDIR)/var/bench-national
bench-national: install ## National-scale recalculation and event benchmark on a throwaway SQLite file (minutes)
	rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	CASELOAD_VAR_DIR=$(BENCH_DIR) $(UV) run python manage.py migrate --verbosity 0
	CASELOAD_VAR_DIR=$(BENCH_DIR) $(UV) run python benchmarks/national.py
	CASELOAD_VAR_DIR=$(BENCH_DIR) DEBUG=0 $(UV) run python benchmarks/bench_recalculation.py

BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench-national-pg: install ## The same on PostgreSQL (creates and drops the database caseload_national)
	psql "$(BENCH_PG)/postgres" -c "DROP DATABASE IF EXISTS caseload_national" -c "CREATE DATABASE caseload_national"
	DATABASE_URL=$(BENCH_PG)/caseload_national $(UV) run python manage.py migrate --verbosity 0
	DATABASE_URL=$(BENCH_PG)/caseload_national $(UV) run python benchmarks/national.py
	psql "$(BENCH_PG)/caseload_national" -c "VACUUM ANALYZE"  # as autovacuum would after a load: statistics, no background work mid-run
	DATABASE_URL=$(BENCH_PG)/caseload_national DEBUG=0 $(UV) run python benchmarks/bench_recalculation.py
	psql "$(BENCH_PG)/postgres" -c "DROP DATABASE caseload_national"

DASH_DIR := $(CURDIR)/var/bench-dashboards
bench-dashboards: install ## Dashboard pages (organisation, region, team) p50/p95 at national scale on a throwaway SQLite file (minutes)
	rm -rf $(DASH_DIR) && mkdir -p $(DASH_DIR)
	CASELOAD_VAR_DIR=$(DASH_DIR) $(UV) run python manage.py migrate --verbosity 0
	CASELOAD_VAR_DIR=$(DASH_DIR) $(UV) run python benchmarks/national.py
	CASELOAD_VAR_DIR=$(DASH_DIR) $(UV) run python manage.py daily_workload
	CASELOAD_VAR_DIR=$(DASH_DIR) DEBUG=0 $(UV) run python benchmarks/bench_dashboards.py

EXTRACT_DIR := $(CURDIR)/var/bench-extract
.PHONY: bench-extract bench-extract-pg
bench-extract: install ## Import of a national-scale WMT extract workbook into a throwaway SQLite file (minutes)
	rm -rf $(EXTRACT_DIR) && mkdir -p $(EXTRACT_DIR)
	CASELOAD_VAR_DIR=$(EXTRACT_DIR) $(UV) run python manage.py migrate --verbosity 0
	CASELOAD_VAR_DIR=$(EXTRACT_DIR) $(UV) run python benchmarks/bench_extract.py

bench-extract-pg: install ## The same on PostgreSQL (creates and drops the database caseload_extract)
	psql "$(BENCH_PG)/postgres" -c "DROP DATABASE IF EXISTS caseload_extract" -c "CREATE DATABASE caseload_extract"
	DATABASE_URL=$(BENCH_PG)/caseload_extract $(UV) run python manage.py migrate --verbosity 0
	DATABASE_URL=$(BENCH_PG)/caseload_extract $(UV) run python benchmarks/bench_extract.py
	psql "$(BENCH_PG)/postgres" -c "DROP DATABASE caseload_extract"

worker: install migrate ## Background task worker (imports, daily workload run, email)
	$(UV) run python manage.py db_worker

demo: install migrate ## Load the demo organisation into an empty database
	$(UV) run python manage.py load_demo_data --if-empty

install: install-python install-assets

install-python:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv 2>/dev/null \
		|| PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check --user uv
	$(UV) sync --frozen --quiet

install-assets:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi
	@if [ ! -f $(CSS) ] || [ caseload/core/assets/caseload.scss -nt $(CSS) ]; then npm run --silent build:css; fi

install-browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

migrate: install-python
	$(UV) run python manage.py migrate --verbosity 0

clean:
	rm -rf .venv node_modules var staticfiles test-artifacts
