# Tradeloom — two commands: `make run` and `make test`. Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=config.settings.test

.DEFAULT_GOAL := help
.PHONY: help install run dev migrate demo test lint fmt typecheck migrations-check schema-check pytest lock clean assets bench bench-clean deploy-check

help:
	@echo "make run    set up everything, start the app (web, worker, beat) on http://$(HOST):$(PORT) with a demo login"
	@echo "make dev    the same with a reloading development web server"
	@echo "make test   lint, format check, type check, migrations check, OpenAPI check and the test suite"
	@echo "make fmt    format and auto-fix;  make lock  re-pin dependencies;  make clean  remove .venv and .data"
	@echo "make bench  benchmark the API against a bare reference on a generated data set (SIZE=small for a quick run)"
	@echo "make deploy-check  deploy/ run live: nginx, PgBouncer, Redis, gunicorn, Celery (as root it installs them)"

$(STAMP): requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tradeloom needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_setup

# The web server (gunicorn), a Celery worker and Celery beat, with the embedded PostgreSQL and Redis; one Ctrl-C
# stops them all (tradeloom/core/management/commands/serve.py).
run: demo
	@echo ""
	@echo "  Tradeloom is starting on http://$(HOST):$(PORT)/  (log in with the demo login above; Ctrl-C stops it)"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

# As `make run`, with Django's runserver reloading on code changes instead of gunicorn.
dev: demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py serve --dev --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy .

typecheck: $(STAMP)
	$(BIN)/mypy .

migrations-check: $(STAMP)
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

schema-check: $(STAMP)
	$(TEST_SETTINGS) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

pytest: $(STAMP)
	$(BIN)/pytest

test: lint migrations-check schema-check pytest

# The deployment in deploy/ run live in a temporary directory (scripts/deploy-check.sh): PostgreSQL behind PgBouncer in
# transaction mode, Redis, two gunicorn on unix sockets behind nginx with TLS, two Celery workers and beat; as root it
# installs nginx, pgbouncer, redis-server, systemd and fail2ban with apt-get. .ci/run calls it after `make test`.
deploy-check: $(STAMP)
	bash scripts/deploy-check.sh

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: $(STAMP)
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-find-links --no-emit-index-url -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-find-links --no-emit-index-url --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .data

# make bench [SIZE=small|full]: its own embedded database under .data/bench-$(SIZE) (kept between runs).
SIZE ?= full
BENCH_ENV := TRADELOOM_PGDATA=$(CURDIR)/.data/bench-$(SIZE)
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk || \
		(echo "make bench needs wrk (Debian: apt-get install wrk)" && exit 1)
	$(BENCH_ENV) $(BIN)/python manage.py migrate --verbosity 0
	$(BENCH_ENV) $(BIN)/python manage.py bench --size $(SIZE)

bench-clean:
	rm -rf .data/bench-small .data/bench-full

assets:
	sh scripts/build-assets.sh
