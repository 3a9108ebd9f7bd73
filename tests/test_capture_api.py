"""Page captures through the API: start one (202), follow it, retry it; the same rule as the pages."""

import pytest

from evidence.models import Capture
from findings import services as findings
from platforms import services as platforms

from .api_client import api_as, url

pytestmark = pytest.mark.django_db

ADDRESS = "https://escortguide.example/ad/77"


@pytest.fixture
def detected(cast):
    case = cast.case_of(cast.de)
    found, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url=ADDRESS, case=case)
    return case, found


def test_posting_a_url_queues_its_capture_and_the_answer_says_where_to_follow_it(cast, detected):
    case, found = detected
    response = api_as(cast.de).post(url("capture-list"), {"url": found.pk}, format="json")
    assert response.status_code == 202
    [queued] = response.json()["captures"]
    assert (queued["status"], queued["url"], queued["case"], queued["team"]) == ("queued", found.pk, case.pk, "DE")
    assert queued["address_defanged"] == "hxxps://escortguide[.]example/ad/77" and queued["files"] == []

    followed = api_as(cast.de).get(url("capture-detail", queued["id"])).json()
    assert followed["status"] == "queued" and followed["created_by"] == cast.de.username


def test_a_case_is_captured_url_by_url(cast, detected):
    case, _found = detected
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://b.example/2", case=case)
    response = api_as(cast.de).post(url("capture-list"), {"case": case.pk}, format="json")
    assert response.status_code == 202 and len(response.json()["captures"]) == 2
    listed = api_as(cast.de).get(url("capture-list"), {"case": case.pk}).json()["results"]
    assert len(listed) == 2


def test_a_platform_check_takes_the_addresses_met_there(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    response = api_as(cast.de).post(url("capture-list"), {"platform_check": check.pk, "addresses": [ADDRESS]},
                                    format="json")
    assert response.status_code == 202
    assert [c["address"] for c in response.json()["captures"]] == [ADDRESS]


def test_a_field_the_api_does_not_take_is_refused(cast, detected):
    _case, found = detected
    response = api_as(cast.de).post(url("capture-list"), {"url": found.pk, "egress": "direct"}, format="json")
    assert response.status_code == 400 and "egress" in response.json()["fields"]
    assert not Capture.objects.exists()


def test_exactly_one_target_is_given(cast, detected):
    case, found = detected
    response = api_as(cast.de).post(url("capture-list"), {"url": found.pk, "case": case.pk}, format="json")
    assert response.status_code == 400 and "exactly one" in response.json()["detail"]


def test_another_team_may_not_start_a_capture_and_does_not_see_one(cast, detected):
    _case, found = detected
    response = api_as(cast.fr).post(url("capture-list"), {"url": found.pk}, format="json")
    assert response.status_code == 403 and not Capture.objects.exists()
    queued = api_as(cast.de).post(url("capture-list"), {"url": found.pk}, format="json").json()["captures"][0]
    assert api_as(cast.fr).get(url("capture-detail", queued["id"])).status_code == 404
    assert api_as(cast.fr).get(url("capture-list")).json()["results"] == []


def test_a_private_address_is_refused_with_the_reason(cast):
    found, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="http://10.0.0.7/admin")
    response = api_as(cast.de).post(url("capture-list"), {"url": found.pk}, format="json")
    assert response.status_code == 400 and "non-public" in str(response.json())


def test_a_failed_capture_is_retried(cast, detected):
    _case, found = detected
    queued = api_as(cast.de).post(url("capture-list"), {"url": found.pk}, format="json").json()["captures"][0]
    Capture.objects.filter(pk=queued["id"]).update(status="failed", reason="no answer")
    response = api_as(cast.de).post(url("capture-retry", queued["id"]))
    assert response.status_code == 202 and response.json()["status"] == "queued"


def test_the_schema_documents_the_captures_resource(cast):
    schema = api_as(cast.de).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"captures_list", "captures_retrieve", "captures_create", "captures_retry"} <= operations
