"""``changeable_by(user)`` is ``may_change`` as a filter: the same answer, record by record.

Three teams of the operation and a member of another operation each log one of everything;
every member of the cast (and someone who coordinates the other operation while analysing in
this one) is then asked about every record, with the operation planned, active, closed and archived.
"""

import pytest

from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, Selector, SocialAccount, Suspect
from findings.workspace import linkable_cases
from operations.access import may_change
from operations.models import Membership, Operation
from platforms.models import PlatformCheck

from .cast import add_member

pytestmark = pytest.mark.django_db

MODELS = [PlatformCheck, Case, Suspect, PossibleVictim, DetectedUrl, SocialAccount, Evidence, Selector]
ROLES = ["de", "de2", "fr", "coordinator", "prosecutor", "other_prosecutor", "outsider", "anonymous", "double"]


@pytest.fixture
def records(cast):
    for user in (cast.de, cast.fr, cast.coordinator):
        cast.family_of(user)
    # Someone of another operation logs there too.
    outside = cast.other_operation
    other_coordinator = add_member(outside, Membership.Role.COORDINATOR, "NL")
    cast.other_family = _family_in(cast, outside, cast.outsider)
    _family_in(cast, outside, other_coordinator)
    # A German analyst here who coordinates the other operation.
    cast.double = add_member(cast.operation, Membership.Role.ANALYST, "DE")
    Membership.objects.create(user=cast.double, operation=outside, role=Membership.Role.COORDINATOR, team="DE")
    return cast


def _family_in(cast, operation, user):
    kept = cast.operation
    cast.operation = operation
    try:
        return cast.family_of(user)
    finally:
        cast.operation = kept


def _set_status(operation, status):
    Operation.objects.filter(pk=operation.pk).update(status=status)


@pytest.mark.parametrize("status", ["planned", "active", "closed", "archived"])
@pytest.mark.parametrize("role", ROLES)
def test_changeable_by_agrees_with_may_change_cell_by_cell(records, role, status):
    cast = records
    _set_status(cast.operation, status)
    user = getattr(cast, role)
    checked = 0
    for model in MODELS:
        changeable = set(model.objects.changeable_by(user).values_list("pk", flat=True))
        for record in model.objects.select_related("operation"):
            expected = may_change(user, record)
            assert (record.pk in changeable) == expected, f"{role} {model.__name__} {record.pk} ({record.team})"
            checked += 1
    assert checked >= 40  # five families of seven records, and their selectors


def test_nothing_is_changeable_once_the_operation_is_closed(records):
    cast = records
    assert Case.objects.changeable_by(cast.coordinator).in_operation(cast.operation).count() == 3
    _set_status(cast.operation, "closed")
    assert not Case.objects.changeable_by(cast.coordinator).in_operation(cast.operation).exists()
    assert not DetectedUrl.objects.changeable_by(cast.de).in_operation(cast.operation).exists()


def test_an_analyst_may_change_only_the_own_teams_records(records):
    cast = records
    teams = set(Suspect.objects.changeable_by(cast.de2).values_list("team", flat=True))
    assert teams == {"DE"}
    # Shared with the operation is seen, not changeable: FR's URL is visible to DE but not theirs to change.
    french_url = DetectedUrl.objects.get(team="FR")
    assert DetectedUrl.objects.visible_to(cast.de).filter(pk=french_url.pk).exists()
    assert not DetectedUrl.objects.changeable_by(cast.de).filter(pk=french_url.pk).exists()


def test_link_targets_are_the_open_cases_the_user_may_change(records):
    cast = records
    german = Case.objects.get(operation=cast.operation, team="DE")
    assert [c.pk for c in linkable_cases(user=cast.de, operation=cast.operation)] == [german.pk]
    assert len(linkable_cases(user=cast.coordinator, operation=cast.operation)) == 3
    assert linkable_cases(user=cast.prosecutor, operation=cast.operation) == []
    Case.objects.filter(pk=german.pk).update(status=Case.Status.CLOSED)
    assert linkable_cases(user=cast.de, operation=cast.operation) == []
