"""The operation summary is fit to print: checked in the real PDF, word by word, with pdfplumber.

No two words overlap, no word sits on a chart's bar or leaves the page, no table heading is broken
inside a word, every bar carries its number, the footer holds a 40-character operation code, the
last page is not nearly empty — for the demo operation and for an operation of 27 country teams.
"""

import datetime as dt
import shutil

import pytest
from reportlab.lib.units import mm

from demo.seeding import OPERATION_CODE
from findings import services as findings
from findings.models import Case, DetectedUrl, Location, PossibleVictim, Suspect
from operations.models import Agency, FocusTag, Membership, Operation, Participation
from platforms import services as platforms
from reports import building
from reports.pdf.common import FOOTER_TOP
from reports.press import SHORT_LABELS
from reports.services import headline_set, press_paragraph_draft, snapshot_compile

from . import page_sweep, pdf_layout
from .cast import add_member, make_operation, make_platform

pytestmark = pytest.mark.django_db

LONG_CODE = "THB-EMPACT-ONLINE-HACKATHON-2026-WEEK-48"
COUNTRIES = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
             "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]
HEADINGS = ["Country team", "Figure", "Number", "Category", "Monitored", "Checked", "With indications", "Indicator",
            "Cases", "URLs", "Nationality", "Potential victims", "Country", "Agency", "Kind", "Experts",
            "Operation total", "All surface web", "All dark web", *SHORT_LABELS.values()]
VOCABULARY = {word for heading in HEADINGS for word in heading.split()}


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


def summary_of(operation, user, name):
    """The summary PDF as built, opened for the checks; a copy is kept in test-artifacts/ to look at."""
    snapshot_compile(operation=operation)
    press_paragraph_draft(user=user, operation=operation)
    report = building.report_request(user=user, kind="operation_summary", operation=operation)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    page_sweep.ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(report.file.path, page_sweep.ARTIFACTS / f"{name}.pdf")
    return pdf_layout.open_pdf(report.file.path)


@pytest.fixture
def demo_summary():
    page_sweep.seed_demo()
    operation = Operation.objects.get(code=OPERATION_CODE)
    coordinator = Membership.objects.get(operation=operation, user__username="coordinator").user
    headline_set(user=coordinator, operation=operation,
                 keys=["experts", "countries", "entities_checked", "platforms_checked", "urls", "victims"])
    with summary_of(operation, coordinator, "summary-demo") as pdf:
        yield pdf


@pytest.fixture
def summary_of_27_teams():
    """27 country teams, each logging a little over four days, under a 40-character operation code."""
    operation = make_operation(code=LONG_CODE)
    operation.starts_at = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    operation.ends_at = dt.datetime(2026, 11, 27, 18, tzinfo=dt.UTC)
    operation.save()
    for tag in ("Ukrainian refugees", "Labour exploitation", "Escort services"):
        FocusTag.objects.create(operation=operation, name=tag)
    coordinator = add_member(operation, Membership.Role.COORDINATOR, "NL")
    escort = make_platform()
    dark = make_platform("Silk Row (demo)", "silkrowk5m2demo.onion", "dark_web_market")
    for index, country in enumerate(COUNTRIES):
        agency = Agency.objects.create(name=f"National Police of {country} — Trafficking Unit", country=country,
                                       kind="police")
        Participation.objects.create(operation=operation, agency=agency, experts=1 + index % 4)
        analyst = add_member(operation, Membership.Role.ANALYST, country)
        check = platforms.check_plan(user=analyst, operation=operation, platform=escort,
                                     focus_tags=["Escort services"])
        if index % 3:
            platforms.check_finish(user=analyst, check=platforms.check_start(user=analyst, check=check),
                                   with_indications=index % 2 == 0)
        if index % 5 == 0:
            platforms.check_plan(user=analyst, operation=operation, platform=dark)
        case = findings.case_create(user=analyst, operation=operation, title="Adverts", exploitation_type="sexual",
                                    focus_tags=["Ukrainian refugees"] if index % 2 else ["Labour exploitation"])
        for n in range(index % 4 + 1):
            findings.url_log(user=analyst, operation=operation, raw_url=f"https://escortguide.example/{country}/{n}",
                             case=case)
        findings.victim_log(user=analyst, operation=operation, case=case, nationality="UA",
                            age_band="14-17" if index % 7 == 0 else "25-34")
        findings.suspect_log(user=analyst, operation=operation, alias=f"handler-{country}", case=case,
                             notes=f"Calls from +49 151 2345{index:04d}")
        findings.location_log(user=analyst, operation=operation, address="Hauptstraße 1", city="Berlin",
                              country="DE", case=case)
    # The findings spread over four days of the operation.
    for model in (Case, Suspect, DetectedUrl, PossibleVictim, Location):
        for n, pk in enumerate(model.objects.filter(operation=operation).values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(created_at=operation.starts_at + dt.timedelta(hours=(5 * n) % 80))
    headline_set(user=coordinator, operation=operation,
                 keys=["experts", "countries", "entities_checked", "platforms_checked", "urls", "victims",
                       "perpetrators"])
    with summary_of(operation, coordinator, "summary-27-teams") as pdf:
        yield pdf


def assert_fit_to_print(pdf):
    assert not pdf_layout.overlapping_words(pdf), [str(p) for p in pdf_layout.overlapping_words(pdf)][:10]
    assert not pdf_layout.words_over_bars(pdf), [str(p) for p in pdf_layout.words_over_bars(pdf)][:10]
    assert not pdf_layout.words_outside_the_body(pdf), [str(p) for p in pdf_layout.words_outside_the_body(pdf)][:10]
    broken = pdf_layout.broken_header_words(pdf, VOCABULARY)
    assert not broken, [str(p) for p in broken][:10]
    missing = pdf_layout.bars_without_values(pdf)
    assert not missing, [str(p) for p in missing][:10]
    assert sum(len(pdf_layout.bars_of(page)) for page in pdf.pages) > 5  # the checks above saw the charts
    fill = pdf_layout.last_page_fill(pdf, top_reserved=40 * mm, bottom_reserved=FOOTER_TOP + 9 * mm)
    assert fill >= 0.25, f"the last page is {fill:.0%} full"


def text_of(pdf) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


def test_the_demo_summary_is_fit_to_print(demo_summary):
    assert_fit_to_print(demo_summary)


def test_an_operation_of_27_teams_with_a_40_character_code_is_fit_to_print(summary_of_27_teams):
    pdf = summary_of_27_teams
    assert_fit_to_print(pdf)
    for number, page in enumerate(pdf.pages, start=1):
        footer = page.extract_text().splitlines()[-3:]
        assert f"Page {number} of {len(pdf.pages)}" in footer[0] and "Handling code H0" in footer[0]
        assert footer[1].startswith(f"Operation {LONG_CODE} · generated ")


def test_the_activity_chart_counts_days_of_a_week_with_their_dates(summary_of_27_teams):
    text = text_of(summary_of_27_teams)
    assert "Findings logged per day (UTC)" in text
    for day in ("Mon", "23 Nov", "Tue", "24 Nov"):
        assert day in text


def test_every_focus_tag_has_its_own_table(summary_of_27_teams):
    lines = text_of(summary_of_27_teams).splitlines()
    start = lines.index("4. Figures by focus tag")
    for tag in ("Escort services", "Labour exploitation", "Ukrainian refugees"):
        at = lines.index(tag, start)
        assert lines[at + 1].startswith("Figure Number Figure Number")


def test_every_team_has_its_row_in_each_part_of_the_country_table(summary_of_27_teams):
    text = text_of(summary_of_27_teams)
    for part in ("Findings and cases", "Entities checked", "Platforms and participation"):
        assert part in text
    assert text.count("Slovenia (SI)") == 3 and text.count("Operation total") == 3


def test_entities_checked_are_printed_with_their_parts_and_the_press_paragraph(demo_summary):
    text = " ".join(text_of(demo_summary).split())
    assert "entities checked (" in text and "platforms," in text and "locations and" in text
    assert "phone numbers)" in text
    assert "Press paragraph During the action week, 75 experts from 26 countries checked" in text
