# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT
FLASK := $(BIN)/flask --app wsgi
PYTEST_WORKERS ?= 2

.PHONY: install run test test-sqlite test-postgres lint format translations catalogs static worker db-upgrade clean browser-tools

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Tools the browser tests load into pages (axe-core), pinned in package-lock.json; never
# served to users. Installed from the lock file when it changes; skipped without npm (the
# accessibility test then skips on a laptop, and fails in CI).
NODE_STAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-12)

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(NODE_STAMP); \
	else \
		echo "npm is missing: the browser accessibility checks (axe-core) cannot run"; \
	fi

browser-tools: $(NODE_STAMP)

# Compiled catalogs (.mo) are build products: made from the .po files on every run.
catalogs: install
	$(BIN)/pybabel -q compile -d translations

# Brotli and gzip copies of static files, served to browsers that accept them (build products).
static: install
	$(BIN)/python -m scripts.precompress

db-upgrade: install
	mkdir -p instance
	$(FLASK) db upgrade

run: catalogs static db-upgrade
	$(FLASK) demo-data --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

worker: catalogs
	$(FLASK) rq worker

# Static types: mypy checks app/, scripts/ and wsgi.py as configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint catalogs
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: catalogs browser-tools
	TEST_DB=sqlite $(BIN)/pytest -n $(PYTEST_WORKERS) -q

# The same suite on PostgreSQL (browser tests already ran above). In CI it must run.
test-postgres: catalogs
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		TEST_DB=postgres $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI: TEST_DATABASE_URL is not set, the PostgreSQL run cannot be skipped"; exit 1; \
	else \
		echo "TEST_DATABASE_URL is not set: skipping the PostgreSQL run (CI runs it)."; \
	fi

# Extract every marked string and merge it into all catalogs (then translate the new ones).
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k _n:1,2 -k lazy_pgettext:1c,2 --no-location \
		--sort-output -w 100 -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete -w 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
