# Rank & File — the two commands are `make demo` and `make test`. Everything else is a convenience.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench serve install install-dev migrate fmt clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (python3.11 not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PIP) install -q -e ".[dev]"
	@touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

migrate: install
	$(PY) manage.py migrate --noinput -v0

# The task worker (huey: ballots close on time, reminders, digests) runs beside the server; Ctrl-C stops both.
WITH_WORKER = trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py run_huey --quiet & worker=$$!;

## make demo: install, migrate the embedded SQLite database, load the demo organization, serve on :8000 + the worker
# It runs with DEBUG off, as members would see it (the project's own 404 and 500 pages), signing with a key of its
# own kept in var/demo-secret-key (made once; never the published development key).
demo: migrate
	$(PY) manage.py load_demo
	@test -s var/demo-secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/demo-secret-key
	@export SECRET_KEY="$$(cat var/demo-secret-key)" DEBUG=0; $(WITH_WORKER) $(PY) manage.py runserver 127.0.0.1:8000

## make test: lint, types, migrations check, then the whole suite on SQLite (and PostgreSQL if DATABASE_URL says so),
## one pytest-xdist worker per core (TEST_WORKERS=0 runs it in one process). `--dist load` hands each worker the
## tests in pytest-django's order (transactional tests, which empty the database, after the others).
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist load
# Some machines set PYTHONDONTWRITEBYTECODE: then every process of the two runs (each worker, each command a test
# starts) compiled the whole project again, and pytest rewrote every test module's asserts again. Make passes it to
# no command: compiled files go to __pycache__ (ignored by git), written by the SQLite run, read by the PostgreSQL run.
unexport PYTHONDONTWRITEBYTECODE
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy rankandfile
	$(VENV)/bin/lint-imports
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run -v1
	env -u DATABASE_URL $(PYTEST)
	@case "$$DATABASE_URL" in postgres*) echo "--- again on PostgreSQL ($$DATABASE_URL)"; $(PYTEST) ;; *) echo "DATABASE_URL is not PostgreSQL: PostgreSQL run skipped" ;; esac

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy rankandfile
	$(VENV)/bin/lint-imports

fmt: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install-dev
	$(PIP) install -q -e ".[dev,bench]"
	@for b in benchmarks/[!_]*.py; do echo "=== $$b"; $(PY) $$b || exit 1; done

## make serve: production-like — uvicorn, 2 workers, and the task worker (set DATABASE_URL, REDIS_URL, SECRET_KEY,
## ALLOWED_HOSTS); in production run the two as services instead (docs/deploy.md)
serve: migrate
	RANKANDFILE_PLAIN_STATIC=0 $(PY) manage.py collectstatic --noinput -v0
	@$(WITH_WORKER) RANKANDFILE_PLAIN_STATIC=0 $(VENV)/bin/uvicorn rankandfile.asgi:application --host 127.0.0.1 --port 8000 \
		--workers 2 --ws websockets-sansio --ws-per-message-deflate false --http httptools --loop uvloop \
		--no-access-log --proxy-headers

clean:
	rm -rf $(VENV) var staticfiles
