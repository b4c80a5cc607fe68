# make serve — install, migrate, load seeds/, update the search index, collect static files, run gunicorn on 127.0.0.1:$(PORT) (8000)
# make test  — install with the dev extra, then ruff (lint and format), a check that no migration is missing, and pytest on SQLite; again on the PostgreSQL
#              database KFQ_TEST_DATABASE_URL names, when set (bash .ci/with-postgres make test sets it)
PYTHON ?= python3.11
VENV := .venv
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: serve test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

serve: $(BIN)/python
	$(BIN)/pip install -e .
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ingest seeds/
	$(BIN)/python manage.py update_index --remove --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn kfq_archive.wsgi -c python:kfq_archive.gunicorn_settings --preload --workers 2 --bind 127.0.0.1:$(PORT)

test: $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	KFQ_TEST_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$KFQ_TEST_DATABASE_URL" ]; then \
	  echo "== the suite again, on $$KFQ_TEST_DATABASE_URL"; \
	  $(BIN)/pytest; \
	fi
