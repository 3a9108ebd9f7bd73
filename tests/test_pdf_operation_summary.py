"""The operation summary prints the published figures in press style, in the coordinator's order."""

import subprocess

import pytest

from findings import services as findings
from operations.models import Agency, Participation
from reports import building
from reports.services import headline_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


def pdf_pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def build_summary(cast):
    report = building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    return report, pdf_pages(report.file.path)


@pytest.fixture
def findings_of_two_teams(cast):
    german = cast.case_of(cast.de, handling_code="H2")
    for age_band in ("18-24", "25-34", "14-17"):
        findings.victim_log(user=cast.de, operation=cast.operation, case=german, age_band=age_band)
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", case=german)
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/a")
    # The same URL from the French team counts once.
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/a")
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/b")
    agency = Agency.objects.create(name="Policie České republiky", country="CZ", kind="police")
    Participation.objects.create(operation=cast.operation, agency=agency, experts=2)


def test_headline_figures_follow_the_published_order_in_press_style(cast, findings_of_two_teams):
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["perpetrators", "urls", "victims"])
    _, pages = build_summary(cast)
    text = " ".join("".join(pages).split())
    lines = ["1 potential perpetrator identified", "2 URLs related to human trafficking detected",
             "3 potential victims of human trafficking identified"]
    positions = [text.index(line) for line in lines]
    assert positions == sorted(positions)


def test_the_summary_has_charts_tables_and_participants(cast, findings_of_two_teams):
    _, pages = build_summary(cast)
    text = "".join(pages)
    for heading in ("Platform checks by country team", "Platforms by category", "Findings logged per hour",
                    "Figures by country team", "Indicators observed", "Participating countries and agencies"):
        assert heading in text
    assert "Germany (DE)" in text and "France (FR)" in text
    assert "Policie České republiky" in text


def test_every_page_carries_the_floor_marking_and_page_x_of_y(cast, findings_of_two_teams):
    report, pages = build_summary(cast)
    for number, page in enumerate(pages, start=1):
        assert "Handling code H0" in page
        assert f"Page {number} of {len(pages)}" in page
        assert cast.operation.code in page
    assert str(report.pk) in pages[-1]


def test_the_summary_names_no_case_person_or_url(cast, findings_of_two_teams):
    _, pages = build_summary(cast)
    text = "".join(pages)
    assert "Dima" not in text
    assert "escortguide" not in text


def test_every_font_in_the_file_is_embedded(cast, findings_of_two_teams):
    report, _ = build_summary(cast)
    listing = subprocess.run(["pdffonts", report.file.path], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in listing.splitlines()[2:]]
    assert fonts and all("DejaVuSans" in row[0] for row in fonts)  # no standard Helvetica, even in the charts
    assert all(row[-5] == "yes" for row in fonts)  # the "emb" column


def test_only_coordinators_may_ask_for_it(cast):
    from django.core.exceptions import PermissionDenied

    for user in (cast.de, cast.fr, cast.prosecutor, cast.outsider):
        with pytest.raises(PermissionDenied):
            building.report_request(user=user, kind="operation_summary", operation=cast.operation)
