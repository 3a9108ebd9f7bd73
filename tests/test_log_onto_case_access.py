"""Logging a finding onto a case changes that case: only someone who may change the case may do it.

A case shared with another team is for reading; that team logs onto its own cases.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from findings import services as findings
from findings.models import DetectedUrl, PossibleVictim, SocialAccount, Suspect

pytestmark = pytest.mark.django_db


def log(kind, cast, user, case, operation=None):
    operation = operation or cast.operation
    if kind == "suspect":
        return findings.suspect_log(user=user, operation=operation, alias="Vadim", case=case)
    if kind == "victim":
        return findings.victim_log(user=user, operation=operation, case=case, age_band="18-24")
    if kind == "url":
        return findings.url_log(user=user, operation=operation, raw_url="https://escortguide.example/v", case=case)[0]
    return findings.account_log(user=user, operation=operation, platform=cast.platform, handle="@vadim", case=case)[0]


KINDS = {"suspect": Suspect, "victim": PossibleVictim, "url": DetectedUrl, "account": SocialAccount}


@pytest.fixture
def german_case(cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")  # FR sees it, but it stays German
    return case


@pytest.mark.parametrize("kind", list(KINDS))
def test_another_team_cannot_log_onto_a_case_it_only_sees(cast, german_case, kind):
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        log(kind, cast, cast.fr, german_case)
    assert not KINDS[kind].objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_owning_team_and_the_coordinators_may_log_onto_the_case(cast, german_case, kind):
    for user in (cast.de2, cast.coordinator):
        record = log(kind, cast, user, german_case)
        assert record.case == german_case
        KINDS[kind].objects.filter(pk=record.pk).delete()


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_case_of_another_operation_is_refused_as_such(cast, kind):
    from operations.models import Membership

    other_case = cast.case_of(cast.de)
    Membership.objects.create(user=cast.outsider, operation=cast.operation, role="coordinator", team="DE")
    with pytest.raises(ValidationError, match="same operation"):
        log(kind, cast, cast.outsider, other_case, operation=cast.other_operation)
    assert not KINDS[kind].objects.exists()
