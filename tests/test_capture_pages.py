"""The capture panel on the case and URL pages, the platform check's capture page, and the row that
follows a capture: who sees the button, what a start and a retry answer, what a failure says."""

import pytest
from django.urls import reverse

from evidence.capturing import capture_request
from evidence.models import Capture
from findings import services as findings
from platforms import services as platforms

pytestmark = pytest.mark.django_db

ADDRESS = "https://escortguide.example/ad/77"


@pytest.fixture
def case_with_url(cast):
    case = cast.case_of(cast.de)
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url=ADDRESS, case=case)
    return case, url


def get(client, user, name, *args, htmx=True):
    client.force_login(user)
    return client.get(reverse(name, args=args), **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


def post(client, user, name, *args, data=None, htmx=True):
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {}, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


def test_the_case_and_url_pages_load_the_captures_panel(client, cast, case_with_url):
    case, url = case_with_url
    client.force_login(cast.de)
    page = client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).content.decode()
    assert reverse("captures_panel", args=[cast.operation.code, "case", case.pk]) in page
    page = client.get(reverse("finding_detail", args=[cast.operation.code, "url", url.pk])).content.decode()
    assert reverse("captures_panel", args=[cast.operation.code, "url", url.pk]) in page


def test_the_urls_team_gets_the_capture_button_another_team_only_the_list(client, cast, case_with_url):
    case, url = case_with_url
    mine = get(client, cast.de, "captures_panel", cast.operation.code, "url", url.pk).content.decode()
    assert "Capture this page" in mine
    theirs = get(client, cast.fr, "captures_panel", cast.operation.code, "url", url.pk)
    assert theirs.status_code == 200 and "Capture this page" not in theirs.content.decode()
    # FR does not see the (unshared) case at all.
    assert get(client, cast.fr, "captures_panel", cast.operation.code, "case", case.pk).status_code == 404


def test_starting_a_capture_queues_it_and_shows_it_polling(client, cast, case_with_url):
    case, url = case_with_url
    response = post(client, cast.de, "capture_start", cast.operation.code, "case", case.pk)
    assert response.status_code == 200
    capture = Capture.objects.get()
    html = response.content.decode()
    assert "1 page queued for capture." in html and "Queued" in html
    assert f'hx-get="{reverse("capture_row", args=[cast.operation.code, capture.pk])}"' in html
    assert "hxxps://escortguide[.]example/ad/77" in html and "https://escortguide.example" not in html


def test_another_team_cannot_start_one_and_nothing_is_queued(client, cast, case_with_url):
    _case, url = case_with_url
    response = post(client, cast.fr, "capture_start", cast.operation.code, "url", url.pk)
    assert response.status_code == 400 and "may not change" in response.content.decode()
    assert not Capture.objects.exists()


def test_a_failed_capture_says_why_and_offers_a_retry_that_queues_it_again(client, cast, case_with_url):
    _case, url = case_with_url
    capture = capture_request(user=cast.de, url=url)
    Capture.objects.filter(pk=capture.pk).update(status="failed", reason="no answer from the site within 45 s")
    row = get(client, cast.de, "capture_row", cast.operation.code, capture.pk).content.decode()
    assert "Not captured: no answer from the site within 45 s" in row and "Retry" in row and "hx-trigger" not in row

    row = post(client, cast.de, "capture_retry", cast.operation.code, capture.pk).content.decode()
    capture.refresh_from_db()
    assert capture.status == "queued" and "Queued" in row and "every 2s" in row


def test_a_capture_of_an_unshared_case_is_not_found_for_another_team(client, cast, case_with_url):
    _case, url = case_with_url
    capture = capture_request(user=cast.de, url=url)
    assert get(client, cast.fr, "capture_row", cast.operation.code, capture.pk).status_code == 404
    assert get(client, cast.fr, "capture_screenshot", cast.operation.code, capture.pk, htmx=False).status_code == 404


def test_a_platform_check_page_captures_pasted_addresses(client, cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    response = post(client, cast.de, "check_captures", cast.operation.code, check.pk,
                    data={"addresses": "https://escortguide.example/ad/1\nhxxps://escortguide[.]example/ad/2"},
                    htmx=False)
    assert response.status_code == 302
    page = get(client, cast.de, "check_captures", cast.operation.code, check.pk, htmx=False).content.decode()
    assert page.count('class="capture capture-queued"') == 2


def test_a_bad_line_on_the_check_page_keeps_what_was_typed_and_says_which(client, cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    typed = "https://escortguide.example/ad/1\nhttp://10.1.2.3/"
    response = post(client, cast.de, "check_captures", cast.operation.code, check.pk, data={"addresses": typed},
                    htmx=False)
    html = response.content.decode()
    assert response.status_code == 400 and "Line 2" in html and "https://escortguide.example/ad/1" in html
    assert not Capture.objects.exists()


def test_the_verify_button_is_for_coordinators_only(client, cast):
    button = get(client, cast.coordinator, "evidence_verify", cast.operation.code).content.decode()
    assert "Verify every evidence file" in button
    assert "Verify" not in get(client, cast.de, "evidence_verify", cast.operation.code).content.decode()
    assert post(client, cast.de, "evidence_verify", cast.operation.code).status_code == 403
    result = post(client, cast.coordinator, "evidence_verify", cast.operation.code).content.decode()
    assert "Intact: 0 evidence files and 0 page captures" in result
