"""The coordinators' duplicates page proposes the same person logged by two teams — same selector, the two
sides of a hit, or the same nationality, age band and platform — and links them; the figure drops at once."""

import re

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from findings import services as findings
from findings.models import PossibleVictim
from hits.matching import match_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def jobs_in_process(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def victim(cast, user, **fields):
    return findings.victim_log(user=user, operation=cast.operation, **fields)


def page(client, cast) -> str:
    return client.get(reverse("duplicates", args=[cast.operation.code])).content.decode()


def proposal_rows(html, kind="victim") -> list[str]:
    section = html[html.index(f'id="duplicates-{kind}"'):]
    return re.findall(r'<tr class="proposal" data-pair="(\d+-\d+)">(.*?)</tr>', section, re.S)


def test_two_teams_victims_with_the_same_phone_are_proposed(cast, client):
    german = victim(cast, cast.de, notes="Called +49 151 23456789 for the booking")
    french = victim(cast, cast.fr, notes="Numéro +49 151 23456789")
    victim(cast, cast.fr, notes="Someone else entirely")
    client.force_login(cast.coordinator)
    rows = proposal_rows(page(client, cast))
    assert [pair for pair, _ in rows] == [f"{german.pk}-{french.pk}"]
    assert "same phone number" in rows[0][1]


def test_the_two_sides_of_a_hit_and_a_common_profile_are_proposed(cast, client):
    german_case, french_case = cast.case_of(cast.de), cast.case_of(cast.fr)
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/anna-22",
                     case=german_case)
    url, _ = findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/anna-22",
                              case=french_case)
    match_selectors(finding=url)
    german = victim(cast, cast.de, case=german_case, nationality="UA", age_band="18-24")
    french = victim(cast, cast.fr, case=french_case, nationality="UA", age_band="18-24")
    client.force_login(cast.coordinator)
    ((pair, row),) = proposal_rows(page(client, cast))
    assert pair == f"{german.pk}-{french.pk}"
    assert "cross-border hit" in row and "same nationality (UA), age band (18-24) and platform (EscortGuide)" in row


# Committed for real: the figures are compiled when the link's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_linking_from_the_page_drops_the_victims_figure_by_one(cast, client):
    german = victim(cast, cast.de, notes="+49 151 23456789")
    french = victim(cast, cast.fr, notes="+49 151 23456789")
    client.force_login(cast.coordinator)
    live = reverse("dashboard_live", args=[cast.operation.code])
    client.post(reverse("dashboard_recompute", args=[cast.operation.code]))
    before = re.search(r'data-figure="victims"><dt>[^<]*</dt><dd>(\d+)</dd>', client.get(live).content.decode())
    client.post(reverse("finding_duplicate", args=[cast.operation.code, "victim", french.pk]),
                {"duplicate_of": german.pk, "next": reverse("duplicates", args=[cast.operation.code])})
    assert PossibleVictim.objects.get(pk=french.pk).duplicate_of == german
    after = re.search(r'data-figure="victims"><dt>[^<]*</dt><dd>(\d+)</dd>', client.get(live).content.decode())
    assert (int(before.group(1)), int(after.group(1))) == (2, 1)
    html = page(client, cast)
    assert proposal_rows(html) == [] and f"{french.code}" in html[html.index("Linked"):]


def test_unlinking_counts_them_apart_again(cast, client):
    german = victim(cast, cast.de, notes="+49 151 23456789")
    french = victim(cast, cast.fr, notes="+49 151 23456789")
    client.force_login(cast.coordinator)
    url = reverse("finding_duplicate", args=[cast.operation.code, "victim", french.pk])
    client.post(url, {"duplicate_of": german.pk})
    client.post(url, {"unlink": "1"})
    assert PossibleVictim.objects.get(pk=french.pk).duplicate_of is None


def test_the_page_is_the_coordinators(cast, client):
    client.force_login(cast.de)
    assert client.get(reverse("duplicates", args=[cast.operation.code])).status_code == 404


def test_an_analyst_links_their_own_victim_from_its_page_to_one_they_see(cast, client):
    first = victim(cast, cast.de, nationality="UA")
    second = victim(cast, cast.de, nationality="UA")
    client.force_login(cast.de)
    detail = reverse("finding_detail", args=[cast.operation.code, "victim", second.pk])
    client.post(reverse("finding_justify", args=[cast.operation.code, "victim", second.pk]),
                {"justification": "Checking whether two records are the same person"})
    html = client.get(detail).content.decode()
    assert 'id="same-person"' in html and f'<option value="{first.pk}">' in html
    client.post(reverse("finding_duplicate", args=[cast.operation.code, "victim", second.pk]),
                {"duplicate_of": first.pk})
    assert "the same person as" in client.get(detail).content.decode()
