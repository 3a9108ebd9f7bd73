"""Record types, actions and filters are named as users name them — "URL", "possible victim", "case
shared with a team", "logged" — in the activity feed, the case timeline, the audit page, its filter and
its export; never a model's name ("detectedurl") or a code's key ("platforms_checked")."""

import csv
import io
import re

import pytest
from django.urls import reverse

from findings import services as findings
from findings.case_reader import read_case
from intake.bulk import bulk_log
from oversight.forms import AuditSearchForm
from reports.services import headline_set

pytestmark = pytest.mark.django_db

RAW = re.compile(r"findings\.|detectedurl|possiblevictim|socialaccount|objectpermission|platforms_checked|_")


def activity(client, cast):
    client.force_login(cast.coordinator)
    html = client.get(reverse("dashboard_activity", args=[cast.operation.code])).content.decode()
    return [" ".join(line.split()) for line in re.findall(r'<span class="what">(.*?)</span>', html, re.S)]


def test_a_bulk_paste_is_one_line_of_the_activity_feed_naming_what_was_logged(client, cast):
    text = "\n".join(f"https://escortguide.example/ad/{n}" for n in range(40))
    bulk_log(user=cast.de, operation=cast.operation, text=text)
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["platforms_checked", "urls"])
    lines = activity(client, cast)
    assert lines[:2] == ["Operation · headline figures: platforms checked, URLs", "40 URLs logged by bulk paste"]
    assert not [line for line in lines if RAW.search(line)]


def test_the_case_timeline_names_records_and_fields_in_words(cast):
    case = cast.case_of(cast.de)
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/a",
                              case=case)
    account, _ = findings.account_log(user=cast.de, operation=cast.operation, platform=cast.platform,
                                      handle="@lea", case=case)
    findings.finding_update(user=cast.de, finding=account, display_name="Lea", note="escort")
    findings.case_refer(user=cast.de, case=case, referred_to="Staatsanwaltschaft")
    timeline = read_case(user=cast.de, case=case).timeline
    words = [(entry.record, entry.summary) for entry in timeline]
    assert ("URL 1", "URL logged") in words
    assert ("Account @lea", "changed display name, note") in words
    assert (f"Case {case.reference}", "case open → referred") in words
    assert not [entry for entry in timeline if RAW.search(entry.record + entry.summary)]


def test_the_audit_page_its_filter_and_its_export_use_peoples_words(client, cast):
    case = cast.case_of(cast.de)
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/a", case=case)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    client.force_login(cast.coordinator)
    html = client.get(reverse("audit:trail")).content.decode()
    assert "findings.detectedurl" not in html.split("<tbody>")[1]
    assert '<span class="audit-action">Logged (collection)</span>' in html
    assert '<span class="audit-action">Shared or exported (disclosure)</span>' in html
    labels = dict(AuditSearchForm(operations=cast.operation.__class__.objects.all()).fields["object_type"].choices)
    assert labels["findings.detectedurl"] == "URL" and labels["findings.possiblevictim"] == "Possible victim"
    assert labels["findings.location"] == "Location"
    assert "findings.casegroupobjectpermission" not in labels  # no event names a permission row
    assert not [label for label in labels.values() if "(" in label or "." in label]
    export = b"".join(client.get(reverse("audit:export")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(export)))
    shared = next(row for row in rows if row["summary"] == "case shared with team FR")
    assert (shared["what"], shared["record"], shared["object_type"]) == (
        "shared or exported (disclosure)", "case", "findings.case")
