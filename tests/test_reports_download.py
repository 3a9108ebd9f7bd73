"""A download hands out the exact file whose hash was recorded, as an inert attachment, and is audited."""

import hashlib

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from findings import services as findings
from reports import building

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def case_file(cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation, case=case)
    building.report_build(report.pk)
    report.refresh_from_db()
    return report


def get(client, user, cast, report):
    client.force_login(user)
    return client.get(reverse("report_download", args=[cast.operation.code, report.pk]))


def test_the_download_is_the_file_whose_hash_is_recorded_and_shown(client, cast, case_file):
    response = get(client, cast.prosecutor, cast, case_file)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == case_file.sha256 == response["X-Report-SHA256"]
    listing = client.get(reverse("report_list", args=[cast.operation.code])).content.decode()
    assert case_file.sha256 in listing


def test_it_is_an_attachment_the_browser_may_not_sniff(client, cast, case_file):
    response = get(client, cast.prosecutor, cast, case_file)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"case-file_{case_file.case.reference}" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_each_download_records_a_disclosure_of_the_case_in_the_audit_trail(client, cast, case_file):
    # What leaves the system is the case: the disclosure names it, so its history shows the download.
    case = case_file.case
    downloads = AuditEvent.objects.filter(action="disclose", object_type="findings.case", object_id=str(case.pk),
                                          summary__contains=str(case_file.pk))
    get(client, cast.prosecutor, cast, case_file)
    get(client, cast.coordinator, cast, case_file)
    assert [e.actor_id for e in downloads.order_by("seq")] == [cast.prosecutor.pk, cast.coordinator.pk]
    assert {(e.operation_id, e.team) for e in downloads} == {(cast.operation.pk, case.team)}


def test_a_refused_download_records_nothing(client, cast, case_file):
    assert get(client, cast.fr, cast, case_file).status_code == 404
    assert not AuditEvent.objects.filter(action="disclose", summary__contains=str(case_file.pk)).exists()


def test_a_file_altered_in_storage_is_refused_not_served(client, cast, case_file):
    with open(case_file.file.path, "ab") as handle:
        handle.write(b"% appended later\n")
    assert get(client, cast.prosecutor, cast, case_file).status_code == 404
    assert not AuditEvent.objects.filter(action="disclose", summary__contains=str(case_file.pk)).exists()


def test_a_report_not_built_yet_has_nothing_to_download(client, cast):
    report = building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)
    assert get(client, cast.coordinator, cast, report).status_code == 404
