# Two commands: `make run` (demo on SQLite, nothing else installed) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := revops.settings
# `make run PORT=8010` serves there, and the links the app writes (e-mails, calendar
# feeds) point there too, unless REVOPS_SITE_URL is set in the environment.
PORT ?= 8000
REVOPS_SITE_URL ?= http://127.0.0.1:$(PORT)
SITE := REVOPS_SITE_URL=$(REVOPS_SITE_URL)

.PHONY: run test lint install lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

run: install
	$(SITE) $(BIN)/python manage.py migrate --noinput
	$(SITE) $(BIN)/python manage.py load_demo
	$(SITE) $(BIN)/python manage.py runjobs
	@echo "Serving http://127.0.0.1:$(PORT) (periodic jobs run in-process by celery beat)"
	@trap 'kill $$beat 2>/dev/null' EXIT INT TERM; \
	$(SITE) $(BIN)/celery -A revops beat -l warning & beat=$$!; \
	$(SITE) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks, never part of `make test`: SQLite by default, PostgreSQL with DATABASE_URL;
# BENCH_SIZE=large for 100k sections. Method and results: bench/RESULTS.md.
# bench/large_model.py builds its model committed in databases of its own and prints
# each goal of issue 28 met / not met (quick: 3,000 sections; large: 100,000).
bench: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python bench/large_model.py
	$(BIN)/python bench/load_mixed.py --goal --mix pages --seconds 30
	$(BIN)/python bench/stale.py
	$(BIN)/python bench/api_lists.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/materialize.py
	$(BIN)/python bench/model_file.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/cross_checks.py
	$(BIN)/python bench/metric_values.py
	bash bench/load.sh

lock:  # needs uv (pip install uv)
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
