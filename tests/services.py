"""Stop and start the test session's own PostgreSQL and Redis (started by scripts/test.sh)."""

import os
import subprocess
import time

import redis


def _as_postgres(args):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True, timeout=60)


def redis_port() -> int:
    return int(os.environ["REDIS_PORT"])


def redis_stop():
    try:
        redis.Redis(port=redis_port(), socket_timeout=2).shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # shutting down closes the connection under our feet
    _wait(lambda: not _redis_up(), "Redis to stop")


def redis_start():
    services = os.environ["SERVICES_DIR"]
    subprocess.run(
        ["redis-server", "--port", str(redis_port()), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", services, "--logfile", f"{services}/redis.log", "--daemonize", "yes",
         "--pidfile", f"{services}/redis.pid"],
        check=True,
    )
    _wait(_redis_up, "Redis to start")


def _redis_up() -> bool:
    try:
        return redis.Redis(port=redis_port(), socket_timeout=1).ping()
    except redis.ConnectionError:
        return False


def postgres_restart():
    """A fast restart: every open connection is cut, as when the database host reboots."""
    # With its log file named: a server started without one keeps pg_ctl's output pipe open forever.
    _as_postgres([os.path.join(os.environ["PG_BINDIR"], "pg_ctl"), "-D", os.environ["PG_DATA"], "-m", "fast",
                  "-l", os.path.join(os.path.dirname(os.environ["PG_DATA"]), "log"), "-w", "restart"])


def postgres_stop():
    _as_postgres([os.path.join(os.environ["PG_BINDIR"], "pg_ctl"), "-D", os.environ["PG_DATA"], "-m", "fast",
                  "-w", "stop"])


def postgres_start():
    port = os.environ["PG_PORT"]
    options = f"-p {port} -k {os.path.dirname(os.environ['PG_DATA'])} -c listen_addresses=127.0.0.1 -c fsync=off"
    _as_postgres([os.path.join(os.environ["PG_BINDIR"], "pg_ctl"), "-D", os.environ["PG_DATA"], "-l",
                  os.path.join(os.path.dirname(os.environ["PG_DATA"]), "log"), "-w", "start", "-o", options])


def _wait(condition, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(f"waited {timeout}s for {what}")
