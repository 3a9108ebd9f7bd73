"""The press paragraph: drafted in Europol's style from the headline the coordinator chose, edited by a
coordinator, kept with the figures it was drafted from, shown on the dashboard and downloadable as text."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from findings import services as findings
from operations.models import Operation
from reports.models import PressParagraph
from reports.press import draft_paragraph
from reports.services import (
    headline_set,
    press_paragraph_current,
    press_paragraph_draft,
    press_paragraph_edit,
    press_paragraph_outdated,
    snapshot_compile,
    snapshot_latest,
)

pytestmark = pytest.mark.django_db

TOTALS = {"experts": 76, "countries": 27, "agencies": 30, "platforms_checked": 40, "urls": 302,
          "social_accounts": 137, "victims": 33, "minor_victims": 4, "perpetrators": 31, "entities_checked": 252,
          "persons_checked": 150, "locations": 30, "phone_numbers": 32, "cases": 12, "cases_referred": 5,
          "investigations_opened": 1}


def week(operation):
    operation.starts_at = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    operation.ends_at = dt.datetime(2026, 11, 27, 18, tzinfo=dt.UTC)
    return operation


def test_the_draft_reads_like_a_europol_release_in_the_headline_order(cast):
    text = draft_paragraph(week(cast.operation), TOTALS, ["platforms_checked", "urls", "social_accounts", "victims",
                                                          "minor_victims", "perpetrators", "cases"])
    assert text == (
        "During the action week, 76 experts from 27 countries checked 40 platforms, detected 302 URLs and 137 "
        "social network accounts related to human trafficking and identified 33 potential victims of human "
        "trafficking, of whom 4 are minors, and 31 potential perpetrators. 12 cases were opened for national "
        "follow-up."
    )


def test_entities_checked_are_drafted_with_their_parts_and_one_day_is_the_action_day(cast):
    operation = cast.operation
    operation.ends_at = operation.starts_at + dt.timedelta(hours=9)
    text = draft_paragraph(operation, TOTALS | {"victims": 1, "investigations_opened": 1},
                           ["entities_checked", "victims", "investigations_opened"])
    assert text.startswith("During the action day, 76 experts from 27 countries checked 252 entities (40 platforms, "
                           "150 persons and usernames, 30 locations and 32 phone numbers) and identified 1 potential "
                           "victim of human trafficking.")
    assert text.endswith(" 1 investigation was opened.")


def test_a_draft_is_kept_with_the_snapshot_and_headline_it_was_made_from(cast):
    findings.victim_log(user=cast.de, operation=cast.operation, age_band="18-24")
    snapshot = snapshot_compile(operation=cast.operation)
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["victims", "urls"])
    paragraph = press_paragraph_draft(user=cast.coordinator, operation=cast.operation)
    assert paragraph.snapshot == snapshot
    assert paragraph.figures == [{"key": "victims", "value": 1}, {"key": "urls", "value": 0}]
    assert paragraph.text == paragraph.draft and "identified 1 potential victim" in paragraph.text
    assert AuditEvent.objects.filter(object_type="reports.pressparagraph", object_id=str(paragraph.pk),
                                     summary="press paragraph drafted from the headline figures").exists()


def test_the_coordinator_edits_it_and_it_says_when_the_figures_moved_on(cast):
    snapshot_compile(operation=cast.operation)
    press_paragraph_draft(user=cast.coordinator, operation=cast.operation)
    edited = press_paragraph_edit(user=cast.coordinator, operation=cast.operation,
                                  text="  Our own   words.\r\n\r\nSecond paragraph. ")
    assert edited.text == "Our own words.\n\nSecond paragraph." and edited.edited_by == cast.coordinator
    assert not press_paragraph_outdated(edited, snapshot_latest(cast.operation))
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/new")
    assert press_paragraph_outdated(edited, snapshot_compile(operation=cast.operation))
    assert press_paragraph_current(cast.operation).text == "Our own words.\n\nSecond paragraph."


def test_only_coordinators_draft_and_edit_and_not_once_archived(cast):
    snapshot_compile(operation=cast.operation)
    for user in (cast.de, cast.prosecutor, cast.outsider):
        with pytest.raises(PermissionDenied):
            press_paragraph_draft(user=user, operation=cast.operation)
    press_paragraph_draft(user=cast.coordinator, operation=cast.operation)
    with pytest.raises(ValidationError):
        press_paragraph_edit(user=cast.coordinator, operation=cast.operation, text="   ")
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.ARCHIVED)
    cast.operation.refresh_from_db()
    with pytest.raises(PermissionDenied, match="archived"):
        press_paragraph_edit(user=cast.coordinator, operation=cast.operation, text="Too late.")
    assert PressParagraph.objects.get().text != "Too late."


def test_drafted_edited_and_downloaded_from_the_dashboard(client, cast):
    snapshot_compile(operation=cast.operation)
    client.force_login(cast.coordinator)
    code = cast.operation.code
    assert client.post(reverse("press_draft", args=[code])).status_code == 302
    page = client.get(reverse("dashboard", args=[code])).content.decode()
    assert 'id="press"' in page and "During the action days, 3 experts from 1 country" in page
    client.post(reverse("press_edit", args=[code]), {"text": "Published words."})
    download = client.get(reverse("press_text", args=[code]))
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="{code}-press-paragraph.txt"'
    assert download.content.decode() == "Published words.\n"


def test_an_analyst_gets_the_dashboards_404_for_the_paragraph(client, cast):
    snapshot_compile(operation=cast.operation)
    press_paragraph_draft(user=cast.coordinator, operation=cast.operation)
    client.force_login(cast.de)
    assert client.get(reverse("press_text", args=[cast.operation.code])).status_code == 404
    assert client.post(reverse("press_draft", args=[cast.operation.code])).status_code == 404
    assert PressParagraph.objects.count() == 1
