"""Brute force on the login form: after LOGIN_FAILURE_LIMIT (5) wrong passwords the username is locked
for LOGIN_LOCKOUT_MINUTES (15), with a clear message — and nobody else is."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.test import Client

from .cast import PASSWORD
from .conftest import ROOT

pytestmark = pytest.mark.django_db


def log_in(client, user, password):
    return client.post("/login/", {"username": user.username, "password": password})


def brute_force(client, user, tries=5):
    return [log_in(client, user, f"guess-{n}") for n in range(tries)]


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(cast):
    client = Client()
    answers = brute_force(client, cast.de)
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert all(b"did not match" in a.content for a in answers[:4])
    locked = answers[4]
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Account locked for now" in text and cast.de.username in text and "15 minutes" in text
    assert "Other accounts are not affected" in text
    # The right password changes nothing while the lock lasts.
    right = log_in(Client(), cast.de, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_the_lock_holds_from_any_address(cast):
    brute_force(Client(), cast.de)
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(elsewhere, cast.de, PASSWORD).status_code == 429


def test_a_locked_account_does_not_block_other_users_at_the_same_address(cast):
    client = Client()
    brute_force(client, cast.de)
    response = log_in(client, cast.fr, PASSWORD)  # a colleague behind the same office gateway
    assert response.status_code == 302  # on to the second factor
    assert client.session["_auth_user_id"] == str(cast.fr.pk)


def test_the_lock_lifts_after_the_cool_off(cast):
    brute_force(Client(), cast.de)
    assert log_in(Client(), cast.de, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    client = Client()
    assert log_in(client, cast.de, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.de.pk)


def test_a_successful_login_clears_the_earlier_failures(cast):
    brute_force(Client(), cast.de, tries=4)
    assert log_in(Client(), cast.de, PASSWORD).status_code == 302
    brute_force(Client(), cast.de, tries=4)
    assert log_in(Client(), cast.de, PASSWORD).status_code == 302


def test_an_unknown_username_is_locked_alike_and_reveals_nothing(cast):
    class Nobody:
        username = "no.such.user"

    answers = brute_force(Client(), Nobody)
    assert answers[-1].status_code == 429  # the same answer as for a real account: no way to probe names


def test_the_limit_and_the_lock_time_come_from_the_environment():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings", "LOGIN_FAILURE_LIMIT": "3",
                        "LOGIN_LOCKOUT_MINUTES": "60"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["3", "1:00:00"]
