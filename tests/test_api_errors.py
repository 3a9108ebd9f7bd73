"""Every error of the API has one shape: a stable code for scripts, a sentence for people."""

import pytest

from findings.models import Case

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def test_missing_input_names_the_field(cast):
    response = api_as(cast.de).post(url("case-list"), {"operation": cast.operation.pk}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"title", "exploitation_type"}
    assert "title: This field is required." in body["detail"]


def test_a_refusal_from_the_services_is_a_400_with_their_reason(cast):
    body = {"operation": cast.operation.pk, "title": "T", "exploitation_type": "sexual", "focus_tags": ["Nope"]}
    response = api_as(cast.de).post(url("case-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "Unknown focus tag(s): Nope" in response.json()["detail"]
    assert not Case.objects.filter(title="T").exists()


def test_a_permission_refusal_carries_the_services_reason(cast):
    url_record = cast.family_of(cast.de)["url"]
    response = api_as(cast.fr).patch(url("url-detail", url_record.pk), {"note": "mine now"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "detail": "You may not change this record."}


def test_a_stale_version_is_a_409_with_the_case_as_it_is_now(cast):
    case = cast.case_of(cast.de)
    first = api_as(cast.de).patch(url("case-detail", case.pk), {"version": 1, "title": "Mine"}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api_as(cast.de2).patch(url("case-detail", case.pk), {"version": 1, "title": "Theirs"}, format="json")
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "edit_conflict"
    assert body["current_version"] == 2
    assert body["current"]["title"] == "Mine"
    assert "changed by someone else" in body["detail"]
    assert Case.objects.get(pk=case.pk).title == "Mine"


def test_a_case_change_needs_its_version(cast):
    case = cast.case_of(cast.de)
    response = api_as(cast.de).patch(url("case-detail", case.pk), {"title": "No version"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


def test_a_failure_halfway_through_a_request_rolls_all_of_it_back(cast):
    case = cast.case_of(cast.de)
    body = {"version": 1, "title": "Renamed", "focus_tags": ["No such tag"]}
    response = api_as(cast.de).patch(url("case-detail", case.pk), body, format="json")
    assert response.status_code == 400
    case.refresh_from_db()
    assert (case.title, case.version) == ("Escort adverts with one handler", 1)


def test_a_refused_move_is_a_conflict_that_says_from_where_to_where(cast):
    check = cast.family_of(cast.de)["check"]
    response = api_as(cast.de).post(url("platform-check-finish", check.pk), {"with_indications": True}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert "cannot move from “Planned” to “Checked”" in response.json()["detail"]


def test_an_unknown_id_in_the_body_is_refused_like_another_teams(cast):
    hidden = cast.case_of(cast.de)
    client = api_as(cast.fr)
    body = {"operation": cast.operation.pk, "alias": "X"}
    for case_id in (hidden.pk, hidden.pk + 1000):
        response = client.post(url("suspect-list"), {**body, "case": case_id}, format="json")
        assert response.status_code == 400
        assert response.json()["fields"]["case"] == [f'Invalid pk "{case_id}" - object does not exist.']


def test_a_method_the_resource_does_not_take_is_405_in_the_same_shape(cast):
    check = cast.family_of(cast.de)["check"]
    response = api_as(cast.de).patch(url("platform-check-detail", check.pk), {"note": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_malformed_json_is_a_parse_error(cast):
    response = api_as(cast.de).post(url("suspect-list"), data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
