"""PostgreSQL restarts under load: requests during the restart fail cleanly (503 "database
unavailable, try again" with Retry-After), and afterwards every request succeeds — the same
gunicorn, the same worker processes, nothing restarted but the database."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connections
from django.test import Client

from . import services
from .conftest import ROOT, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, cookie: str, timeout: float = 15) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def gunicorn(cast):
    """gunicorn as in production (sync workers, persistent connections, DEBUG off) on the test database."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": worker_database_url(), "DEBUG": "false"}
    env.pop("CONN_MAX_AGE", None)  # the production default: connections are kept between requests
    (ROOT / "var").mkdir(exist_ok=True)
    with open(ROOT / "var" / "test-gunicorn.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/healthz", "")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not answer /healthz")
    yield base, process
    process.terminate()
    process.wait(timeout=20)


def worker_pids(process) -> set[int]:
    children = f"/proc/{process.pid}/task/{process.pid}/children"
    with open(children) as handle:
        return {int(pid) for pid in handle.read().split()}


def test_requests_during_a_restart_fail_cleanly_and_all_succeed_after(gunicorn, cast):
    base, process = gunicorn
    family = cast.family_of(cast.de)
    client = Client()
    client.force_login(cast.de)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    code = cast.operation.code
    pages = [f"{base}/operations/{code}/workspace/", f"{base}/operations/{code}/findings/url/{family['url'].pk}/",
             f"{base}/api/v1/cases/"]
    for page in pages:
        assert fetch(page, cookie)[0] == 200, page
    workers_before = worker_pids(process)

    results, stop = [], threading.Event()

    def analyst(page):
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, headers, body = fetch(page, cookie)
            except OSError as exc:  # gunicorn itself did not answer: not a clean failure
                status, headers, body = 0, {}, repr(exc)
            results.append((page, status, headers, body, time.monotonic() - started))

    threads = [threading.Thread(target=analyst, args=(page,)) for page in pages for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        services.postgres_restart()  # returns once PostgreSQL accepts connections again
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        connections.close_all()  # this test process's own connection died with the restart too

    statuses = [status for _, status, *_ in results]
    print(f"\nduring the restart: {statuses.count(200)} answered 200, {statuses.count(503)} answered 503, "
          f"slowest {max(r[4] for r in results):.2f} s")
    failed = [r for r in results if r[1] != 200]
    assert failed, "no request met the restart: the test proved nothing"
    assert set(statuses) <= {200, 503}, f"unclean answers: {[(r[0], r[1], r[3][:200]) for r in failed if r[1] != 503]}"
    for page, _, headers, body, seconds in failed:
        assert headers.get("Retry-After") == "5"
        assert seconds < 10, "a request hung on the missing database"
        if "/api/" in page:
            assert json.loads(body)["code"] == "database_unavailable"
        else:
            assert "Database unavailable, try again" in body

    # After the restart: every request succeeds, served by the same gunicorn and the same workers.
    after = [fetch(page, cookie)[0] for _ in range(10) for page in pages]
    assert after == [200] * len(after)
    assert process.poll() is None
    assert worker_pids(process) == workers_before
