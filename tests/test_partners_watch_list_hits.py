"""A watch list takes part in matching like any selector, and a hit on one of its entries says which list
it came from — to the importing team and the coordinators, never to the other team."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from findings import services as findings
from findings.models import Hit, Selector
from hits.matching import match_pending
from hits.services import hit_decline, hit_share
from partners.models import WatchList
from partners.watch_lists import watch_list_delete, watch_list_import
from retention.services import erase_operation

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(cast):
    """FR logged a suspect with a number; DE imports a partner's list that holds it."""
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Dima", notes="tél. +49 151 234 567 89")
    result = watch_list_import(user=cast.de, operation=cast.operation, name="Europol AP Phoenix",
                               data=b"+49 151 23456789\n+49 151 11111111\n")
    match_pending()  # the sweep job, sent by name after the import's commit
    return result.watch_list


def side(row, team):
    return next(s for s in row["sides"] if s["team"] == team)


def test_an_entry_meets_another_teams_finding_in_one_hit(cast, listed):
    hit = Hit.objects.get()
    assert (hit.kind, hit.value, {hit.team_a, hit.team_b}) == ("phone", "+4915123456789", {"DE", "FR"})
    assert not Selector.objects.filter(matched_at=None).exists()


def test_the_hit_names_the_list_to_its_team_and_the_coordinators_only(cast, listed):
    for user in (cast.de, cast.coordinator):
        (row,) = api_as(user).get(url("hit-list")).json()["results"]
        assert (side(row, "DE")["watch_list"], side(row, "DE")["watch_list_name"]) == (listed.pk, "Europol AP Phoenix")
        assert side(row, "DE")["finding_kind"] is None
    (row,) = api_as(cast.fr).get(url("hit-list")).json()["results"]
    assert (side(row, "DE")["watch_list"], side(row, "DE")["watch_list_name"]) == (None, None)
    assert "Europol AP Phoenix" not in api_as(cast.fr).get(url("hit-list")).content.decode()


def test_the_hits_pages_name_the_list(cast, listed, client):
    client.force_login(cast.de)
    page = client.get(reverse("hits:inbox", args=[cast.operation.code])).content.decode()
    assert "watch list “Europol AP Phoenix”" in page
    assert "A watch-list entry: there is no case to share." in page
    client.force_login(cast.fr)
    page = client.get(reverse("hits:inbox", args=[cast.operation.code])).content.decode()
    assert "Europol AP Phoenix" not in page and "watch list “" not in page
    client.force_login(cast.coordinator)
    page = client.get(reverse("hits:board", args=[cast.operation.code]) + "?status=all").content.decode()
    assert "watch list “Europol AP Phoenix”" in page


def test_a_watch_list_side_has_no_case_to_share_but_may_decline(cast, listed):
    hit = Hit.objects.get()
    with pytest.raises(ValidationError, match="no case to share"):
        hit_share(user=cast.de, hit=hit)
    hit_decline(user=cast.de, hit=hit, reason="Partner list: we pass it to the AP")
    hit = Hit.objects.get()
    assert getattr(hit, "answer_a" if hit.team_a == "DE" else "answer_b") == Hit.Answer.DECLINED


def test_removing_a_list_removes_its_selectors_and_their_hits(cast, listed):
    assert watch_list_delete(user=cast.de, watch_list=listed) == 2
    assert not Hit.objects.exists() and not WatchList.objects.exists()
    assert list(Selector.objects.values_list("team", flat=True)) == ["FR"]


def test_another_team_may_not_remove_a_list(cast, listed):
    assert api_as(cast.fr).delete(url("watch-list-detail", listed.pk)).status_code == 404
    assert api_as(cast.de).delete(url("watch-list-detail", listed.pk)).status_code == 204
    assert not WatchList.objects.exists()


def test_retention_erases_watch_lists_with_the_operations_selectors(cast, listed):
    cast.operation.status = "closed"
    cast.operation.closed_at = timezone.now() - dt.timedelta(days=1000)
    cast.operation.save()
    erasure = erase_operation(operation=cast.operation)
    assert erasure.counts["selectors"] == 3  # FR's and the list's two
    assert not WatchList.objects.exists() and not Selector.objects.exists()
