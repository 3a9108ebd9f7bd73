"""The case file a prosecutor relies on: read back from the PDF as text, the way a court would copy it."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.services import evidence_attach
from findings import services as findings
from reports import building
from reports.models import Report

from .cast import PNG

pytestmark = pytest.mark.django_db

URLS = 45  # enough for the file to run over several pages


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


def pdf_pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def case_file(cast):
    return a_case_file(cast, urls=3)


def a_case_file(cast, *, urls: int):
    """A German H2 case with names in four scripts, shared with FR and a prosecutor; its case file as text."""
    named(cast.de, "Łukasz", "Nowak")
    named(cast.prosecutor, "Ștefan", "Popa")
    case = cast.case_of(cast.de, title="Escort ring run from Odesa", handling_code="H2",
                        source_reliability="B", information_assessment="2")
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Ελένη Παπαδοπούλου", role="recruiter",
                         case=case)
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Олена Шевченко", role="handler", case=case)
    victim = findings.victim_log(user=cast.de, operation=cast.operation, case=case, age_band="14-17",
                                 notes="Real name Maria Ionescu, lives in Constanța")
    for n in range(urls):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url=f"https://escortguide.example/ad/{n}",
                         case=case)
    evidence = evidence_attach(user=cast.de, finding=case, upload=SimpleUploadedFile("advert.png", PNG),
                               description="Advert screenshot", source_url="https://escortguide.example/ad/0")
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)

    report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation, case=case)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    return {"report": report, "pages": pdf_pages(report.file.path), "case": case, "victim": victim,
            "evidence": evidence}


def test_every_page_carries_the_handling_code_page_x_of_y_and_the_operation(cast):
    pages = a_case_file(cast, urls=URLS)["pages"]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "HANDLING CODE H2" in page
        assert "Handling code H2" in page
        assert f"Page {number} of {len(pages)}" in page
        assert f"Operation {cast.operation.code}" in page
        assert "generated " in page


def test_names_in_every_script_print_and_extract_as_text(case_file):
    text = "".join(case_file["pages"])
    for name in ("Łukasz Nowak", "Ελένη Παπαδοπούλου", "Олена Шевченко", "Ștefan Popa"):
        assert name in text


def test_urls_are_printed_defanged_and_never_live(case_file):
    text = "".join(case_file["pages"])
    assert "hxxps://escortguide[.]example/ad/2" in text
    assert "https://" not in text
    assert "escortguide.example" not in text


def test_victims_appear_by_pseudonymous_code_only(case_file):
    text = "".join(case_file["pages"])
    assert case_file["victim"].code in text
    assert "Maria" not in text and "Constanța" not in text


def test_case_data_grades_and_shares_are_printed(case_file):
    text = "".join(case_file["pages"])
    assert case_file["case"].reference in text
    assert "B — usually reliable" in text
    assert "2 — known personally to the source" in text
    assert "France (FR)" in text
    assert "Ștefan Popa" in text.split("Shared with")[-1]


def test_evidence_is_listed_with_its_hash_capture_time_and_capturer(case_file):
    evidence = case_file["evidence"]
    text = "".join(case_file["pages"])
    assert evidence.sha256 in text
    assert evidence.captured_at.strftime("%Y-%m-%d %H:%M:%S") in text
    row = text[text.index(evidence.sha256):][:400]
    assert "Łukasz Nowak" in row


def test_timeline_lists_the_audit_events_of_the_case_and_what_hangs_off_it(case_file):
    text = "".join(case_file["pages"])
    timeline = text[text.index("Timeline ("):]
    assert "case opened" in timeline
    assert "suspect logged" in timeline
    assert "evidence stored" in timeline
    assert "case shared with prosecutor" in timeline


def test_the_last_page_alone_names_itself_the_last_with_the_report_identifier(cast):
    case_file = a_case_file(cast, urls=URLS)
    pages, report_id = case_file["pages"], str(case_file["report"].pk)
    assert "Last page. Report identifier " + report_id in pages[-1]
    assert "cannot be" in pages[-1] and "SHA-256" in pages[-1]  # and says why its hash is not inside
    assert not any("Last page." in page for page in pages[:-1])


def test_the_stored_hash_is_the_hash_of_the_file(case_file):
    import hashlib

    report = case_file["report"]
    assert report.status == Report.Status.DONE
    with open(report.file.path, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == report.sha256


def test_h3_restrictions_are_printed_on_every_page(cast):
    case = cast.case_of(cast.de, handling_code="H3", handling_restrictions="Not before the hearing of 3 March.")
    for n in range(URLS):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url=f"https://escortguide.example/h3/{n}",
                         case=case)
    report = building.report_request(user=cast.coordinator, kind="case_file", operation=cast.operation, case=case)
    building.report_build(report.pk)
    report.refresh_from_db()
    pages = pdf_pages(report.file.path)
    assert len(pages) >= 2
    for page in pages:
        assert "HANDLING CODE H3" in page
        assert "Not before the hearing of 3 March." in page


def test_the_file_holds_only_what_the_requester_may_see(cast):
    """A French suspect linked to a German case by the coordinator stays out of the German analyst's file."""
    case = cast.case_of(cast.de)
    french = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Ostatni Świadek")
    findings.link_to_case(user=cast.coordinator, finding=french, case=case)

    for user, sees in ((cast.de, False), (cast.coordinator, True)):
        report = building.report_request(user=user, kind="case_file", operation=cast.operation, case=case)
        building.report_build(report.pk)
        report.refresh_from_db()
        assert ("Ostatni Świadek" in "".join(pdf_pages(report.file.path))) is sees
