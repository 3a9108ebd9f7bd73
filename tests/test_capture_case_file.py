"""The case file lists each page capture with its screenshot, defanged addresses, times, egress and
hashes; ``verify_evidence`` confirms every hash of the operation, and names what was tampered with."""

import subprocess

import pytest
from django.core.management import CommandError, call_command

from evidence.verification import verify_operation
from findings import services as findings
from identifiers.canonical import defang
from reports import building

from .capturing import captured, url_of
from .test_pdf_case_file import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _settings(capture_settings):
    return capture_settings


@pytest.fixture
def captured_case(cast, hostile_site, capture_browser):
    case = cast.case_of(cast.de, handling_code="H1")
    capture = captured(cast.de, url_of(cast.de, cast.operation, hostile_site.url("/chain/start"), case=case),
                       capture_browser)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    return case, capture


def test_the_case_file_lists_the_capture_with_its_screenshot_addresses_times_egress_and_hashes(cast, captured_case):
    case, capture = captured_case
    report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation, case=case)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    text = "".join(pdf_pages(report.file.path))
    flat = text.replace("\n", "")

    assert "Page captures (1)" in text and f"Page capture {capture.pk}" in text
    assert defang(capture.final_url) in flat and "http://" not in text
    assert capture.started_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text and "direct" in text
    assert f"Chromium {capture.browser_version}" in text
    assert capture.manifest_sha256 in flat
    for evidence in capture.files.all():
        assert evidence.sha256 in flat
    images = subprocess.run(["pdfimages", "-list", report.file.path], capture_output=True, text=True, check=True)
    assert len(images.stdout.strip().splitlines()) == 3  # two header lines, one image: the screenshot's top


def test_verify_evidence_confirms_every_hash_of_the_operation(cast, captured_case, capsys):
    call_command("verify_evidence", cast.operation.code)
    assert f"Intact: 5 evidence files and 1 page capture of {cast.operation.code}" in capsys.readouterr().out


def test_verify_evidence_names_a_tampered_capture_file(cast, captured_case):
    _case, capture = captured_case
    html = capture.file_named("page.html")
    with open(html.file.path, "ab") as stored:
        stored.write(b"<!-- added later -->")

    with pytest.raises(CommandError, match="NOT intact: 2 differences"):
        call_command("verify_evidence", cast.operation.code)
    problems = verify_operation(cast.operation).problems
    assert problems == [
        f"evidence {html.pk} (page.html): the stored file does not match its recorded SHA-256 and size",
        f"page capture {capture.pk}: page.html differs from the manifest",
    ]


def test_verify_evidence_notices_a_replaced_manifest(cast, captured_case):
    _case, capture = captured_case
    with open(capture.manifest_file.file.path, "wb") as stored:
        stored.write(b'{"files": []}')
    problems = verify_operation(cast.operation).problems
    manifest = capture.manifest_file
    assert problems[:2] == [
        f"evidence {manifest.pk} (manifest.json): the stored file does not match its recorded SHA-256 and size",
        f"page capture {capture.pk}: manifest.json does not have the recorded SHA-256",
    ]
