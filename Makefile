# The few commands a newcomer needs. `make run` and `make test` create .venv/ when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck pytest pytest-postgres venv clean messages
AXE := node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[web,pdf,dask,dev,postgres]'
	touch $(STAMP)

venv: $(STAMP)

# The server and, beside it, the task worker (`twofold worker`), stopped together by Ctrl+C.
run: $(STAMP)
	$(BIN)/twofold serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# axe-core checks every page the browser tests visit (npm; pinned in package.json).
$(AXE): package.json
	npm install --no-audit --no-fund --silent
	touch $(AXE)

# The whole suite on SQLite, then the tests that touch a database (marked `database`) again on
# PostgreSQL when TWOFOLD_TEST_DATABASE_URL names a server whose role may create databases
# (.ci/run starts one). Without it the PostgreSQL pass is skipped, and says so.
pytest: $(STAMP) $(AXE)
	env -u DATABASE_URL $(BIN)/pytest -q
	@$(MAKE) --no-print-directory pytest-postgres

pytest-postgres: $(STAMP) $(AXE)
ifdef TWOFOLD_TEST_DATABASE_URL
	@echo "PostgreSQL pass: the tests marked 'database', on TWOFOLD_TEST_DATABASE_URL"
	DATABASE_URL="$$TWOFOLD_TEST_DATABASE_URL" $(BIN)/pytest -q -m database
else
	@echo "PostgreSQL pass SKIPPED: TWOFOLD_TEST_DATABASE_URL is not set, so only SQLite was tested."
	@echo "  (.ci/run sets it up; or point it at a server: postgres://user:pass@127.0.0.1:5432/db, role with CREATEDB)"
endif

test: lint typecheck pytest

# The quick loop while working on the science, files, command line and reports: no database,
# no browser, no web app (about a minute). `make test` remains the check before a commit.
test-fast: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest -q -x -p no:cacheprovider tests/core tests/cli tests/reports tests/fuzz tests/test_pipeline.py

# After changing interface text: extract it, fill in the Spanish, compile the catalogue.
messages: $(STAMP)
	cd src/twofold/web && DJANGO_SETTINGS_MODULE=twofold.web.config.test ../../../$(BIN)/python -m twofold.web makemessages -l es -e html,txt,py --no-obsolete --no-location
	$(BIN)/python src/twofold/web/locale/es_translations.py
	cd src/twofold/web && DJANGO_SETTINGS_MODULE=twofold.web.config.test ../../../$(BIN)/python -m twofold.web compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules var
