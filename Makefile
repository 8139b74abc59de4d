# The two commands of the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format system-deps messages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/relais demo

# Debian packages the tests drive for real: Chromium for the browser tests,
# PostgreSQL and Redis for the scale-out tests, Dovecot for the IMAP tests.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null || ! command -v msgfmt >/dev/null || [ ! -x /usr/sbin/dovecot ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium postgresql redis-server gettext dovecot-imapd; \
	fi

# The tests that must also hold on the scale-out stack: run a second time
# against throwaway PostgreSQL and Redis servers (tests/servers.py starts them,
# sets DATABASE_URL and REDIS_URL, and stops them whatever happens).
SCALEOUT_TESTS ?= tests/conversations tests/contacts tests/api tests/scaleout \
	tests/connectors/email/test_ingest.py tests/connectors/email/test_smtpd.py \
	tests/routing/test_live.py tests/routing/test_escalation.py tests/routing/test_arrival.py \
	tests/routing/test_pause.py \
	tests/community tests/replies tests/bot tests/core/test_sql.py tests/core/test_rate_limits.py \
	tests/analytics tests/web/test_selfcare_page.py \
	tests/connectors tests/web/test_consumers.py tests/routing/test_presence.py \
	tests/routing/test_availability.py

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2 --dist loadgroup
	$(BIN)/python -m tests.servers run -- $(BIN)/pytest -n 2 --dist loadgroup $(SCALEOUT_TESTS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the French and English catalogues after changing user-facing text,
# translate the new French entries, then compile.
messages: $(STAMP)
	cd relais && ../$(BIN)/relais makemessages -l fr -l en --no-location --no-obsolete
	cd relais && ../$(BIN)/relais compilemessages
