"""``duplicate_of`` is a real field of PATCH /api/v1/victims/{id}/ and /suspects/{id}/: it links (or, null,
unlinks) through the duplicates service; a field these PATCHes do not take is refused by name."""

import pytest

from audit.models import AuditEvent
from findings import services as findings
from findings.models import PossibleVictim, Suspect
from reports.statistics import compile_figures

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def victims_figure(cast) -> int:
    return compile_figures(cast.operation)["totals"]["victims"]


def test_a_coordinator_links_two_victims_through_the_api_and_the_figure_drops(cast):
    german = findings.victim_log(user=cast.de, operation=cast.operation, nationality="UA")
    french = findings.victim_log(user=cast.fr, operation=cast.operation, nationality="UA")
    assert victims_figure(cast) == 2
    answer = api_as(cast.coordinator).patch(url("victim-detail", french.pk), {"duplicate_of": german.pk},
                                            format="json")
    assert answer.status_code == 200 and answer.json()["duplicate_of"] == german.pk
    assert victims_figure(cast) == 1
    assert AuditEvent.objects.filter(action="combine", object_id=str(french.pk)).exists()
    answer = api_as(cast.coordinator).patch(url("victim-detail", french.pk), {"duplicate_of": None}, format="json")
    assert answer.json()["duplicate_of"] is None and victims_figure(cast) == 2


def test_suspects_are_linked_the_same_way(cast):
    mine = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    twice = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dmitri")
    answer = api_as(cast.de).patch(url("suspect-detail", twice.pk), {"duplicate_of": mine.pk}, format="json")
    assert answer.status_code == 200 and answer.json()["duplicate_of"] == mine.pk
    assert Suspect.objects.get(pk=twice.pk).duplicate_of_id == mine.pk


def test_a_record_the_user_cannot_see_is_no_target(cast):
    german = findings.victim_log(user=cast.de, operation=cast.operation)
    french = findings.victim_log(user=cast.fr, operation=cast.operation)
    answer = api_as(cast.fr).patch(url("victim-detail", french.pk), {"duplicate_of": german.pk}, format="json")
    assert answer.status_code == 400 and "duplicate_of" in answer.json()["fields"]
    assert PossibleVictim.objects.get(pk=french.pk).duplicate_of is None


def test_an_unknown_field_is_refused_by_name_and_nothing_changes(cast):
    victim = findings.victim_log(user=cast.de, operation=cast.operation, notes="first")
    answer = api_as(cast.de).patch(url("victim-detail", victim.pk), {"notes": "second", "duplicate": 3},
                                   format="json")
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["duplicate"]
    assert PossibleVictim.objects.get(pk=victim.pk).notes == "first"
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    answer = api_as(cast.de).patch(url("suspect-detail", suspect.pk), {"nickname": "D"}, format="json")
    assert answer.status_code == 400 and "nickname" in answer.json()["fields"]
