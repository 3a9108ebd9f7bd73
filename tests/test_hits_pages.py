"""The hits inbox of a team, the coordinators' cross-check board, the nav link and the badge."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from findings import services as findings
from findings.models import Hit
from hits.matching import match_pending
from hits.services import hit_decline, hit_share

pytestmark = pytest.mark.django_db


@pytest.fixture
def hits(cast):
    """DE and FR hold the same number; DE and NL (the coordinator's team) the same e-mail address."""
    german = cast.case_of(cast.de, summary="0151 23456789, anna@example.com")
    french = cast.case_of(cast.fr, summary="+49 151 23456789")
    cast.case_of(cast.coordinator, summary="Anna@Example.com")
    match_pending()
    return {"german": german, "french": french}


def test_a_teams_inbox_lists_its_own_hits_only(cast, hits, client):
    client.force_login(cast.fr)
    response = client.get(reverse("hits:inbox", args=[cast.operation.code]))
    rows = response.context["rows"]
    assert [(row.hit.kind, row.mine.team, [s.team for s in row.others]) for row in rows] == [("phone", "FR", ["DE"])]
    assert "Share our case with team DE" in response.content.decode()


def test_a_teams_inbox_shows_as_open_what_waits_for_its_own_answer(cast, hits, client):
    hit = Hit.objects.get(kind="phone")
    client.force_login(cast.fr)
    url = reverse("hits:inbox", args=[cast.operation.code])
    assert [row.hit for row in client.get(url + "?status=open").context["rows"]] == [hit]
    hit_decline(user=cast.fr, hit=hit, reason="Different person")
    assert client.get(url + "?status=open").context["rows"] == []  # DE has not answered, but FR has
    assert [row.hit for row in client.get(url + "?status=answered").context["rows"]] == [hit]
    client.force_login(cast.de)
    url = reverse("hits:inbox", args=[cast.operation.code])
    assert hit in [row.hit for row in client.get(url + "?status=open").context["rows"]]
    hit_share(user=cast.de, hit=hit)
    assert hit not in [row.hit for row in client.get(url + "?status=open").context["rows"]]


def test_the_board_shows_coordinators_every_hit_of_the_operation(cast, hits, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("hits:board", args=[cast.operation.code]) + "?status=all")
    assert {frozenset(s.team for s in row.sides) for row in response.context["rows"]} == {
        frozenset({"DE", "FR"}), frozenset({"DE", "NL"})
    }
    assert response.context["counts"] == {"open": 2, "answered": 0, "all": 2}
    page = response.content.decode()
    assert hits["german"].reference in page and hits["french"].reference in page  # coordinators see both cases


@pytest.mark.parametrize("role", ["de", "fr", "prosecutor", "outsider"])
def test_the_board_is_for_coordinators_only(cast, hits, client, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("hits:board", args=[cast.operation.code])).status_code == 404


def test_the_nav_shows_hits_with_the_count_awaiting_the_team(cast, hits, client):
    client.force_login(cast.de)
    page = client.get(reverse("operation_detail", args=[cast.operation.code])).content.decode()
    assert f'href="{reverse("hits:inbox", args=[cast.operation.code])}"' in page
    assert 'class="hit-count"' in page and ">2</span>" in page
    client.force_login(cast.prosecutor)
    page = client.get(reverse("operation_detail", args=[cast.operation.code])).content.decode()
    assert reverse("hits:inbox", args=[cast.operation.code]) not in page


def render_badge(user, finding):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load hits %}{% hit_badge finding %}").render(Context({"request": request, "finding": finding}))


def test_a_finding_with_hits_gets_a_badge_and_one_without_none(cast, hits):
    quiet = findings.suspect_log(user=cast.de, operation=cast.operation, alias="nobody")
    badge = render_badge(cast.de, hits["german"])
    assert 'class="hit-badge"' in badge and ">2 hits<" in badge
    assert f"finding=case:{hits['german'].pk}" in badge
    assert render_badge(cast.de, quiet) == ""
    assert render_badge(cast.prosecutor, hits["german"]) == ""
