"""An operation's figures through the API, for its coordinators: GET the latest snapshot, POST to
compile now (202 and a link that answers 202 until the new figures are stored). Everyone else gets
the 404 of an operation that does not exist."""

import datetime as dt

import pytest
from django.utils import timezone

from findings import services as findings
from reports.models import StatisticsSnapshot
from reports.services import snapshot_compile

from .api_client import api_as, url

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "detail": "Not found."}


@pytest.fixture
def logged(cast):
    for n in range(3):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url=f"https://escortguide.example/{n}")
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/0")  # counted once
    findings.victim_log(user=cast.fr, operation=cast.operation, age_band="14-17")
    return cast


def statistics_url(cast):
    return url("operation-statistics", cast.operation.pk)


def test_the_latest_figures_with_the_published_headline(logged):
    cast = logged
    snapshot = snapshot_compile(operation=cast.operation)
    response = api_as(cast.coordinator).get(statistics_url(cast))
    assert response.status_code == 200
    body = response.json()
    assert body["operation"] == cast.operation.pk
    assert body["figures"]["totals"]["urls"] == 3 and body["figures"]["totals"]["minor_victims"] == 1
    assert dt.datetime.fromisoformat(body["computed_at"]) == snapshot.computed_at
    headline = {row["key"]: row for row in body["headline"]}
    assert headline["urls"]["value"] == 3
    assert headline["urls"]["text"] == "3 URLs related to human trafficking detected"
    assert headline["victims"]["text"] == "1 potential victim of human trafficking identified"


def test_compile_now_answers_202_with_a_link_that_waits_for_the_new_figures(logged, django_capture_on_commit_callbacks):
    cast = logged
    snapshot_compile(operation=cast.operation)  # an older snapshot exists already
    client = api_as(cast.coordinator)
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(statistics_url(cast))
    assert response.status_code == 202 and len(enqueued) == 1  # the job is sent once the request commits
    follow = response.json()["follow"]
    assert response["Location"] == follow and follow.startswith(statistics_url(cast) + "?newer_than=")
    pending = client.get(follow)
    assert pending.status_code == 202 and pending.json()["code"] == "pending" and pending["Retry-After"]
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/new")
    snapshot_compile(operation=cast.operation)  # what the statistics job does
    done = client.get(follow)
    assert done.status_code == 200 and done.json()["figures"]["totals"]["urls"] == 4


def test_unchanged_figures_still_answer_the_link(logged):
    cast = logged
    snapshot_compile(operation=cast.operation)
    client = api_as(cast.coordinator)
    follow = client.post(statistics_url(cast)).json()["follow"]
    snapshot_compile(operation=cast.operation)  # nothing changed: the newest snapshot is stamped anew
    assert client.get(follow).status_code == 200
    assert StatisticsSnapshot.objects.filter(operation=cast.operation).count() == 1


def test_no_figures_yet_is_pending_and_asks_for_a_compile(logged, django_capture_on_commit_callbacks):
    cast = logged
    with django_capture_on_commit_callbacks() as enqueued:
        response = api_as(cast.coordinator).get(statistics_url(cast))
    assert response.status_code == 202 and response.json()["follow"] == statistics_url(cast)
    assert len(enqueued) == 1


@pytest.mark.parametrize("role", ["de", "fr", "prosecutor", "outsider", "other_prosecutor"])
def test_only_coordinators_see_or_compile_the_figures(logged, role, django_capture_on_commit_callbacks):
    cast = logged
    snapshot_compile(operation=cast.operation)
    client = api_as(getattr(cast, role))
    with django_capture_on_commit_callbacks() as enqueued:
        for response in (client.get(statistics_url(cast)), client.post(statistics_url(cast))):
            assert response.status_code == 404 and response.json() == NOT_FOUND
    assert enqueued == []
    missing = api_as(cast.coordinator).get(url("operation-statistics", cast.operation.pk + 1000))
    assert missing.status_code == 404 and missing.json() == NOT_FOUND


def test_a_bad_moment_is_a_bad_request(logged):
    cast = logged
    snapshot_compile(operation=cast.operation)
    client = api_as(cast.coordinator)
    for value in ("yesterday", "2026-13-01T00:00:00Z", "2026-11-23T08:00:00", "0001-01-01T00:00:00+15:00"):
        response = client.get(statistics_url(cast), {"newer_than": value})
        assert response.status_code == 400 and "newer_than" in response.json()["fields"], value
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert client.get(statistics_url(cast), {"newer_than": later}).status_code == 202
