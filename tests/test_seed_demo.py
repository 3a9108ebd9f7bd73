"""seed_demo builds a believable operation, once: a second run changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts import two_factor
from demo import seeding as demo
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from operations.models import Membership, Operation
from platforms.models import PlatformCheck

pytestmark = pytest.mark.django_db

COUNTED = [
    "operations.Agency", "operations.Operation", "operations.Participation", "operations.Membership",
    "platforms.Platform", "platforms.PlatformDomain", "platforms.PlatformCheck", "findings.Case",
    "findings.Suspect", "findings.PossibleVictim", "findings.DetectedUrl", "findings.SocialAccount",
    "findings.Evidence", "findings.CaseGroupObjectPermission", "findings.CaseUserObjectPermission",
    "auth.User", "audit.AuditEvent",
]


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def test_seed_demo_twice_changes_nothing_the_second_time():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert "analyst.de" in out.getvalue() and demo.DEMO_PASSWORD in out.getvalue()


def test_demo_is_shaped_like_the_2025_action_week():
    call_command("seed_demo", stdout=StringIO())
    operation = Operation.objects.get(code=demo.OPERATION_CODE)
    countries = {p.agency.country for p in operation.participations.select_related("agency") if p.agency.country}
    assert len(countries) == 26
    agency_names = set(operation.participations.values_list("agency__name", flat=True))
    assert {"Europol", "Eurojust"} <= agency_names
    roles = set(Membership.objects.filter(operation=operation).values_list("role", flat=True))
    assert roles == {"analyst", "coordinator", "prosecutor"}
    analyst_teams = Membership.objects.filter(operation=operation, role="analyst").values_list("team", flat=True)
    assert len(set(analyst_teams)) >= 3


def test_demo_has_findings_of_every_kind_and_checks_in_every_state():
    call_command("seed_demo", stdout=StringIO())
    states = {(c.status, c.with_indications) for c in PlatformCheck.objects.all()}
    assert states == {("planned", None), ("in_progress", None), ("checked", True), ("checked", False)}
    for model in (Case, Suspect, PossibleVictim, DetectedUrl, SocialAccount, Evidence):
        assert model.objects.exists(), model
    assert Case.objects.filter(status="investigation_opened").exists()
    for evidence in Evidence.objects.all():
        assert evidence.file.size == evidence.size


def test_every_demo_login_works():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    usernames = ["admin"] + [u for u, *_ in demo.USERS]
    for username in usernames:
        assert username in out.getvalue()
        request = RequestFactory().post("/login/")  # the lockout check (django-axes) needs the request
        user = authenticate(request, username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        # ... and the second factor: the documented demo secret gives the code
        assert two_factor.verify(user=user, code=demo.demo_code()) is not None, username
    assert demo.DEMO_TOTP_SECRET in out.getvalue()
