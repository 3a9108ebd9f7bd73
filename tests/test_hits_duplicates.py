"""Linking duplicates across teams: the same person logged twice is counted once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from findings import services as findings
from findings.duplicates import (
    suspects_link_duplicates,
    victims_link_duplicates,
    victims_unlink_duplicate,
)
from findings.models import PossibleVictim

pytestmark = pytest.mark.django_db


def victim(cast, user, **fields):
    return findings.victim_log(user=user, operation=cast.operation, nationality="UA", **fields)


def test_a_coordinator_links_two_teams_victims_and_it_is_audited(cast):
    german, french = victim(cast, cast.de), victim(cast, cast.fr)
    victims_link_duplicates(user=cast.coordinator, victim=french, duplicate_of=german)
    french.refresh_from_db()
    assert french.duplicate_of == german
    assert PossibleVictim.objects.filter(operation=cast.operation, duplicate_of=None).count() == 1
    events = AuditEvent.objects.filter(action="combine", actor=cast.coordinator, object_type="findings.possiblevictim")
    assert set(events.values_list("object_id", flat=True)) == {str(french.pk), str(german.pk)}


def test_an_analyst_cannot_link_to_a_record_they_cannot_see(cast):
    german, french = victim(cast, cast.de), victim(cast, cast.fr)
    with pytest.raises(PermissionDenied):
        victims_link_duplicates(user=cast.fr, victim=french, duplicate_of=german)
    french.refresh_from_db()
    assert french.duplicate_of is None


def test_an_analyst_marks_their_own_record_as_duplicate_of_a_shared_one(cast):
    case = cast.case_of(cast.de)
    german = victim(cast, cast.de, case=case)
    french = victim(cast, cast.fr)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    with pytest.raises(PermissionDenied):
        victims_link_duplicates(user=cast.fr, victim=german, duplicate_of=french)  # not theirs to mark
    victims_link_duplicates(user=cast.fr, victim=french, duplicate_of=german)
    french.refresh_from_db()
    assert french.duplicate_of == german


def test_links_stay_one_level_deep_and_never_form_a_cycle(cast):
    a, b, c = victim(cast, cast.de), victim(cast, cast.fr), victim(cast, cast.de2)
    victims_link_duplicates(user=cast.coordinator, victim=a, duplicate_of=b)
    victims_link_duplicates(user=cast.coordinator, victim=b, duplicate_of=c)
    a.refresh_from_db()
    assert a.duplicate_of == c  # re-pointed at the record that stands for the person
    with pytest.raises(ValidationError):
        victims_link_duplicates(user=cast.coordinator, victim=c, duplicate_of=a)
    with pytest.raises(ValidationError):
        victims_link_duplicates(user=cast.coordinator, victim=c, duplicate_of=c)


def test_unlinking_counts_the_person_again(cast):
    german, french = victim(cast, cast.de), victim(cast, cast.fr)
    victims_link_duplicates(user=cast.coordinator, victim=french, duplicate_of=german)
    victims_unlink_duplicate(user=cast.fr, victim=french)
    assert PossibleVictim.objects.filter(operation=cast.operation, duplicate_of=None).count() == 2


def test_suspects_are_linked_the_same_way_but_only_within_one_operation(cast):
    german = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    french = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Dimitri")
    suspects_link_duplicates(user=cast.coordinator, suspect=french, duplicate_of=german)
    french.refresh_from_db()
    assert french.duplicate_of == german
    elsewhere = findings.suspect_log(user=cast.outsider, operation=cast.other_operation, alias="Dima")
    with pytest.raises(ValidationError, match="same operation"):
        suspects_link_duplicates(user=cast.coordinator, suspect=elsewhere, duplicate_of=german)
