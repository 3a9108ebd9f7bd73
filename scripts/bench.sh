#!/usr/bin/env bash
# make bench: seed a large operation into a throwaway PostgreSQL, serve it with gunicorn and a
# Celery worker as in production, measure (benchmarks/run.py), stop everything.
# Arguments go to benchmarks/run.py, e.g. `--scale 0.05` for a quick run; `--help` lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_system_packages
ensure_venv bench

trap stop_services EXIT
trap 'exit 130' INT TERM
start_services

# As in production, but on loopback: settings from the environment, DEBUG off. ACTIONDAY_ENV stays
# unset because production settings also demand HTTPS redirects and secure cookies.
unset ACTIONDAY_ENV
export DEBUG=false
# The audit trail as in production: requests append unchained, one sequencer process chains them.
export AUDIT_SEQUENCE_INLINE=false
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)"
export ACTIONDAY_DATA_DIR="$SERVICES_DIR/data"
export PYTHONUNBUFFERED=1

.venv/bin/python -m benchmarks.run "$@"
