"""Through the API a coordinator chooses the published headline and its order, and drafts, reads and edits
the press paragraph; the figures carry both. Anyone else gets the 404 of an operation that does not exist."""

import pytest

from findings import services as findings
from reports.services import snapshot_compile

from .api_client import api_as, url

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "detail": "Not found."}


@pytest.fixture
def counted(cast):
    findings.location_log(user=cast.de, operation=cast.operation, city="Berlin", country="DE")
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", notes="0151 23456789")
    snapshot_compile(operation=cast.operation)
    return cast


def test_the_coordinator_chooses_the_headline_and_its_order(counted):
    cast, client = counted, api_as(counted.coordinator)
    address = url("operation-headline", cast.operation.pk)
    assert client.get(address).json()["default"] is True
    response = client.put(address, {"figures": ["entities_checked", "perpetrators"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["figures"] == ["entities_checked", "perpetrators"] and body["default"] is False
    assert "phone_numbers" in body["available"]
    assert [row["text"] for row in body["headline"]] == [
        "3 entities checked (0 platforms, 1 person or username, 1 location and 1 phone number)",
        "1 potential perpetrator identified",
    ]
    statistics = client.get(url("operation-statistics", cast.operation.pk)).json()
    assert [row["key"] for row in statistics["headline"]] == ["entities_checked", "perpetrators"]
    assert statistics["figures"]["totals"]["entities_checked"] == 3


@pytest.mark.parametrize("body, field", [
    ({"figures": ["urls", "nonsense"]}, "detail"),
    ({"figures": ["urls"], "order": "asc"}, "order"),
    ({"figures": "urls"}, "figures"),
], ids=["unknown figure", "field not taken", "not a list"])
def test_a_wrong_headline_is_refused_and_changes_nothing(counted, body, field):
    cast, client = counted, api_as(counted.coordinator)
    response = client.put(url("operation-headline", cast.operation.pk), body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert field in error.get("fields", {}) or field == "detail"
    cast.operation.refresh_from_db()
    assert cast.operation.headline_figures == []


def test_the_press_paragraph_is_drafted_read_and_edited_with_its_figures(counted):
    cast, client = counted, api_as(counted.coordinator)
    address = url("operation-press-paragraph", cast.operation.pk)
    assert client.get(address).json() == NOT_FOUND  # none drafted yet
    drafted = client.post(address)
    assert drafted.status_code == 201
    body = drafted.json()
    assert body["text"] == body["draft"] and body["text"].startswith("During the action days, 3 experts")
    assert body["figures"][0] == {"key": "victims", "value": 0,
                                  "text": "0 potential victims of human trafficking identified"}
    assert body["outdated"] is False and body["drafted_by"] == cast.coordinator.username
    edited = client.patch(address, {"text": "Our words."}, format="json")
    assert edited.status_code == 200 and edited.json()["text"] == "Our words."
    assert edited.json()["draft"] == body["draft"]
    assert client.get(url("operation-statistics", cast.operation.pk)).json()["press_paragraph"] == "Our words."
    refused = client.patch(address, {"text": "x", "draft": "y"}, format="json")
    assert refused.status_code == 400 and "draft" in refused.json()["fields"]


def test_no_one_but_the_coordinators_reaches_either(counted):
    cast = counted
    for user in (cast.de, cast.prosecutor, cast.outsider):
        client = api_as(user)
        for name in ("operation-headline", "operation-press-paragraph"):
            assert client.get(url(name, cast.operation.pk)).json() == NOT_FOUND
        assert client.post(url("operation-press-paragraph", cast.operation.pk)).status_code == 404
        assert client.put(url("operation-headline", cast.operation.pk), {"figures": []},
                          format="json").status_code == 404
