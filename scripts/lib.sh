# Shared by the project's scripts: find Python 3.12, keep .venv in step with pyproject.toml,
# install missing system packages, and start/stop throwaway PostgreSQL and Redis.
# Source it from the project root.

log() { printf '\033[1m[actionday]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_python() {
    local version candidate
    version=$(cat .python-version)
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version/bin/python" \
                     "$(command -v "python${version%.*}" || true)" "$(command -v python3 || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] \
           && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    die "Python 3.12 not found (looked for pyenv $version, python3.12, python3)."
}

# ensure_venv [extra]: create .venv and install the dependencies of pyproject.toml (with an extra).
ensure_venv() {
    local extra=${1:-} stamp
    stamp=".venv/.installed-$(cat pyproject.toml .python-version | sha256sum | cut -c1-16)${extra:+-$extra}"
    [ -f "$stamp" ] && return 0
    if [ ! -x .venv/bin/python ]; then
        log "creating .venv with $(find_python)"
        "$(find_python)" -m venv .venv
    fi
    log "installing dependencies${extra:+ (with $extra)}"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check ".${extra:+[$extra]}"
    rm -rf build actionday.egg-info
    touch "$stamp"
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Install what is missing from Debian's packages (only possible as root; otherwise say what to install).
ensure_system_packages() {
    local missing=()
    [ -n "$(pg_bindir)" ] || missing+=(postgresql)
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing system packages: ${missing[*]} (install them with apt-get, or run as root)"
    fi
    log "installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_services: a throwaway PostgreSQL cluster and Redis on free loopback ports, in /dev/shm.
# Exports DATABASE_URL and REDIS_URL; stop_services undoes everything.
start_services() {
    SERVICES_DIR=$(mktemp -d /dev/shm/actionday-test.XXXXXX)
    chmod 755 "$SERVICES_DIR"
    local pg_port redis_port bindir as_pg=()
    pg_port=$(free_port); redis_port=$(free_port); bindir=$(pg_bindir)
    mkdir -p "$SERVICES_DIR/pg"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$SERVICES_DIR/pg"
        as_pg=(runuser -u postgres --)
    fi
    "${as_pg[@]}" "$bindir/initdb" -D "$SERVICES_DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/log" -w -t 30 start \
        -o "-p $pg_port -k $SERVICES_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$SERVICES_DIR" --logfile "$SERVICES_DIR/redis.log" --daemonize yes --pidfile "$SERVICES_DIR/redis.pid"
    "$bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres actionday
    # The audit trail refuses TRUNCATE (audit/migrations/0004) except to a superuser with this setting:
    # pytest-django empties tables between tests with TRUNCATE. Only this throwaway cluster sets it.
    "$bindir/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "ALTER ROLE postgres SET actionday.audit_truncate = 'allowed'" actionday
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    # The fault tests stop and restart these servers: they find them through these variables.
    export SERVICES_DIR PG_BINDIR=$bindir PG_DATA="$SERVICES_DIR/pg/data" PG_PORT=$pg_port REDIS_PORT=$redis_port
    export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/actionday"
    export REDIS_URL="redis://127.0.0.1:$redis_port/0"
    log "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (in $SERVICES_DIR)"
}

stop_services() {
    [ -n "${SERVICES_DIR:-}" ] && [ -d "$SERVICES_DIR" ] || return 0
    local as_pg=()
    [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
    "${as_pg[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    [ -f "$SERVICES_DIR/redis.pid" ] && kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
    # A server may still be closing its files for a moment after it was told to stop.
    rm -rf "$SERVICES_DIR" 2>/dev/null || { sleep 1; rm -rf "$SERVICES_DIR"; }
}
