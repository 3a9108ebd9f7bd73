"""Fixtures shared by the whole suite: the cast, a real Celery worker, a real Chromium."""

import functools
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from .cast import authenticator_of, build_cast

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; the cast creates nine users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_with_second_factor(monkeypatch):
    """``client.force_login(user)`` logs in with both factors, as every real login ends.

    The user gets a confirmed authenticator app if they have none, and the session is marked
    verified with it (django-otp). For a session that passed only the password, use
    ``cast.password_only_login(client, user)``.
    """
    plain = Client.force_login

    @functools.wraps(plain)
    def force_login(self, user, backend=None):
        plain(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_of(user).persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def cast(db):
    return build_cast()


def worker_database_url() -> str:
    """DATABASE_URL, pointing at the database pytest-django created for this session."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))




class WorkerProcess:
    """A real `celery worker` process on the test Redis and the test database."""

    def __init__(self):
        self.process = None

    def start(self, timeout=60):
        from config.celery import app

        # The tests' hostile site is on loopback: the worker may capture private addresses (never ActionDay's).
        env = os.environ | {"DATABASE_URL": worker_database_url(), "CONN_MAX_AGE": "0", "CAPTURE_ALLOW_PRIVATE": "true"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the tests' Playwright needs it; a production worker has none
        self.log = open(ROOT / "var" / "test-worker.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            # One worker for both queues: the ordinary jobs' and the page captures' (production runs two).
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
             "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h", "-Q", "celery,capture"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {self.process.returncode}; see var/test-worker.log")
            if app.control.ping(timeout=0.5):
                return self
        raise RuntimeError("Celery worker did not answer a ping in time")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("The job tests need REDIS_URL: run them with `make test`.")
    (ROOT / "var").mkdir(exist_ok=True)
    worker = WorkerProcess().start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside = []
    # Pages must never reach an outside host: record any attempt and fail the test on it.
    page.on("request", lambda r: outside.append(r.url) if not _is_local(r.url) else None)
    yield page
    context.close()
    assert not outside, f"page requested outside hosts: {outside}"


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return url.startswith(("data:", "about:", "blob:")) or host in ("127.0.0.1", "localhost", "::1")


@pytest.fixture(scope="session")
def hostile_site():
    """The hostile test site (tests/hostile_site.py) on loopback, for the page-capture tests."""
    from .hostile_site import HostileSite

    with HostileSite() as site:
        yield site


@pytest.fixture(scope="session")
def capture_browser():
    """The capture worker's browser (a Chromium in a thread of its own), for captures run in the test."""
    from evidence.capture_job import BrowserThread

    browser = BrowserThread(reuse=True)
    yield browser
    browser.close()


@pytest.fixture
def capture_settings(settings, tmp_path):
    """In-process captures of the loopback test site, their files under the test's own folder."""
    settings.CAPTURE_ALLOW_PRIVATE = True
    settings.CAPTURE_TIME_LIMIT = 20
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")},
    }}
    return settings


@pytest.fixture
def smtp_mailbox(settings):
    """Django's SMTP backend pointed at a real SMTP server started for the test; its mails in ``.messages``."""
    from .mailbox import start_smtp_server

    controller, mailbox = start_smtp_server()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10}}}
    yield mailbox
    controller.stop()
