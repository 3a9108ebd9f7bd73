"""Enrolment: a QR code drawn on our own server, confirmed with a code from the app, recovery codes
shown once — and a password alone never enrols a second phone."""

import re
from base64 import b32decode

import pytest
import segno
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

from .cast import make_user, password_only_login, totp_code

pytestmark = pytest.mark.django_db


def newcomer_client():
    user = make_user(second_factor=False)
    client = Client()
    password_only_login(client, user)
    return user, client


def code_for_secret(secret_on_page: str) -> str:
    """What an authenticator app shows for the secret typed in from the page."""
    secret = secret_on_page.replace(" ", "")
    return f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def shown_secret(html: str) -> str:
    return re.search(r'class="secret"><code>([A-Z2-7 ]+)</code>', html).group(1)


def test_the_qr_code_is_drawn_here_and_holds_the_devices_otpauth_address():
    user, client = newcomer_client()
    response = client.get("/two-factor/enrol/")
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert response.status_code == 200
    # An inline SVG of exactly this device's otpauth:// address: nothing is fetched to draw it.
    assert two_factor.qr_svg(device) in html
    assert segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr", lineclass=None
    ) in html
    assert device.config_url.startswith(f"otpauth://totp/ActionDay%3A{user.username}?secret=")
    # The address itself is nowhere in the page (no link, no image that could send it elsewhere).
    assert "otpauth" not in html and "<img" not in html
    assert not re.search(r"(src|href|action)=\"(https?:)?//", html)
    assert b32decode(shown_secret(html).replace(" ", "")) == device.bin_key


def test_reloading_the_page_shows_the_same_secret():
    _, client = newcomer_client()
    first = shown_secret(client.get("/two-factor/enrol/").content.decode())
    assert shown_secret(client.get("/two-factor/enrol/").content.decode()) == first


def test_a_wrong_code_confirms_nothing():
    user, client = newcomer_client()
    secret = shown_secret(client.get("/two-factor/enrol/").content.decode())
    wrong = f"{(int(code_for_secret(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/two-factor/enrol/", {"code": wrong})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/").status_code == 302  # still not in


def test_the_code_from_the_app_confirms_it_lets_the_user_in_and_shows_ten_recovery_codes_once():
    user, client = newcomer_client()
    secret = shown_secret(client.get("/two-factor/enrol/?next=/operations/").content.decode())
    response = client.post("/two-factor/enrol/", {"code": code_for_secret(secret), "next": "/operations/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", html)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT == len(set(codes))
    assert 'href="/operations/"' in html  # on to where the user was going
    assert TOTPDevice.objects.get(user=user).confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # The session has passed both factors: the home page answers, not the verification page.
    assert client.get("/").status_code == 200
    # Shown once: no page shows them again.
    again = client.get("/two-factor/recovery-codes/").content.decode()
    assert 'class="codes-left">10<' in again and not any(code in again for code in codes)
    assert client.get("/two-factor/enrol/").status_code == 302


def test_the_session_gets_a_new_key_once_the_second_factor_is_passed():
    _, client = newcomer_client()
    secret = shown_secret(client.get("/two-factor/enrol/").content.decode())
    before = client.session.session_key
    client.post("/two-factor/enrol/", {"code": code_for_secret(secret)})
    assert client.session.session_key != before


def test_a_password_alone_cannot_enrol_another_authenticator(cast):
    client = Client()
    password_only_login(client, cast.de)  # has an authenticator; the thief has only the password
    response = client.get("/two-factor/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/verify/")
    thief = TOTPDevice.objects.create(user=cast.de, name="thief", confirmed=False)
    code = f"{TOTP(thief.bin_key).token():06d}"
    response = client.post("/two-factor/enrol/", {"code": code})
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/verify/")
    assert not TOTPDevice.objects.get(pk=thief.pk).confirmed
    assert client.get(f"/operations/{cast.operation.code}/").status_code == 302


def test_a_verified_user_visiting_enrolment_goes_on(cast):
    client = Client()
    client.force_login(cast.de)
    response = client.get("/two-factor/enrol/?next=/operations/")
    assert response.status_code == 302 and response["Location"] == "/operations/"
    assert TOTPDevice.objects.filter(user=cast.de).count() == 1
    assert totp_code(cast.de)  # the existing device is untouched and still gives codes


def test_enrolment_needs_a_password_first():
    response = Client().get("/two-factor/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not TOTPDevice.objects.exists()
