"""A page capture end to end through a real Celery worker listening to the capture queue, as in
production: the hostile site's page is saved, its WARC passes ``warcio check`` and indexes, and
``verify_evidence`` confirms every hash."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.capturing import capture_request
from evidence.models import Capture
from findings import services as findings

from .cast import build_cast

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WARCIO = str(Path(sys.executable).with_name("warcio"))


def wait_for(capture, timeout=60) -> Capture:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        capture.refresh_from_db()
        if not capture.is_pending:
            return Capture.objects.with_files().get(pk=capture.pk)
        time.sleep(0.2)
    raise AssertionError(f"capture is still {capture.status} ({capture.progress}%)")


def test_the_capture_worker_saves_the_page_with_a_valid_warc_and_verifiable_hashes(celery_worker, hostile_site,
                                                                                    settings, capsys):
    settings.CAPTURE_ALLOW_PRIVATE = True  # as the worker's (tests/conftest.py): the test site is on loopback
    cast = build_cast()
    case = cast.case_of(cast.de)
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url=hostile_site.url("/framed"), case=case)
    capture = wait_for(capture_request(user=cast.de, url=url, own_origin="http://127.0.0.1:1"))

    assert capture.status == "done", capture.reason
    warc = capture.file_named("capture.warc.gz").file.path
    check = subprocess.run([WARCIO, "check", "-v", warc], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([WARCIO, "index", warc], capture_output=True, text=True, check=True).stdout
    assert "/frame-content" in index and "/framed" in index

    call_command("verify_evidence", cast.operation.code)
    assert "Intact: 5 evidence files and 1 page capture" in capsys.readouterr().out
