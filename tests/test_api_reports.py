"""PDF reports through the API: asked for under the same rule as on the pages, followed until built,
downloaded with their SHA-256 and recorded as a disclosure. A prosecutor only ever gets case files
of cases shared with them by name; nobody reads or downloads a report that is not theirs."""

import hashlib

import pytest

from audit.models import AuditEvent
from findings import services as findings
from reports import building
from reports.models import Report

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def cases(cast):
    shared = cast.case_of(cast.de, title="Shared with the prosecutor")
    findings.case_share_with_prosecutor(user=cast.de, case=shared, prosecutor=cast.prosecutor)
    unshared = cast.case_of(cast.de, title="Kept by the German team")
    team_shared = cast.case_of(cast.de, title="Shared with team FR only")
    findings.case_share_with_team(user=cast.de, case=team_shared, team="FR")
    return {"shared": shared, "unshared": unshared, "team_shared": team_shared}


def ask(user, cast, **body):
    return api_as(user).post(url("report-list"), {"operation": cast.operation.pk, **body}, format="json")


def test_a_requested_report_is_queued_and_says_where_to_follow_it(cast, cases):
    response = ask(cast.coordinator, cast, kind="operation_summary")
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == url("report-detail", body["id"])
    assert (body["kind"], body["status"], body["download"], body["requested_by"]) == (
        "operation_summary", "queued", None, cast.coordinator.username)
    again = ask(cast.coordinator, cast, kind="operation_summary")
    assert again.json()["id"] == body["id"]  # a double click builds once


def test_a_built_report_downloads_as_the_file_whose_hash_it_shows(cast, cases):
    report_id = ask(cast.prosecutor, cast, kind="case_file", case=cases["shared"].pk).json()["id"]
    client = api_as(cast.prosecutor)
    assert client.get(url("report-download", report_id)).status_code == 409  # not built yet
    assert building.report_build(report_id) == "built"
    body = client.get(url("report-detail", report_id)).json()
    assert (body["status"], body["case"], body["case_reference"]) == ("done", cases["shared"].pk,
                                                                      cases["shared"].reference)
    response = client.get(body["download"])
    pdf = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == body["sha256"] == response["X-Report-SHA256"]
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.filter(action="disclose", summary__contains=report_id).latest("seq")
    assert (event.object_type, event.object_id, event.actor_id) == ("findings.case", str(cases["shared"].pk),
                                                                     cast.prosecutor.pk)


@pytest.mark.parametrize("case_name", ["unshared", "team_shared"])
def test_a_prosecutor_cannot_ask_for_a_case_file_of_a_case_not_shared_with_them(cast, cases, case_name):
    response = ask(cast.prosecutor, cast, kind="case_file", case=cases[case_name].pk)
    assert response.status_code == 400 and "case" in response.json()["fields"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("role, kind, extra", [
    ("de", "operation_summary", {}),
    ("prosecutor", "operation_summary", {}),
    ("fr", "team_report", {"team": "DE"}),
    ("prosecutor", "team_report", {"team": "NL"}),
])
def test_reports_beyond_the_role_are_refused(cast, cases, role, kind, extra):
    response = ask(getattr(cast, role), cast, kind=kind, **extra)
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_an_outsider_cannot_name_the_operation(cast, cases):
    response = ask(cast.outsider, cast, kind="team_report", team="DE")
    assert response.status_code == 400 and "operation" in response.json()["fields"]


def test_nobody_reads_or_downloads_a_report_that_is_not_theirs(cast, cases):
    reports = {
        "summary": building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation),
        "de_file": building.report_request(user=cast.de, kind="case_file", operation=cast.operation,
                                           case=cases["team_shared"]),
        "fr_file": building.report_request(user=cast.fr, kind="case_file", operation=cast.operation,
                                           case=cases["team_shared"]),
        "prosecutor_file": building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation,
                                                   case=cases["shared"]),
        "de_team": building.report_request(user=cast.de, kind="team_report", operation=cast.operation, team="DE"),
    }
    for report in reports.values():
        building.report_build(report.pk)
    allowed = {
        "de": {"de_file", "de_team"},
        "de2": set(),  # same team, but a report goes to whoever asked for it (and the coordinators)
        "fr": {"fr_file"},
        "coordinator": set(reports),
        "prosecutor": {"prosecutor_file"},
        "other_prosecutor": set(),
        "outsider": set(),
    }
    for role, names in allowed.items():
        client = api_as(getattr(cast, role))
        listed = {row["id"] for row in client.get(url("report-list"), {"page_size": 100}).json()["results"]}
        assert listed == {str(reports[n].pk) for n in names}, role
        for name, report in reports.items():
            detail = client.get(url("report-detail", report.pk))
            download = client.get(url("report-download", report.pk))
            expected = 200 if name in names else 404
            assert (detail.status_code, download.status_code) == (expected, expected), (role, name)


def test_the_list_is_exactly_what_may_download_allows_cell_by_cell(cast, cases):
    requests = [
        (cast.coordinator, {"kind": "operation_summary"}),
        (cast.coordinator, {"kind": "team_report", "team": "FR"}),
        (cast.de, {"kind": "team_report", "team": "DE"}),
        (cast.fr, {"kind": "team_report", "team": "FR"}),
        (cast.de, {"kind": "case_file", "case": cases["unshared"]}),
        (cast.fr, {"kind": "case_file", "case": cases["team_shared"]}),
        (cast.prosecutor, {"kind": "case_file", "case": cases["shared"]}),
    ]
    for user, kwargs in requests:
        building.report_request(user=user, operation=cast.operation, **kwargs)
    # A share withdrawn and a team's last member gone: their reports drop out of the lists.
    findings.case_unshare_with_team(user=cast.de, case=cases["team_shared"], team="FR")
    cast.fr.memberships.all().delete()
    users = [cast.de, cast.de2, cast.fr, cast.coordinator, cast.prosecutor, cast.other_prosecutor, cast.outsider]
    for user in users:
        expected = {r.pk for r in Report.objects.all() if building.may_download(user, r)}
        assert set(Report.objects.visible_to(user).values_list("pk", flat=True)) == expected, user
    assert {r.kind for r in Report.objects.visible_to(cast.coordinator)} == {"operation_summary", "case_file",
                                                                               "team_report"}


def test_only_a_failed_report_is_retried(cast, cases):
    report = building.report_request(user=cast.de, kind="team_report", operation=cast.operation, team="DE")
    client = api_as(cast.de)
    assert client.post(url("report-retry", report.pk)).status_code == 409  # not failed: a state conflict
    Report.objects.filter(pk=report.pk).update(status="failed", error="Font missing")
    response = client.post(url("report-retry", report.pk))
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert api_as(cast.fr).post(url("report-retry", report.pk)).status_code == 404


def test_a_malformed_report_id_is_not_found(cast):
    response = api_as(cast.coordinator).get("/api/v1/reports/not-a-uuid/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
