"""The country-team report: what one team found, marked like its most restrictive case."""

import subprocess

import pytest

from findings import services as findings
from reports import building

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


def team_report(user, cast, team):
    report = building.report_request(user=user, kind="team_report", operation=cast.operation, team=team)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    return pdf_pages(report.file.path)


@pytest.fixture
def two_teams(cast):
    cast.de.first_name, cast.de.last_name = "Łukasz", "Nowak"
    cast.de.save()
    cast.case_of(cast.de, title="Handler seen in Köln", handling_code="H1")
    cast.case_of(cast.de, title="Recruiter on job boards", handling_code="H2")
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/koeln")
    cast.case_of(cast.fr, title="Lead from Marseille", handling_code="H3", handling_restrictions="Ask OCRTEH first.")
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/marseille")


def test_it_holds_the_team_own_findings_and_no_other_team(cast, two_teams):
    text = "".join(team_report(cast.de, cast, "DE"))
    assert "Handler seen in Köln" in text and "Recruiter on job boards" in text
    assert "hxxps://escortguide[.]example/koeln" in text
    assert "Marseille" not in text and "marseille" not in text
    assert "Łukasz Nowak" in text  # the team's members


def test_every_page_carries_the_team_most_restrictive_code(cast, two_teams):
    pages = team_report(cast.coordinator, cast, "DE")
    for number, page in enumerate(pages, start=1):
        assert "HANDLING CODE H2" in page
        assert f"Page {number} of {len(pages)}" in page


def test_h3_restrictions_of_the_team_cases_are_printed(cast, two_teams):
    pages = team_report(cast.coordinator, cast, "FR")
    assert all("HANDLING CODE H3" in page and "Ask OCRTEH first." in page for page in pages)


def test_team_members_and_coordinators_only(cast):
    from django.core.exceptions import PermissionDenied

    assert building.may_request(cast.de, kind="team_report", operation=cast.operation, team="DE")
    assert building.may_request(cast.coordinator, kind="team_report", operation=cast.operation, team="FR")
    for user, team in ((cast.de, "FR"), (cast.fr, "DE"), (cast.prosecutor, "NL"), (cast.outsider, "DE")):
        with pytest.raises(PermissionDenied):
            building.report_request(user=user, kind="team_report", operation=cast.operation, team=team)
