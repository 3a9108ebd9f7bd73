"""Captured content is never rendered in ActionDay's origin: the screenshot is served as the PNG it is,
by our own view; the page's HTML, MHTML and WARC only leave as inert attachments."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent

from .capturing import captured, url_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _settings(capture_settings):
    return capture_settings


@pytest.fixture
def capture(cast, hostile_site, capture_browser):
    # A page that sets cookies and runs script: what must never run or land in our origin.
    return captured(cast.de, url_of(cast.de, cast.operation, hostile_site.url("/cookies")), capture_browser)


def test_the_screenshot_is_served_as_a_png_with_nosniff_and_a_sandbox(client, cast, capture):
    client.force_login(cast.de)
    response = client.get(reverse("capture_screenshot", args=[cast.operation.code, capture.pk]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body.startswith(b"\x89PNG\r\n\x1a\n")
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Evidence-SHA256"] == capture.screenshot.sha256
    assert AuditEvent.objects.filter(action="consult", object_id=str(capture.screenshot.pk),
                                     summary="page capture screenshot viewed").exists()


@pytest.mark.parametrize("name", ["page.html", "page.mhtml", "capture.warc.gz", "manifest.json"])
def test_the_captured_page_leaves_only_as_an_inert_attachment(client, cast, capture, name):
    evidence = capture.file_named(name)
    client.force_login(cast.de)
    response = client.get(reverse("evidence_download", args=[cast.operation.code, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert "html" not in response["Content-Type"] and "multipart" not in response["Content-Type"]


def test_the_case_page_shows_the_screenshot_never_the_captured_markup(client, cast, capture):
    client.force_login(cast.de)
    panel = client.get(reverse("captures_panel", args=[cast.operation.code, "url", capture.url.pk]),
                       HTTP_HX_REQUEST="true").content.decode()
    shot = reverse("capture_screenshot", args=[cast.operation.code, capture.pk])
    assert f'<img src="{shot}"' in panel and capture.manifest_sha256 in panel
    assert "<iframe" not in panel and "Cookies set" not in panel  # nothing of the page's own content is inlined
    assert panel.count('class="download"') == 5


def test_only_a_png_is_ever_served_inline(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http import Http404

    from evidence.downloads import screenshot_response
    from evidence.services import evidence_attach

    page = evidence_attach(user=cast.de, finding=cast.case_of(cast.de),
                           upload=SimpleUploadedFile("saved.html", b"<html><script>alert(1)</script></html>"))
    with pytest.raises(Http404):
        screenshot_response(user=cast.de, evidence=page)


def test_a_screenshot_moved_to_an_unshared_case_is_not_shown_through_the_capture(client, cast, capture):
    from findings import services as findings

    shared = cast.case_of(cast.de)
    findings.link_to_case(user=cast.de, finding=capture.url, case=shared)
    findings.case_share_with_team(user=cast.de, case=shared, team="FR")
    address = reverse("capture_screenshot", args=[cast.operation.code, capture.pk])
    client.force_login(cast.fr)
    assert client.get(address).status_code == 200
    # The file alone is moved to a case FR does not see: the capture no longer shows it to FR.
    findings.link_to_case(user=cast.de, finding=capture.screenshot, case=cast.case_of(cast.de, title="Own"))
    assert client.get(address).status_code == 404
