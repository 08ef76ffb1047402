# Stay Safe Online: one command to run the app, one to run the tests.
#   make run     virtualenv + packages + database + demo school, then http://127.0.0.1:5000
#   make test    ruff (lint and import order), then the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)

VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app quizapp
STAMP   := $(VENV)/.installed-stamp
HOST    ?= 127.0.0.1
PORT    ?= 5000
PG_URL  ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test lint test-postgres content-check clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

AXE     := node_modules/axe-core/axe.min.js

$(AXE): package.json
	npm install --no-audit --no-fund --silent
	touch $(AXE)

install: $(STAMP) $(AXE)

run: $(STAMP)
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install  # includes axe-core from npm, for the accessibility checks
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

test-postgres: install
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

content-check: install
	$(FLASK) content check

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
