"""The reports page: ask for a report, watch its progress bar fill by itself, download or retry it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import building
from reports.models import Report

from .cast import browser_login, build_cast


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def no_enqueue(monkeypatch):
    monkeypatch.setattr(building, "enqueue_on_commit", lambda *args, **kwargs: None)


def summary_in(cast, status, **fields) -> Report:
    report = building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)
    Report.objects.filter(pk=report.pk).update(status=status, **fields)
    report.refresh_from_db()
    return report


def row_html(page: str, report) -> str:
    match = re.search(rf'<tr id="report-{report.pk}".*?</tr>', page, re.S)
    assert match, "the report has no row"
    return match.group(0)


def list_page(client, user, cast) -> str:
    client.force_login(user)
    return client.get(reverse("report_list", args=[cast.operation.code])).content.decode()


@pytest.mark.django_db
def test_a_running_report_shows_a_progress_bar_that_polls_its_row(client, cast, no_enqueue):
    report = summary_in(cast, "running", progress=40, started_at=timezone.now())
    row = row_html(list_page(client, cast.coordinator, cast), report)
    assert '<progress max="100" value="40"' in row
    assert f'hx-get="{reverse("report_row", args=[cast.operation.code, report.pk])}"' in row
    assert 'hx-trigger="every 2s"' in row and 'hx-swap="outerHTML"' in row


@pytest.mark.django_db
def test_a_done_report_shows_its_sha256_next_to_the_download_link_and_stops_polling(client, cast, no_enqueue):
    report = building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)
    building.report_build(report.pk)
    report.refresh_from_db()
    client.force_login(cast.coordinator)
    row = client.get(reverse("report_row", args=[cast.operation.code, report.pk])).content.decode()
    download = reverse("report_download", args=[cast.operation.code, report.pk])
    assert f'href="{download}"' in row
    assert report.sha256 in row[row.index(download):]
    assert "hx-trigger" not in row and "<progress" not in row


@pytest.mark.django_db
def test_a_failed_report_shows_why_and_a_retry_button_that_queues_it_again(client, cast, no_enqueue):
    report = summary_in(cast, "failed", error="The build took longer than 270 seconds and was stopped.")
    row = row_html(list_page(client, cast.coordinator, cast), report)
    assert "The build took longer than 270 seconds and was stopped." in row
    retry = reverse("report_retry", args=[cast.operation.code, report.pk])
    assert f'action="{retry}"' in row
    assert client.post(retry).status_code == 302
    assert Report.objects.get(pk=report.pk).status == Report.Status.QUEUED


@pytest.mark.django_db
def test_each_role_is_offered_only_the_reports_it_may_ask_for(client, cast):
    coordinator = list_page(client, cast.coordinator, cast)
    assert 'value="operation_summary"' in coordinator and 'value="team_report"' in coordinator
    analyst = list_page(client, cast.de, cast)
    assert 'value="operation_summary"' not in analyst
    assert '<input type="hidden" name="team" value="DE">' in analyst
    prosecutor = list_page(client, cast.prosecutor, cast)
    assert 'value="operation_summary"' not in prosecutor and 'value="team_report"' not in prosecutor
    assert "none has been shared with you yet" in prosecutor


@pytest.mark.django_db
def test_a_case_file_is_asked_for_from_the_case(client, cast, no_enqueue):
    case = cast.case_of(cast.de, handling_code="H1")
    client.force_login(cast.de)
    url = reverse("report_case_file", args=[cast.operation.code, case.reference])
    page = client.get(url).content.decode()
    assert case.reference in page and f'action="{url}"' in page
    assert client.post(url).status_code == 302
    assert Report.objects.get(requested_by=cast.de, kind="case_file").case == case


@pytest.mark.django_db
def test_the_operation_navigation_links_to_the_reports(client, cast):
    client.force_login(cast.prosecutor)
    page = client.get(reverse("operation_detail", args=[cast.operation.code])).content.decode()
    assert f'href="{reverse("report_list", args=[cast.operation.code])}"' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_fills_and_the_download_link_appears_without_a_reload(live_server, page, monkeypatch):
    monkeypatch.setattr(building, "enqueue_on_commit", lambda *args, **kwargs: None)
    cast = build_cast()
    report = summary_in(cast, "running", progress=10, started_at=timezone.now())
    browser_login(page, live_server, cast.coordinator)
    page.wait_for_url("**/operations/**")
    page.goto(f"{live_server.url}{reverse('report_list', args=[cast.operation.code])}")
    bar = page.locator(f"#report-{report.pk} progress")
    assert bar.get_attribute("value") == "10"

    Report.objects.filter(pk=report.pk).update(progress=70)
    # A function, not an expression: Playwright would eval() an expression, which the page's CSP forbids.
    page.wait_for_function(
        f"() => document.querySelector('#report-{report.pk} progress')?.getAttribute('value') === '70'",
        timeout=10000,
    )
    Report.objects.filter(pk=report.pk).update(status="queued", progress=0)  # back in line, as after a retry
    building.report_build(report.pk)
    page.locator(f"#report-{report.pk} a.download").wait_for(timeout=10000)
    assert Report.objects.get(pk=report.pk).sha256 in page.locator(f"#report-{report.pk}").inner_text()
