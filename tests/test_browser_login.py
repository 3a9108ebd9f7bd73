"""A real Chromium logs in as a demo analyst and sees the operation."""

import pytest

from .cast import build_cast, complete_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_logs_in_and_sees_the_operation(live_server, page):
    cast = build_cast()
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    complete_login(page, cast.de)  # the password, then the code of the authenticator app
    page.wait_for_url(f"**/operations/{cast.operation.code}/")
    assert page.locator("h1").inner_text() == cast.operation.name
    assert "Germany" in page.locator(".you").inner_text()


def test_wrong_password_keeps_the_analyst_on_the_login_page(live_server, page):
    cast = build_cast()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", cast.de.username)
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("Your username and password did not match")
    assert "/login/" in page.url
