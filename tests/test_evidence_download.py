"""Evidence leaves only through the download view: access rule, inert attachment, audited."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from evidence.services import evidence_attach
from findings import services as findings

from .cast import PNG

pytestmark = pytest.mark.django_db


def download(client, cast, evidence):
    return client.get(reverse("evidence_download", args=[cast.operation.code, evidence.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_owner_downloads_the_file_as_an_inert_attachment(client, cast):
    evidence = cast.family_of(cast.de)["evidence"]
    client.force_login(cast.de)
    response = download(client, cast, evidence)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="shot.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert hashlib.sha256(body(response)).hexdigest() == evidence.sha256


def test_download_is_recorded_as_a_consultation(client, cast):
    evidence = cast.family_of(cast.de)["evidence"]
    client.force_login(cast.de2)
    body(download(client, cast, evidence))
    event = AuditEvent.objects.filter(action="consult", object_type="findings.evidence").get()
    assert (event.object_id, event.actor_id, event.team) == (str(evidence.pk), cast.de2.pk, "DE")


def test_saved_page_is_never_served_as_html(client, cast):
    case = cast.case_of(cast.de)
    evidence = evidence_attach(user=cast.de, finding=case,
                               upload=SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>"))
    client.force_login(cast.de)
    response = download(client, cast, evidence)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_other_team_cannot_download_until_the_case_is_shared(client, cast):
    family = cast.family_of(cast.fr)
    client.force_login(cast.de)
    assert download(client, cast, family["evidence"]).status_code == 404
    assert not AuditEvent.objects.filter(action="consult").exists()
    findings.case_share_with_team(user=cast.fr, case=family["case"], team="DE")
    assert download(client, cast, family["evidence"]).status_code == 200


def test_prosecutor_downloads_only_evidence_of_cases_shared_with_them(client, cast):
    shared = cast.family_of(cast.de)
    other = evidence_attach(user=cast.de, finding=cast.case_of(cast.de), upload=SimpleUploadedFile("b.png", PNG))
    findings.case_share_with_prosecutor(user=cast.de, case=shared["case"], prosecutor=cast.prosecutor)
    client.force_login(cast.prosecutor)
    assert download(client, cast, shared["evidence"]).status_code == 200
    assert download(client, cast, other).status_code == 404


def test_member_of_another_operation_and_anonymous_get_nothing(client, cast):
    evidence = cast.family_of(cast.de)["evidence"]
    client.force_login(cast.outsider)
    assert download(client, cast, evidence).status_code == 404
    client.logout()
    response = download(client, cast, evidence)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_evidence_of_one_operation_is_not_served_under_another(client, cast):
    from operations.models import Membership

    evidence = cast.family_of(cast.de)["evidence"]
    Membership.objects.create(user=cast.de, operation=cast.other_operation, role="analyst", team="DE")
    client.force_login(cast.de)
    response = client.get(reverse("evidence_download", args=[cast.other_operation.code, evidence.pk]))
    assert response.status_code == 404


def test_original_name_cannot_inject_a_header_or_path(client, cast):
    case = cast.case_of(cast.de)
    evidence = evidence_attach(user=cast.de, finding=case,
                               upload=SimpleUploadedFile('..\\..\\evil"\r\nX-Injected: 1.png', PNG))
    client.force_login(cast.de)
    response = download(client, cast, evidence)
    assert "X-Injected" not in response.headers
    assert "\\" not in response["Content-Disposition"] and "/" not in response["Content-Disposition"]


def test_a_possible_victims_evidence_asks_why_first_and_records_the_reason(client, cast):
    family = cast.family_of(cast.de)
    evidence = evidence_attach(user=cast.de, finding=family["victim"], upload=SimpleUploadedFile("v.png", PNG))
    client.force_login(cast.de2)
    response = download(client, cast, evidence)
    # Straight to the victim's page, which asks the reason; no file and nothing recorded yet.
    assert response.status_code == 302
    assert response["Location"] == reverse("finding_detail", args=[cast.operation.code, "victim", family["victim"].pk])
    assert not AuditEvent.objects.filter(action="consult", object_type="findings.evidence").exists()
    client.post(reverse("finding_justify", args=[cast.operation.code, "victim", family["victim"].pk]),
                {"justification": "Checking the age estimate for the referral"})
    response = download(client, cast, evidence)
    assert response.status_code == 200 and body(response) == PNG
    event = AuditEvent.objects.filter(action="consult", object_type="findings.evidence").get()
    assert (event.object_id, event.justification) == (str(evidence.pk), "Checking the age estimate for the referral")


def test_the_cases_other_evidence_downloads_without_a_reason(client, cast):
    family = cast.family_of(cast.de)
    evidence_attach(user=cast.de, finding=family["victim"], upload=SimpleUploadedFile("v.png", PNG))
    client.force_login(cast.de2)
    assert download(client, cast, family["evidence"]).status_code == 200  # the case's own screenshot
