"""CSV export: exactly what the user may see, with the list's filters, safe to open in a spreadsheet."""

import csv
import io

import pytest

from audit.models import AuditEvent
from findings import services as findings
from intake.imports import import_findings

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def export(user, resource, **params):
    # Possible victims are exported with a reason (tests/test_audit_lists_of_persons.py); others ignore it.
    response = api_as(user).get(url(f"{resource}-export"), params, HTTP_X_JUSTIFICATION="Handing over to the LKA")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_export_holds_what_the_user_sees_and_nothing_else(cast):
    german = cast.family_of(cast.de)
    french = cast.family_of(cast.fr)
    rows = export(cast.fr, "suspect")
    assert [int(r["id"]) for r in rows] == [french["suspect"].pk]  # not the German suspect
    findings.case_share_with_team(user=cast.de, case=german["case"], team="FR")
    assert {int(r["id"]) for r in export(cast.fr, "suspect")} == {french["suspect"].pk, german["suspect"].pk}
    assert {int(r["id"]) for r in export(cast.fr, "url")} == {french["url"].pk, german["url"].pk}  # shared by default
    assert export(cast.outsider, "url") == []


def test_the_export_takes_the_lists_filters(cast):
    cast.family_of(cast.de)
    cast.family_of(cast.fr)
    rows = export(cast.coordinator, "url", team="FR")
    assert [r["team"] for r in rows] == ["FR"]


def test_addresses_are_defanged_and_formulas_made_inert(cast):
    formula = "=cmd|'/c calc'!A1"
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://shop.example/a?x=1", note=formula)
    row = export(cast.de, "url")[0]
    assert row["url"] == "hxxps://shop[.]example/a?x=1"
    assert row["host"] == "shop[.]example"
    assert row["note"] == "'=cmd|'/c calc'!A1"


def test_an_export_imports_back_unchanged(cast):
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://shop.example/a")
    response = api_as(cast.de).get(url("url-export"))
    data = b"".join(response.streaming_content)
    result = import_findings(user=cast.de, operation=cast.operation, kind="urls", data=data, filename="urls.csv")
    assert (result.created, result.existing) == (0, 1)


def test_an_export_is_recorded_as_a_disclosure(cast):
    cast.family_of(cast.de)
    export(cast.de, "url")
    event = AuditEvent.objects.filter(action="disclose").latest("seq")
    assert (event.actor, event.object_type) == (cast.de, "findings.detectedurl")
    assert event.summary == "URLs exported as CSV"


def test_an_export_of_persons_is_a_disclosure_naming_each_record_with_the_reason(cast):
    victim = cast.family_of(cast.de)["victim"]
    export(cast.de, "victim")
    event = AuditEvent.objects.filter(action="disclose").latest("seq")
    assert (event.actor, event.object_type) == (cast.de, "findings.possiblevictim")
    assert event.summary == f"possible victims exported as CSV: {victim.pk}"
    assert event.justification == "Handing over to the LKA"


@pytest.mark.parametrize(
    "resource", ["case", "suspect", "victim", "url", "social-account", "evidence", "platform-check"]
)
def test_every_kind_exports_with_a_header(cast, resource):
    cast.family_of(cast.de)
    rows = export(cast.de, resource)
    assert len(rows) == 1
    assert {"id", "operation", "team", "created_by", "created_at"} <= set(rows[0])
