"""The cast every test can call on: one operation, two country teams, a coordinator, a
prosecutor, and an outsider from another operation — built through the same functions
users call.

    cast = build_cast()
    case = cast.case_of(cast.de)          # a case logged by the German analyst
    share_case(cast, case, team="FR")     # ...now shared with the French team
"""

import datetime as dt
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidence.services import evidence_attach
from findings import services as findings
from operations.models import Agency, Membership, Operation, Participation
from platforms import services as platforms
from platforms.models import Platform, PlatformDomain

PASSWORD = "correct-horse-battery"
_counter = iter(range(1, 10**9))


def make_user(username=None, *, second_factor=True):
    """A user with the test password and, unless told otherwise, a confirmed authenticator app."""
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(username, f"{username}@test.invalid", PASSWORD)
    if second_factor:
        authenticator_of(user)
    return user


# --- logging in with both factors ---------------------------------------------------------------


def authenticator_of(user) -> TOTPDevice:
    """The user's confirmed TOTP device (one is made if the user has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)


def totp_code(user) -> str:
    """The code the user's authenticator app shows now — or the next one, if now's was already used.

    (django-otp accepts each time step once: a second login within 30 seconds needs the next code.)
    """
    device = authenticator_of(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    step = max(now, device.last_t + 1)
    if step > now + device.tolerance:  # two steps ahead would be refused: wait for the clock
        accepted_from = device.t0 + (step - device.tolerance - device.drift) * device.step
        time.sleep(max(0.0, accepted_from - time.time()) + 0.05)
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def password_only_login(client, user):
    """Log ``client`` in with the password step only, as if the second factor were still to come.

    (The suite's ``force_login`` — tests/conftest.py — logs in with both factors.)
    """
    plain = getattr(Client.force_login, "__wrapped__", Client.force_login)
    plain(client, user)


def complete_login(page, user, password=PASSWORD):
    """On the login page: fill in the password, then the current code on the two-factor page."""
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor/verify/**")
    page.fill("#id_code", totp_code(user))
    page.press("#id_code", "Enter")
    page.wait_for_url(lambda url: "/two-factor/" not in url)


def browser_login(page, live_server, user, next_path="/", password=PASSWORD):
    """Log ``user`` in in a real Chromium, both factors, and land on ``next_path``."""
    page.goto(f"{live_server.url}/login/?next={quote(next_path)}")
    complete_login(page, user, password)


def make_operation(code=None, status=Operation.Status.ACTIVE) -> Operation:
    agency, _ = Agency.objects.get_or_create(name="Dutch National Police", country="NL", kind="police")
    operation = Operation.objects.create(
        code=code or f"OP-{next(_counter)}",
        name="Test action day",
        starts_at=dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 11, 24, 18, tzinfo=dt.UTC),
        status=status,
        lead_agency=agency,
    )
    Participation.objects.create(operation=operation, agency=agency, experts=3)
    return operation


def add_member(operation, role, team, username=None):
    user = make_user(username)
    Membership.objects.create(user=user, operation=operation, role=role, team=team)
    return user


def make_platform(name="EscortGuide", domain="escortguide.example", category="escort") -> Platform:
    platform, _ = Platform.objects.get_or_create(name=name, defaults={"category": category})
    PlatformDomain.objects.get_or_create(domain=domain, defaults={"platform": platform})
    return platform


@dataclass
class Cast:
    operation: Operation
    de: object  # analyst of the German team
    de2: object  # a second German analyst
    fr: object  # analyst of the French team
    coordinator: object
    prosecutor: object
    other_prosecutor: object
    outsider: object  # analyst of team DE, but in another operation
    other_operation: Operation
    anonymous: object
    platform: Platform

    def case_of(self, user, **fields):
        fields.setdefault("title", "Escort adverts with one handler")
        fields.setdefault("exploitation_type", "sexual")
        return findings.case_create(user=user, operation=self.operation, **fields)

    def family_of(self, user):
        """A case with one of everything hanging off it, logged by ``user``."""
        case = self.case_of(user)
        suspect = findings.suspect_log(user=user, operation=self.operation, alias="Dima", case=case)
        victim = findings.victim_log(user=user, operation=self.operation, case=case, age_band="18-24")
        url, _ = findings.url_log(
            user=user, operation=self.operation, raw_url=f"https://escortguide.example/{user.username}", case=case
        )
        account, _ = findings.account_log(
            user=user, operation=self.operation, platform=self.platform, handle=f"@{user.username}_b", case=case
        )
        evidence = evidence_attach(user=user, finding=case, upload=SimpleUploadedFile("shot.png", PNG))
        check = platforms.check_plan(user=user, operation=self.operation, platform=self.platform)
        return {
            "case": case, "suspect": suspect, "victim": victim, "url": url,
            "account": account, "evidence": evidence, "check": check,
        }


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def build_cast() -> Cast:
    operation = make_operation()
    other = make_operation()
    coordinator = add_member(operation, Membership.Role.COORDINATOR, "NL")
    cast = Cast(
        operation=operation,
        de=add_member(operation, Membership.Role.ANALYST, "DE"),
        de2=add_member(operation, Membership.Role.ANALYST, "DE"),
        fr=add_member(operation, Membership.Role.ANALYST, "FR"),
        coordinator=coordinator,
        prosecutor=add_member(operation, Membership.Role.PROSECUTOR, "NL"),
        other_prosecutor=add_member(operation, Membership.Role.PROSECUTOR, "DE"),
        outsider=add_member(other, Membership.Role.ANALYST, "DE"),
        other_operation=other,
        anonymous=AnonymousUser(),
        platform=make_platform(),
    )
    return cast
