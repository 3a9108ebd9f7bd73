"""The embedded demo (``make run``: SQLite, jobs in-process) serves without DEBUG unless asked for.

scripts/run.sh migrates, seeds the demo and runs ``manage.py runserver``; here the same steps run in a
throwaway directory and the server is asked what an outside tester asked: a missing page gets our own
404 page (no traceback, no list of URL patterns), the API answers JSON even with a line break in the
address, an id out of range is a 400 on SQLite too (it was a 500), and the CSS and scripts are still
served (whitenoise, from the apps' static folders).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TOKEN_SCRIPT = """
from rest_framework.authtoken.models import Token
from django.contrib.auth import get_user_model
print(Token.objects.get_or_create(user=get_user_model().objects.get(username="analyst.de"))[0].key)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY")}
    env |= {"SQLITE_PATH": str(data / "demo.sqlite3"), "ACTIONDAY_DATA_DIR": str(data / "files")}
    manage = [sys.executable, "manage.py"]
    for step in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        subprocess.run(manage + step, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    token = subprocess.run(manage + ["shell", "--no-imports", "-c", TOKEN_SCRIPT], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True, timeout=120).stdout.split()[-1]
    port = _free_port()
    server = subprocess.Popen(manage + ["runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base, token
    server.terminate()
    server.wait(timeout=10)


def test_a_missing_page_is_our_own_page_without_debug_details(demo):
    base, _ = demo
    status, _, body = _get(base + "/no-such-page/")
    html = body.decode()
    assert status == 404
    assert "ActionDay" in html and "Not found" in html
    assert "URLconf" not in html and "Traceback" not in html and "DEBUG" not in html


def test_styles_and_scripts_are_still_served(demo):
    base, _ = demo
    for path, kind in (("/static/css/app.css", "text/css"), ("/static/django_htmx/htmx-2.min.js", "javascript")):
        status, headers, body = _get(base + path)
        assert status == 200 and kind in headers["Content-Type"] and body, path


def test_the_api_answers_json_to_odd_addresses_and_ids_out_of_range(demo):
    base, token = demo
    auth = {"Authorization": f"Token {token}"}
    status, headers, body = _get(base + "/api/v1/x%0Ay/", auth)
    assert (status, headers["Content-Type"]) == (404, "application/json")
    for path in (f"/api/v1/urls/?case={2**64}", f"/api/v1/urls/export/?operation={2**63}",
                 f"/api/v1/suspects/?case={2**64}"):
        status, headers, body = _get(base + path, auth)
        assert status == 400, (path, status)
        assert json.loads(body)["code"] == "invalid"
    status, _, _ = _get(base + f"/api/v1/cases/{2**64}/", auth)
    assert status == 404
