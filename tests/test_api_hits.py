"""Cross-border hits through the API: each team sees its own side and only the other team's team,
operation and answer — never its finding, case or selector — until that team shares its case.
Each team answers for its own side; coordinators see everything and answer nothing; prosecutors
see no hits at all."""

import json

import pytest

from audit.models import AuditEvent
from findings import services as findings
from findings.models import Hit
from hits.matching import match_pending

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(cast):
    """DE's unshared case and suspect hold the number that FR's case also holds."""
    german = cast.case_of(cast.de, title="Berlin ring Kurfuerstenstrasse", summary="Secret German summary")
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dimitri Geheimname", case=german,
                                   notes="Handy 0151 23456789")
    french = cast.case_of(cast.fr, title="Lyon escort adverts", summary="Appeler +49 151 23456789")
    match_pending()
    hit = Hit.objects.get(kind="phone")
    return {"german": german, "suspect": suspect, "french": french, "hit": hit}


def sides(body):
    return {side["team"]: side for side in body["sides"]}


def listed(user, **params):
    response = api_as(user).get(url("hit-list"), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_other_team_learns_team_kind_value_and_operation_only(cast, lead):
    response = api_as(cast.fr).get(url("hit-detail", lead["hit"].pk))
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["value"], body["status"], body["your_side"]) == (
        "phone", "+4915123456789", "open", sides(body)["FR"]["side"])
    german = sides(body)["DE"]
    assert german["operation"] == cast.operation.pk and german["answer"] == "open"
    assert (german["finding_kind"], german["finding_id"], german["case"], german["case_reference"]) == (
        None, None, None, None)
    french = sides(body)["FR"]
    assert (french["finding_kind"], french["finding_id"], french["case"]) == ("case", lead["french"].pk,
                                                                              lead["french"].pk)
    text = json.dumps(body)
    for secret in ("Geheimname", "Kurfuerstenstrasse", "Secret German", lead["german"].reference):
        assert secret not in text
    assert "selector" not in text  # no selector id: it would point at the other team's record
    assert set(german) == {"side", "team", "operation", "operation_code", "answer", "reason", "answered_at",
                           "yours", "finding_kind", "finding_id", "case", "case_reference"}


def test_the_other_teams_records_stay_404_through_every_resource(cast, lead):
    client = api_as(cast.fr)
    for name, record in (("case", lead["german"]), ("suspect", lead["suspect"])):
        assert client.get(url(f"{name}-detail", record.pk)).status_code == 404
    assert client.get(url("case-bundle", lead["german"].pk)).status_code == 404
    exported = b"".join(client.get(url("suspect-export")).streaming_content).decode()
    assert exported.startswith("alias,") and "Geheimname" not in exported


def test_the_owning_team_sees_its_own_finding_on_its_side(cast, lead):
    body = listed(cast.de2)[0]  # any analyst of the team, not only the one who logged it
    german = sides(body)["DE"]
    assert (german["finding_kind"], german["finding_id"], german["case"], german["case_reference"]) == (
        "suspect", lead["suspect"].pk, lead["german"].pk, lead["german"].reference)
    assert sides(body)["FR"]["finding_id"] is None and body["your_side"] == german["side"]


def test_coordinators_see_both_sides_and_prosecutors_and_outsiders_nothing(cast, lead):
    body = listed(cast.coordinator)[0]
    assert {s["finding_id"] for s in body["sides"]} == {lead["suspect"].pk, lead["french"].pk}
    assert body["your_side"] is None
    for user in (cast.prosecutor, cast.outsider):
        assert listed(user) == []
        response = api_as(user).get(url("hit-detail", lead["hit"].pk))
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_sharing_from_the_hit_reveals_the_case_to_the_other_team_only(cast, lead):
    response = api_as(cast.de).post(url("hit-share", lead["hit"].pk))
    assert response.status_code == 200, response.content
    assert sides(response.json())["DE"]["answer"] == "shared"
    french_view = sides(listed(cast.fr)[0])["DE"]
    assert (french_view["finding_id"], french_view["case"], french_view["case_reference"]) == (
        lead["suspect"].pk, lead["german"].pk, lead["german"].reference)
    assert api_as(cast.fr).get(url("case-detail", lead["german"].pk)).status_code == 200
    # FR has not shared: DE still sees nothing of the French case.
    assert sides(listed(cast.de)[0])["FR"]["finding_id"] is None
    assert AuditEvent.objects.filter(action="disclose", object_type="findings.hit").count() == 1


def test_declining_needs_a_reason_and_is_answered_once(cast, lead):
    client = api_as(cast.fr)
    response = client.post(url("hit-decline", lead["hit"].pk), {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client.post(url("hit-decline", lead["hit"].pk), {"reason": "Different person"}, format="json")
    assert response.status_code == 200
    french = sides(response.json())["FR"]
    assert (french["answer"], french["reason"]) == ("declined", "Different person")
    assert sides(listed(cast.de)[0])["FR"]["reason"] == "Different person"  # the other team reads the reason
    again = client.post(url("hit-decline", lead["hit"].pk), {"reason": "Still different"}, format="json")
    assert again.status_code == 409  # answered once: the hit's state refuses a second answer
    hit = Hit.objects.get(pk=lead["hit"].pk)
    assert getattr(hit, f"reason_{french['side']}") == "Different person"


def test_coordinators_and_prosecutors_cannot_answer(cast, lead):
    response = api_as(cast.coordinator).post(url("hit-share", lead["hit"].pk))
    assert response.status_code == 403
    response = api_as(cast.prosecutor).post(url("hit-decline", lead["hit"].pk), {"reason": "Not mine to say"},
                                            format="json")
    assert response.status_code == 404
    hit = Hit.objects.get(pk=lead["hit"].pk)
    assert (hit.answer_a, hit.answer_b) == ("open", "open")


def test_filters_narrow_the_list(cast, lead):
    assert len(listed(cast.fr, status="open")) == 1
    assert listed(cast.fr, status="answered") == []
    assert listed(cast.fr, operation=cast.other_operation.pk) == []
    assert len(listed(cast.coordinator, team="FR", kind="phone")) == 1
    assert listed(cast.coordinator, kind="wallet") == []
