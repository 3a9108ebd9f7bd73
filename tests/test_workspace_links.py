"""Linking findings to a case and indicators to a case or URL, one click each."""

import pytest
from django.urls import reverse

from findings import services as findings
from findings.models import Indicator
from operations.models import Operation

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url_for(name, cast, kind, pk):
    return reverse(name, args=[cast.operation.code, kind, pk])


def test_one_click_links_a_suspect_to_a_case_and_moves_its_evidence(client, cast):
    case = cast.case_of(cast.de)
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    client.force_login(cast.de)
    response = client.post(url_for("finding_link", cast, "suspect", suspect.pk), {"case": case.reference},
                           headers=HTMX)
    assert response.status_code == 200
    assert "Linked to case" in response.content.decode() and case.reference in response.content.decode()
    suspect.refresh_from_db()
    assert suspect.case == case


def test_actions_panel_offers_only_cases_the_user_may_link_to(client, cast):
    mine = cast.case_of(cast.de, title="Our lead")
    theirs = cast.case_of(cast.fr, title="Their lead")
    findings.case_share_with_team(user=cast.fr, case=theirs, team="DE")
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/x")
    client.force_login(cast.de)
    html = client.get(url_for("finding_actions", cast, "url", url.pk), headers=HTMX).content.decode()
    assert f'value="{mine.reference}"' in html
    assert f'value="{theirs.reference}"' not in html


def test_linking_to_a_shared_case_of_another_team_is_refused(client, cast):
    theirs = cast.case_of(cast.fr)
    findings.case_share_with_team(user=cast.fr, case=theirs, team="DE")
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    client.force_login(cast.de)
    response = client.post(url_for("finding_link", cast, "suspect", suspect.pk), {"case": theirs.reference},
                           headers=HTMX)
    assert "may not change" in response.content.decode()
    suspect.refresh_from_db()
    assert suspect.case is None


def test_other_team_cannot_link_a_url_it_only_sees(client, cast):
    theirs, _ = findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/fr")
    mine = cast.case_of(cast.de)
    client.force_login(cast.de)
    response = client.post(url_for("finding_link", cast, "url", theirs.pk), {"case": mine.reference})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.case is None
    follow = client.get(response["Location"]).content.decode()
    assert "may not change" in follow


def test_one_click_toggles_an_indicator_on_a_url(client, cast):
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/x")
    indicator = Indicator.objects.get(code="crypto-only-payment")
    client.force_login(cast.de)
    target = url_for("finding_indicator", cast, "url", url.pk)
    response = client.post(target, {"indicator": indicator.code}, headers=HTMX)
    assert 'aria-pressed="true"' in response.content.decode()
    assert list(url.indicators.all()) == [indicator]
    client.post(target, {"indicator": indicator.code}, headers=HTMX)
    assert not url.indicators.exists()


def test_one_click_adds_an_indicator_to_a_case(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    client.post(url_for("finding_indicator", cast, "case", case.pk), {"indicator": "passport-withheld"},
                headers=HTMX)
    assert list(case.indicators.values_list("code", flat=True)) == ["passport-withheld"]


def test_indicators_cannot_be_set_on_another_teams_case_even_when_shared(client, cast):
    theirs = cast.case_of(cast.fr)
    findings.case_share_with_team(user=cast.fr, case=theirs, team="DE")
    client.force_login(cast.de)
    client.post(url_for("finding_indicator", cast, "case", theirs.pk), {"indicator": "passport-withheld"},
                headers=HTMX)
    assert not theirs.indicators.exists()


def test_unseen_finding_answers_404_to_link_attempts(client, cast):
    suspect = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Hidden")
    client.force_login(cast.de)
    response = client.post(url_for("finding_link", cast, "suspect", suspect.pk), {"case": ""})
    assert response.status_code == 404


def test_closed_operation_refuses_links(client, cast):
    case = cast.case_of(cast.de)
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    client.force_login(cast.de)
    response = client.post(url_for("finding_link", cast, "suspect", suspect.pk), {"case": case.reference})
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    suspect.refresh_from_db()
    assert suspect.case is None
