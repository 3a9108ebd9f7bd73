#!/usr/bin/env bash
# make run: the embedded demo — SQLite, jobs in-process — served on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_venv
unset DATABASE_URL REDIS_URL
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py seed_demo
log "serving the demo on http://127.0.0.1:${PORT:-8000}/ (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
