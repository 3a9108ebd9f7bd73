"""In a real Chromium, as a new user would: password, set up the authenticator app from the page,
keep the recovery codes, log out, and log in again with the app's code — then with a recovery code."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from operations.models import Membership

from .cast import PASSWORD, build_cast, make_user, totp_code
from .test_browser_workspace import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret_on_page: str) -> str:
    """What the authenticator app shows once the secret from the page is typed into it."""
    secret = secret_on_page.replace(" ", "")
    return f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"


def password_step(page, live_server, user):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_new_user_sets_up_the_app_and_logs_in_with_its_codes(live_server, page):
    cast = build_cast()
    newcomer = make_user(second_factor=False)
    Membership.objects.create(user=newcomer, operation=cast.operation, role="analyst", team="BE")

    password_step(page, live_server, newcomer)
    page.wait_for_url("**/two-factor/enrol/**")
    expect(page.locator("h1")).to_have_text("Set up two-factor login")
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    shot(page, "two-factor-enrol")
    secret = page.locator(".secret code").inner_text()
    page.fill("#id_code", app_code(secret))
    page.press("#id_code", "Enter")
    expect(page.locator("h1")).to_have_text("Two-factor login is on")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have kept them — continue").click()
    page.wait_for_url(f"**/operations/{cast.operation.code}/")
    expect(page.locator(".you")).to_contain_text("Belgium")

    # Next morning: the password, then the code the app shows.
    page.get_by_role("button", name="Log out").click()
    password_step(page, live_server, newcomer)
    page.wait_for_url("**/two-factor/verify/**")
    shot(page, "two-factor-verify")
    page.fill("#id_code", totp_code(newcomer))
    page.press("#id_code", "Enter")
    page.wait_for_url(f"**/operations/{cast.operation.code}/")

    # Phone left at home: a recovery code, once.
    page.get_by_role("button", name="Log out").click()
    password_step(page, live_server, newcomer)
    page.wait_for_url("**/two-factor/verify/**")
    page.fill("#id_code", codes[3])
    page.press("#id_code", "Enter")
    page.wait_for_url(f"**/operations/{cast.operation.code}/")
    expect(page.locator(".messages")).to_contain_text("You logged in with a recovery code")
    expect(page.locator(".messages")).to_contain_text("9 left")
