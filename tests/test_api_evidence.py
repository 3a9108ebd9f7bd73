"""Evidence through the API: multipart upload hashed by the server, inert download, never edited."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from findings import services as findings
from findings.models import Evidence

from .api_client import api_as, url
from .cast import PNG

pytestmark = pytest.mark.django_db


def upload(client, **fields):
    return client.post(url("evidence-list"), fields, format="multipart")


def test_the_server_computes_the_hash_and_judges_the_type(cast):
    case = cast.case_of(cast.de)
    content = PNG + b"screenshot"
    response = upload(
        api_as(cast.de), case=case.pk, file=SimpleUploadedFile("advert.jpg", content), description="Advert"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["content_type"], body["size"], body["original_name"]) == ("image/png", len(content), "advert.jpg")
    assert body["case"] == case.pk and body["captured_by"] == cast.de.username
    assert Evidence.objects.get(pk=body["id"]).file.read() == content


def test_a_file_for_no_finding_needs_the_operation(cast):
    client = api_as(cast.de)
    refused = upload(client, file=SimpleUploadedFile("a.png", PNG))
    assert refused.status_code == 400
    accepted = upload(client, operation=cast.operation.pk, file=SimpleUploadedFile("a.png", PNG))
    assert accepted.status_code == 201 and accepted.json()["case"] is None


def test_the_download_is_an_inert_attachment_and_is_recorded(cast):
    evidence = cast.family_of(cast.de)["evidence"]
    response = api_as(cast.coordinator).get(url("evidence-download", evidence.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Evidence-SHA256"] == evidence.sha256
    event = AuditEvent.objects.filter(action="consult").latest("seq")
    assert (event.actor, event.object_id) == (cast.coordinator, str(evidence.pk))


def test_another_teams_evidence_is_not_found_until_the_case_is_shared(cast):
    family = cast.family_of(cast.de)
    client = api_as(cast.fr)
    assert client.get(url("evidence-download", family["evidence"].pk)).status_code == 404
    findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
    assert client.get(url("evidence-download", family["evidence"].pk)).status_code == 200


def test_nobody_attaches_files_to_another_teams_finding(cast):
    family = cast.family_of(cast.de)
    client = api_as(cast.fr)
    # The URL is shared with the operation: seen, but not the French team's to document.
    on_url = upload(client, url=family["url"].pk, file=SimpleUploadedFile("a.png", PNG))
    on_case = upload(client, case=family["case"].pk, file=SimpleUploadedFile("a.png", PNG))
    assert (on_url.status_code, on_case.status_code) == (403, 400)
    assert Evidence.objects.count() == 1


def test_a_page_disguised_as_an_image_is_refused(cast):
    response = upload(api_as(cast.de), operation=cast.operation.pk,
                      file=SimpleUploadedFile("photo.png", b"<!doctype html><script>x</script>"))
    assert response.status_code == 400
    assert "web page" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused_with_413(cast, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = upload(api_as(cast.de), operation=cast.operation.pk, file=SimpleUploadedFile("big.png", PNG * 200))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Evidence.objects.exists()


def test_only_the_case_of_evidence_can_change(cast):
    family = cast.family_of(cast.de)
    evidence = family["evidence"]
    client = api_as(cast.de)
    refused = client.patch(
        url("evidence-detail", evidence.pk), {"case": None, "sha256": "0" * 64, "description": "new"}, format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"sha256", "description"}  # refused, not quietly ignored
    evidence.refresh_from_db()
    assert (evidence.case, evidence.sha256, evidence.description) == (family["case"], family["evidence"].sha256, "")
    assert client.patch(url("evidence-detail", evidence.pk), {"case": None}, format="json").status_code == 200
    evidence.refresh_from_db()
    assert evidence.case is None


def test_a_possible_victims_evidence_needs_a_justification(cast):
    from evidence.services import evidence_attach

    family = cast.family_of(cast.de)
    evidence = evidence_attach(user=cast.de, finding=family["victim"], upload=SimpleUploadedFile("v.png", PNG))
    client = api_as(cast.coordinator)
    refused = client.get(url("evidence-download", evidence.pk))
    assert refused.status_code == 428 and refused.json()["code"] == "justification_required"
    assert client.get(url("evidence-download", evidence.pk), HTTP_X_JUSTIFICATION="too short").status_code == 400
    assert not AuditEvent.objects.filter(action="consult", object_type="findings.evidence").exists()
    response = client.get(url("evidence-download", evidence.pk), HTTP_X_JUSTIFICATION="Preparing the referral file")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    event = AuditEvent.objects.filter(action="consult", object_type="findings.evidence").get()
    assert event.justification == "Preparing the referral file"
