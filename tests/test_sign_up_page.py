"""A sign-up link leads to choosing a password, then enrolling the authenticator app, then into the
operation — once."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.invitations import invitations_issue
from audit.models import AuditEvent
from setup.people import member_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(cast):
    user = member_add(by=cast.coordinator, operation=cast.operation, email="anna@bka.example", name="Anna Weber",
                      role="analyst", team="DE", agency=None).user
    (issued,) = invitations_issue(by=cast.coordinator, users=[user], site_url="http://testserver/",
                                  next_url=reverse("operation_detail", args=[cast.operation.code]))
    return issued.url.removeprefix("http://testserver")


def code_of(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_a_link_leads_to_a_password_then_the_authenticator_then_the_operation(cast, link, client):
    page = client.get(link)
    assert page.status_code == 200 and b"anna@bka.example" in page.content
    response = client.post(link, {"new_password1": "a long enough secret 7", "new_password2": "a long enough secret 7"})
    operation_page = reverse("operation_detail", args=[cast.operation.code])
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_enrol"))
    enrol = client.get(response["Location"])
    assert b"Set up two-factor login" in enrol.content
    # Nothing but enrolment before the app is set up.
    assert client.get(operation_page).status_code == 302
    device = TOTPDevice.objects.get(user__email="anna@bka.example", confirmed=False)
    done = client.post(reverse("two_factor_enrol"), {"code": code_of(device), "next": operation_page})
    assert re.search(rf'href="{operation_page}"', done.content.decode())
    assert client.get(operation_page).status_code == 200


def test_a_link_works_once(cast, link, client):
    client.post(link, {"new_password1": "a long enough secret 7", "new_password2": "a long enough secret 7"})
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert AuditEvent.objects.filter(summary="sign-up link used: password chosen").count() == 1


def test_a_weak_password_is_refused_and_the_link_still_works(cast, link, client):
    response = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and b"too short" in response.content
    assert client.get(link).status_code == 200


def test_an_unknown_link_says_it_no_longer_works(client):
    assert client.get(reverse("signup", args=["made-up-token"])).status_code == 410
