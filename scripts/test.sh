#!/usr/bin/env bash
# make test: install what the tests need, check the code (ruff) and the layering of the apps
# (lint-imports, .importlinter), start PostgreSQL and Redis, run pytest, stop everything.
# The Celery worker for the job tests is started by the test session itself (tests/conftest.py),
# against the test database. A lint failure stops the run; otherwise the exit status is pytest's.
# Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_venv test

log "ruff check"
.venv/bin/ruff check .
log "lint-imports (the layering in .importlinter)"
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache

trap stop_services EXIT
trap 'exit 130' INT TERM
start_services

export SECRET_KEY="test-only-$(head -c 24 /dev/urandom | base64)"
export ACTIONDAY_DATA_DIR="$SERVICES_DIR/data"
# Playwright's sync API runs an event loop in the test thread; the ORM calls beside it are safe here.
export DJANGO_ALLOW_ASYNC_UNSAFE=true

status=0
.venv/bin/python -m pytest "$@" || status=$?
exit $status
