"""A session ends after SESSION_IDLE_MINUTES (30) without a request; a request pushes the end back,
saving the session once a minute at most. Its cookie is out of reach of scripts and is not sent by
other sites' forms."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.sessions import SEEN

from .conftest import ROOT

pytestmark = pytest.mark.django_db


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def logged_in(cast):
    client = Client()
    client.force_login(cast.de)
    return client


def minutes_left(client) -> float:
    return (session_of(client).expire_date - timezone.now()).total_seconds() / 60


def test_a_session_lasts_thirty_minutes_from_the_last_request(cast):
    client = logged_in(cast)
    response = client.get(f"/operations/{cast.operation.code}/")
    assert response.status_code == 200
    assert 29.5 < minutes_left(client) <= 30
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 1800 and cookie["httponly"] and cookie["samesite"] == "Lax"


def age(client, *, minutes_left: float, saved_seconds_ago: int) -> None:
    """As if the session had last been saved ``saved_seconds_ago`` and ended in ``minutes_left``."""
    session = client.session
    session[SEEN] = int(time.time()) - saved_seconds_ago
    session.save()
    end = timezone.now() + dt.timedelta(minutes=minutes_left)
    Session.objects.filter(pk=session.session_key).update(expire_date=end)


def test_a_request_pushes_the_end_back(cast):
    client = logged_in(cast)
    age(client, minutes_left=1, saved_seconds_ago=29 * 60)
    assert client.get(f"/operations/{cast.operation.code}/workspace/").status_code == 200
    assert minutes_left(client) > 29.5


def test_a_session_saved_less_than_a_minute_ago_is_not_written_again(cast):
    client = logged_in(cast)
    age(client, minutes_left=29.5, saved_seconds_ago=30)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/operations/{cast.operation.code}/workspace/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert 29 < minutes_left(client) < 29.6
    age(client, minutes_left=29, saved_seconds_ago=61)  # a minute later the next request saves it
    client.get(f"/operations/{cast.operation.code}/workspace/")
    assert minutes_left(client) > 29.9


def test_after_thirty_idle_minutes_the_user_must_log_in_again(cast):
    client = logged_in(cast)
    Session.objects.filter(pk=session_of(client).pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)  # thirty minutes and a second without a request
    )
    response = client.get(f"/operations/{cast.operation.code}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    api = client.get("/api/v1/cases/")
    assert api.status_code == 401


def test_the_idle_time_comes_from_the_environment():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings", "SESSION_IDLE_MINUTES": "5"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["300", "False", "False"]
