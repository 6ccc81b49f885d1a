# The two commands a new user runs: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint typecheck bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock file (exact versions with hashes, the set CI tested); pyproject.toml
# keeps the ranges. Reinstall only when the lock changes. `make lock` refreshes both locks.
$(STAMP): requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py loaddemo
	DEBUG=$${DEBUG:-1} bash scripts/serve.sh $(HOST) $(PORT)

test: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Style, types and the architecture contracts ([tool.importlinter] in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	DEBUG=1 $(BIN)/mypy .

bench: $(STAMP)
	bash bench/run_all.sh

# Resolve pyproject's ranges afresh: requirements.txt (what the image runs) and
# requirements-dev.txt (plus the test and lint tools). Run it after changing a dependency and
# commit pyproject.toml and both locks together.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --upgrade
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4,<8"
	$(BIN)/pip-compile $(LOCK_FLAGS) -o requirements.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
