# The few commands a newcomer needs. `make run` and `make test` create .venv/ when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest venv clean messages
AXE := node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/twofold serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# axe-core checks every page the browser tests visit (npm; pinned in package.json).
$(AXE): package.json
	npm install --no-audit --no-fund --silent
	touch $(AXE)

pytest: $(STAMP) $(AXE)
	$(BIN)/pytest -q

test: lint typecheck pytest

# After changing interface text: extract it, fill in the Spanish, compile the catalogue.
messages: $(STAMP)
	cd src/twofold/web && DJANGO_SETTINGS_MODULE=twofold.web.config.test ../../../$(BIN)/python -m twofold.web makemessages -l es -e html,txt,py --no-obsolete --no-location
	$(BIN)/python src/twofold/web/locale/es_translations.py
	cd src/twofold/web && DJANGO_SETTINGS_MODULE=twofold.web.config.test ../../../$(BIN)/python -m twofold.web compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules var
