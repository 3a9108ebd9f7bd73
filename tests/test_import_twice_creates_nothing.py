"""Importing the same file twice creates nothing new: rows the team holds already are recognised."""

import pytest

from findings.models import DetectedUrl, PossibleVictim, SocialAccount, Suspect
from intake.imports import import_findings

pytestmark = pytest.mark.django_db

FILES = {
    "urls": ("url,note\nhttps://a.example/1,\nhttps://A.example/1#frag,same URL\nhttps://b.example/,\n", DetectedUrl),
    "social-accounts": ("platform,handle\nEscortGuide,@nina\nEscortGuide,NINA\nEscortGuide,maria\n", SocialAccount),
    "suspects": ("alias\nDima\ndima\nSasha\n", Suspect),
    "victims": ("nationality,age_band\nRO,18-24\nRO,18-24\nUA,25-34\n", PossibleVictim),
}
CREATED_FIRST_TIME = {"urls": 2, "social-accounts": 2, "suspects": 2, "victims": 3}


def run(cast, kind, user=None):
    text, _ = FILES[kind]
    return import_findings(user=user or cast.de, operation=cast.operation, kind=kind, data=text.encode())


@pytest.mark.parametrize("kind", list(FILES))
def test_the_same_file_twice_adds_nothing_the_second_time(cast, kind):
    model = FILES[kind][1]
    first = run(cast, kind)
    assert first.created == CREATED_FIRST_TIME[kind]
    count = model.objects.count()
    second = run(cast, kind)
    assert (second.created, second.existing) == (0, 3)
    assert model.objects.count() == count


def test_another_team_importing_the_same_file_logs_its_own_rows(cast):
    run(cast, "urls")
    result = run(cast, "urls", user=cast.fr)
    assert result.created == 2
    assert set(DetectedUrl.objects.values_list("team", flat=True)) == {"DE", "FR"}


def test_a_victim_file_adds_only_the_victims_the_team_holds_fewer_of(cast):
    run(cast, "victims")
    text = "nationality,age_band\nRO,18-24\nRO,18-24\nRO,18-24\n"  # three now, the team holds two
    result = import_findings(user=cast.de, operation=cast.operation, kind="victims", data=text.encode())
    assert (result.created, result.existing) == (1, 2)
    assert PossibleVictim.objects.filter(nationality="RO").count() == 3
