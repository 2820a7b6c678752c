# DUI — commandes de développement. `make run` lance la démonstration, `make test` la suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# Tests and benchmarks: PostgreSQL and Redis.
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dui
REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) CELERY_BROKER_URL=$(REDIS_URL)
PYTEST_ARGS ?=

# Embedded demo: SQLite file and kombu's filesystem broker, no server needed.
# Set CELERY_BROKER_URL=redis://… in the environment to use Redis instead.
RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 8000
RUN_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/dui.sqlite3 SECRET_KEY_FILE=$(CURDIR)/var/secret_key \
	DUI_ENCRYPTION_KEYS_FILE=$(CURDIR)/var/encryption_keys \
	DUI_DEMO_MODE=true SECURE_HTTPS=false DEBUG=false

.PHONY: install install-test run test test-fast e2e lint format bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

# Test tools outside PyPI: axe-core (npm) and Debian's Chromium, used by the browser journeys.
install-test: install node_modules/.installed
	@test -x /usr/bin/chromium || { echo "Chromium manquant : apt-get install chromium (fait par .ci/run)"; exit 1; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

var/encryption_keys:
	mkdir -p var
	$(PY) -c "import os, base64; print('demo1:' + base64.urlsafe_b64encode(os.urandom(32)).decode())" > $@
	chmod 600 $@

run: install var/secret_key var/encryption_keys
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py run_demo --host $(RUN_HOST) --port $(RUN_PORT)

test: install-test
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(TEST_ENV) $(PY) -m pytest -m "not e2e and not worker" $(PYTEST_ARGS)

e2e: install-test
	$(TEST_ENV) $(PY) -m pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Issue 6's scale: 20 million notes, loaded once (about 10 min, ~15 GB), then reused.
# `BENCH_NOTES= make bench` skips them.
BENCH_NOTES ?= 20000000

bench: install
	$(TEST_ENV) BENCH_NOTES=$(BENCH_NOTES) $(PY) bench/run.py

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
