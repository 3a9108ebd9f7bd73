"""Running a capture: its files become immutable evidence of the URL's case, the manifest's hash
goes into the audit trail, and a run is claimed once, fails with a reason, and leaves nothing half done."""

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from audit.trail import verify_chain
from evidence import capture_job
from evidence.capturing import capture_request
from evidence.models import Capture
from findings.models import Evidence

from .capturing import OWN_ORIGIN, captured, url_of
from .hostile_site import RecordingServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

FILES = ["screenshot.png", "page.html", "page.mhtml", "capture.warc.gz", "manifest.json"]


@pytest.fixture(autouse=True)
def _settings(capture_settings):
    return capture_settings


def test_a_capture_stores_its_files_as_evidence_of_the_urls_case_with_their_hashes(cast, hostile_site,
                                                                                   capture_browser):
    case = cast.case_of(cast.de)
    url = url_of(cast.de, cast.operation, hostile_site.url("/chain/start"), case=case)

    capture = captured(cast.de, url, capture_browser)

    assert (capture.status, capture.progress, capture.reason) == ("done", 100, "")
    assert capture.final_url == hostile_site.url("/chain/final") and capture.http_status == 200
    assert capture.egress == "direct" and capture.browser_version and capture.attempts == 1
    assert capture.started_at <= capture.ended_at
    files = {e.original_name: e for e in capture.files.all()}
    assert sorted(files) == sorted(FILES)
    for evidence in files.values():
        data = evidence.file.read()
        assert hashlib.sha256(data).hexdigest() == evidence.sha256 and len(data) == evidence.size
        assert (evidence.url, evidence.case, evidence.team) == (url, case, "DE")
        assert (evidence.captured_by, evidence.captured_at) == (cast.de, capture.started_at)
        assert evidence.source_url == capture.final_url
    assert files["manifest.json"].sha256 == capture.manifest_sha256
    manifest = json.loads(files["manifest.json"].file.open("rb").read())
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: e.sha256 for name, e in files.items() if name != "manifest.json"}
    types = {name: e.content_type for name, e in files.items()}
    assert types == {"screenshot.png": "image/png", "page.html": "text/html", "page.mhtml": "multipart/related",
                     "capture.warc.gz": "application/warc", "manifest.json": "application/json"}


def test_the_manifest_hash_is_in_the_audit_trail_with_no_page_content(cast, hostile_site, capture_browser):
    url = url_of(cast.de, cast.operation, hostile_site.url("/cyrillic"))
    capture = captured(cast.de, url, capture_browser)

    events = AuditEvent.objects.filter(object_type="evidence.capture", object_id=str(capture.pk)).order_by("seq")
    assert [e.summary for e in events] == [
        "page capture requested", f"page captured: manifest SHA-256 {capture.manifest_sha256}"]
    assert all(e.actor == cast.de and e.team == "DE" for e in events)
    manifest = capture.manifest_file
    [stored] = AuditEvent.objects.filter(object_type="findings.evidence", object_id=str(manifest.pk))
    assert stored.summary == f"page capture {capture.pk} stored: manifest SHA-256 {capture.manifest_sha256}"
    # Names and ids only: nothing of the page (its title, its words, its address) is in the trail.
    text = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "Объявление" not in text and "127.0.0.1" not in text and "cyrillic" not in text
    assert verify_chain() == []


def test_capture_files_can_never_be_changed(cast, hostile_site, capture_browser):
    capture = captured(cast.de, url_of(cast.de, cast.operation, hostile_site.url("/plain")), capture_browser)
    screenshot = capture.screenshot
    with pytest.raises(Exception, match="(?i)evidence"), connection.cursor() as cursor:
        cursor.execute("UPDATE findings_evidence SET sha256 = %s WHERE id = %s", ["0" * 64, screenshot.pk])


def test_a_run_is_claimed_once_a_second_run_of_the_same_capture_does_nothing(cast, hostile_site, capture_browser):
    capture = captured(cast.de, url_of(cast.de, cast.operation, hostile_site.url("/plain")), capture_browser)
    files = Evidence.objects.count()

    assert capture_job.capture_run(capture.pk, browser=capture_browser) == "skipped"
    assert capture_job.capture_run(capture.pk, takeover=True, browser=capture_browser) == "skipped"
    assert Evidence.objects.count() == files


def test_a_page_that_leads_to_actiondays_own_address_fails_with_the_reason_and_stores_nothing(cast, capture_browser):
    with RecordingServer() as own:
        # The hostile site's /to-own redirects to the address ActionDay was reached at.
        from .hostile_site import HostileSite

        with HostileSite(own_origin=own.origin) as site:
            url = url_of(cast.de, cast.operation, site.url("/to-own"))
            capture = capture_request(user=cast.de, url=url, own_origin=own.origin)
            assert capture_job.capture_run(capture.pk, browser=capture_browser) == "failed"
        assert own.hits == []
    capture.refresh_from_db()
    assert capture.status == "failed" and "ActionDay's own address" in capture.reason
    assert capture.files.count() == 0 and not Evidence.objects.filter(url=url).exists()


def test_a_download_address_fails_with_the_reason(cast, hostile_site, capture_browser):
    url = url_of(cast.de, cast.operation, hostile_site.url("/files/big.bin"))
    capture = captured(cast.de, url, capture_browser, expect="failed")
    assert "download" in capture.reason and capture.files.count() == 0


def test_a_capture_whose_url_was_deleted_fails_before_the_browser_starts(cast, hostile_site):
    from findings.services import finding_delete

    url = url_of(cast.de, cast.operation, hostile_site.url("/plain"))
    capture = capture_request(user=cast.de, url=url, own_origin=OWN_ORIGIN)
    finding_delete(user=cast.de, finding=url)

    assert capture_job.capture_run(capture.pk) == "failed"
    capture.refresh_from_db()
    assert capture.status == "failed" and "deleted" in capture.reason


def test_the_sweep_sends_again_captures_queued_too_long_or_claimed_by_a_dead_run(cast, hostile_site, monkeypatch):
    sent = []
    monkeypatch.setattr(capture_job, "send_now", lambda name, *args, **kw: sent.append((name, *args)))
    url = url_of(cast.de, cast.operation, hostile_site.url("/plain"))
    fresh = capture_request(user=cast.de, url=url, own_origin=OWN_ORIGIN)
    old = timezone.now() - dt.timedelta(hours=1)
    lost = Capture.objects.create(operation=cast.operation, team="DE", created_by=cast.de, url=url, address=url.url,
                                  created_at=old)
    dead = Capture.objects.create(operation=cast.operation, team="DE", created_by=cast.de, url=url, address=url.url,
                                  status="loading", claimed_at=old, attempts=1)
    live = Capture.objects.create(operation=cast.operation, team="DE", created_by=cast.de, url=url, address=url.url,
                                  status="loading", claimed_at=timezone.now(), attempts=1)

    assert sorted(capture_job.capture_sweep()) == sorted([lost.pk, dead.pk])
    assert fresh.pk not in sent and live.pk not in [s[1] for s in sent]


def test_a_capture_that_dies_every_time_is_failed_after_its_attempts(cast, hostile_site):
    url = url_of(cast.de, cast.operation, hostile_site.url("/plain"))
    old = timezone.now() - dt.timedelta(hours=1)
    capture = Capture.objects.create(operation=cast.operation, team="DE", created_by=cast.de, url=url,
                                     address=url.url, status="loading", claimed_at=old,
                                     attempts=capture_job.MAX_ATTEMPTS)

    assert capture_job.capture_run(capture.pk) == "skipped"
    capture.refresh_from_db()
    assert capture.status == "failed" and "stopped 3 times" in capture.reason
