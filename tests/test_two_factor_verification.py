"""After the password: the current code from the app, or a recovery code that works once; wrong codes
slow down; recovery codes can be made anew, which retires the old ones."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

from .cast import password_only_login, totp_code

pytestmark = pytest.mark.django_db


def half_logged_in(user):
    client = Client()
    password_only_login(client, user)
    return client


def is_verified(client, cast) -> bool:
    return client.get(f"/operations/{cast.operation.code}/").status_code == 200


def test_the_current_code_lets_the_user_in_and_back_to_the_page_asked_for(cast):
    client = half_logged_in(cast.de)
    page = f"/operations/{cast.operation.code}/workspace/"
    response = client.post("/two-factor/verify/", {"code": totp_code(cast.de), "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert is_verified(client, cast)


def test_a_code_is_accepted_once(cast):
    code = totp_code(cast.de)
    assert half_logged_in(cast.de).post("/two-factor/verify/", {"code": code}).status_code == 302
    replay = half_logged_in(cast.de)  # someone who saw the code over the shoulder, a second later
    response = replay.post("/two-factor/verify/", {"code": code})
    assert response.status_code == 200 and b"That code is not right" in response.content
    assert not is_verified(replay, cast)


def test_a_wrong_code_is_refused_and_the_next_try_must_wait(cast, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after one wrong code (the default doubles from 1 s)
    client = half_logged_in(cast.de)
    right = totp_code(cast.de)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/two-factor/verify/", {"code": wrong})
    assert b"That code is not right" in response.content
    response = client.post("/two-factor/verify/", {"code": right})
    assert response.status_code == 200
    assert re.search(rb"Too many wrong codes in a row: wait until \d\d:\d\d:\d\d UTC", response.content)
    assert not is_verified(client, cast)


def test_a_recovery_code_works_once_in_any_case_and_with_or_without_its_dash(cast):
    codes = two_factor.recovery_codes_generate(user=cast.de)
    client = half_logged_in(cast.de)
    response = client.post("/two-factor/verify/", {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert is_verified(client, cast)
    assert b"You logged in with a recovery code" in response.content and b"9 left" in response.content
    again = half_logged_in(cast.de)
    assert again.post("/two-factor/verify/", {"code": codes[0]}).status_code == 200
    assert not is_verified(again, cast)
    assert two_factor.recovery_codes_left(cast.de) == 9


def test_another_users_recovery_code_does_not_work(cast):
    codes = two_factor.recovery_codes_generate(user=cast.fr)
    client = half_logged_in(cast.de)
    assert client.post("/two-factor/verify/", {"code": codes[0]}).status_code == 200
    assert not is_verified(client, cast)
    assert two_factor.recovery_codes_left(cast.fr) == 10


def test_new_recovery_codes_replace_the_old_ones(cast, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # no wait after the (expected) failure of an old code
    old = two_factor.recovery_codes_generate(user=cast.de)
    client = Client()
    client.force_login(cast.de)
    page = client.get("/two-factor/recovery-codes/").content.decode()
    assert 'class="codes-left">10<' in page
    response = client.post("/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "no-store" in response["Cache-Control"]
    assert half_logged_in(cast.de).post("/two-factor/verify/", {"code": old[1]}).status_code == 200
    assert half_logged_in(cast.de).post("/two-factor/verify/", {"code": new[1]}).status_code == 302


def test_the_recovery_codes_page_needs_both_factors(cast):
    client = half_logged_in(cast.de)
    assert client.post("/two-factor/recovery-codes/")["Location"].startswith("/two-factor/verify/")
    assert two_factor.recovery_codes_left(cast.de) == 0


def test_next_pointing_to_another_site_is_ignored(cast):
    client = half_logged_in(cast.de)
    response = client.post("/two-factor/verify/", {"code": totp_code(cast.de), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_user_whose_authenticator_was_reset_sets_one_up_again(cast):
    TOTPDevice.objects.filter(user=cast.de).delete()  # the administrator's reset, after a lost phone
    response = half_logged_in(cast.de).get("/two-factor/verify/?next=/")
    assert response.status_code == 302 and response["Location"] == "/two-factor/enrol/?next=%2F"
