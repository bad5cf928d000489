# Two commands do all set-up on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# PostgreSQL for the second test pass: DATABASE_URL if set, else the local server.
PG_TEST_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tongxing)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-sqlite test-postgres browser-deps venv demo messages check-deploy clean bench loadtest

$(VENV)/.base: requirements/base.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PIP) install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

venv: $(VENV)/.dev

var:
	mkdir -p var

## make run — virtualenv, install, migrate SQLite, load the demo once, serve on 127.0.0.1:8000.
run: $(VENV)/.base | var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo_load
	@echo
	@echo "Tongxing is at http://127.0.0.1:8000/  (API docs: http://127.0.0.1:8000/api/docs)"
	@echo "Demo only: leaders and administrators sign in without the second factor that production requires of them"
	@echo "(TWO_FACTOR_ROLES); anyone may turn it on under My account."
	@# The task worker (imports, long reports) runs beside the server and stops with it.
	DEBUG=1 $(PY) manage.py db_worker --no-startup-delay & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 TWO_FACTOR_ROLES= $(PY) manage.py runserver 127.0.0.1:8000

## make test — the whole suite on SQLite, then again on PostgreSQL when one is reachable. With both passes, a few
## slow tests that check the same thing on either database run once (conftest.py: TONGXING_TWO_PASSES).
test: $(VENV)/.dev browser-deps
	@if $(PY) -c "import psycopg,sys; u='$(PG_TEST_URL)'.rsplit('/',1)[0]+'/postgres'; psycopg.connect(u, connect_timeout=3).close()" 2>/dev/null; then \
		TONGXING_TWO_PASSES=1 $(MAKE) --no-print-directory test-sqlite && \
		TONGXING_TWO_PASSES=1 $(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not reachable at $(PG_TEST_URL), and CI requires it"; exit 1; \
	else $(MAKE) --no-print-directory test-sqlite && \
		echo "PostgreSQL not reachable at $(PG_TEST_URL): skipped the PostgreSQL pass"; fi

test-sqlite: $(VENV)/.dev
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(PY) -m pytest

test-postgres: $(VENV)/.dev
	@echo "== test suite on PostgreSQL ($(PG_TEST_URL))"
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest

# Browser tests drive Debian's chromium (Playwright cannot download a browser here) and need CJK fonts.
browser-deps:
	@if [ ! -x $(CHROMIUM) ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else echo "Install chromium and fonts-noto-cjk (sudo apt-get install chromium fonts-noto-cjk) for the browser tests"; fi; \
	fi

## make bench — a synthetic data set of BENCH_PEOPLE people in BENCH_DATABASE_URL (made once, then reused), then
## every key operation through Tongxing beside raw SQL, with the ratios (docs/performance.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tongxing_bench
BENCH_PEOPLE ?= 100000
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; \
		else echo "Install wrk (sudo apt-get install wrk) for the throughput run"; exit 1; fi; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.prepare --people $(BENCH_PEOPLE)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench $(BENCH_ARGS)

## make loadtest — a day's mix of roles (locust, 100 users, 10 minutes) against gunicorn on a copy of the bench data.
$(VENV)/.bench: $(VENV)/.dev requirements/bench.txt
	$(PIP) install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt -r requirements/bench.txt
	touch $@

loadtest: $(VENV)/.bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.prepare --people $(BENCH_PEOPLE) --copy-to tongxing_locust
	DATABASE_URL=$(dir $(BENCH_DATABASE_URL))tongxing_locust bash bench/loadtest.sh

## make messages — re-extract translatable strings and compile the catalogues (needs gettext).
messages: $(VENV)/.dev
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

## make check-deploy — Django's deployment checks with production settings.
check-deploy: $(VENV)/.base
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_hex(32))') FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	SEARCH_HASH_KEY=x ALLOWED_HOSTS=tongxing.example $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles
