"""Transitions are actions: platform checks, cases and operations move only as their tables allow."""

import pytest

from audit.models import AuditEvent

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def test_a_platform_check_is_planned_started_and_finished(cast):
    client = api_as(cast.de)
    planned = client.post(url("platform-check-list"), {"operation": cast.operation.pk, "platform": cast.platform.pk},
                          format="json")
    assert planned.status_code == 201 and planned.json()["status"] == "planned"
    check_id = planned.json()["id"]
    again = client.post(url("platform-check-list"), {"operation": cast.operation.pk, "platform": cast.platform.pk},
                        format="json")
    assert again.json()["id"] == check_id  # planning twice is one check
    started = client.post(url("platform-check-start", check_id))
    assert started.json()["status"] == "in_progress" and started.json()["checked_by"] == cast.de.username
    finished = client.post(url("platform-check-finish", check_id), {"with_indications": True, "note": "3 adverts"},
                           format="json")
    assert finished.status_code == 200
    assert (finished.json()["status"], finished.json()["with_indications"]) == ("checked", True)
    assert finished.json()["note"] == "3 adverts" and finished.json()["finished_at"]


def test_finishing_needs_to_say_whether_indications_were_found(cast):
    check = cast.family_of(cast.de)["check"]
    client = api_as(cast.de)
    client.post(url("platform-check-start", check.pk))
    response = client.post(url("platform-check-finish", check.pk), {}, format="json")
    assert response.status_code == 400 and "with_indications" in response.json()["fields"]


def test_a_case_is_referred_investigated_and_closed(cast):
    case = cast.case_of(cast.de)
    client = api_as(cast.de)
    referred = client.post(url("case-refer", case.pk), {"referred_to": "LKA Berlin"}, format="json").json()
    assert (referred["status"], referred["referred_to"], referred["version"]) == ("referred", "LKA Berlin", 2)
    assert client.post(url("case-open-investigation", case.pk)).json()["status"] == "investigation_opened"
    refused = client.post(url("case-close", case.pk), {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    closed = client.post(url("case-close", case.pk), {"reason": "investigation_concluded"}, format="json").json()
    assert (closed["status"], closed["close_reason"]) == ("closed", "investigation_concluded")
    again = client.post(url("case-refer", case.pk), {"referred_to": "again"}, format="json")
    assert again.status_code == 409 and "cannot move" in again.json()["detail"]
    moves = AuditEvent.objects.filter(object_type="findings.case", object_id=str(case.pk), summary__contains="→")
    assert moves.count() == 3


def test_shares_are_listed_and_withdrawn(cast):
    case = cast.case_of(cast.de)
    client = api_as(cast.de)
    client.post(url("case-share", case.pk), {"team": "FR"}, format="json")
    client.post(url("case-share", case.pk), {"prosecutor": cast.prosecutor.username}, format="json")
    shares = client.get(url("case-shares", case.pk)).json()
    assert shares == {"teams": ["FR"], "prosecutors": [cast.prosecutor.username]}
    after = client.post(url("case-unshare", case.pk), {"team": "FR"}, format="json").json()
    assert after == {"teams": [], "prosecutors": [cast.prosecutor.username]}
    assert api_as(cast.fr).get(url("case-detail", case.pk)).status_code == 404


def test_a_share_names_a_team_or_a_prosecutor_not_both(cast):
    case = cast.case_of(cast.de)
    response = api_as(cast.de).post(url("case-share", case.pk), {"team": "FR", "prosecutor": "x"}, format="json")
    assert response.status_code == 400


def test_case_indicators_and_focus_tags_change_with_the_case(cast):
    from operations.models import FocusTag

    FocusTag.objects.create(operation=cast.operation, name="Escort services")
    case = cast.case_of(cast.de)
    body = {"version": 1, "indicators": ["crypto-only-payment"], "focus_tags": ["Escort services"]}
    response = api_as(cast.de).patch(url("case-detail", case.pk), body, format="json")
    assert response.status_code == 200
    assert response.json()["indicators"] == ["crypto-only-payment"]
    assert response.json()["focus_tags"] == ["Escort services"]
    unknown = api_as(cast.de).patch(url("case-detail", case.pk), {"version": 1, "indicators": ["nope"]}, format="json")
    assert unknown.status_code == 400 and "Unknown indicator" in unknown.json()["detail"]


def test_an_operation_is_started_closed_and_archived_by_its_coordinator(cast):
    client = api_as(cast.coordinator)
    assert client.post(url("operation-start", cast.operation.pk)).status_code == 409  # active already
    assert client.post(url("operation-close", cast.operation.pk)).json()["is_read_only"] is True
    assert client.post(url("operation-archive", cast.operation.pk)).json()["status"] == "archived"
