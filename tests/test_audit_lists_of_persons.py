"""Reading persons' records is justified and logged the same way whatever the path.

A possible victims' list, search, export or case bundle asks for the reason as reading one record does
(428 without one, and nothing is read); every list, search, export and bundle of suspects or victims
names the records it showed in the audit trail — by type and id, never their content — in one event per
answer and per operation and team, not one per record. Before, the victim list returned whole records
with their notes without a reason and logged nothing, and lists of suspects logged nothing either.
"""

import csv
import io

import pytest

from audit.models import AuditEvent
from findings import services as findings
from findings.models import PossibleVictim

from .api_client import api_as, url

pytestmark = pytest.mark.django_db

REASON = "Identifying victims for the NRM referral"


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def named_ids(event) -> set[int]:
    return {int(word) for word in event.summary.split(":", 1)[1].split()}


@pytest.mark.parametrize("params", [{}, {"code": "V-ANY"}, {"nationality": "UA"}, {"is_minor": "true"}],
                         ids=["list", "search by code", "search by nationality", "search by minor"])
def test_a_victim_list_or_search_without_a_reason_is_428_and_reads_nothing(cast, params):
    findings.victim_log(user=cast.de, operation=cast.operation, nationality="UA", notes="Lives at the ring's flat")
    before = AuditEvent.objects.count()
    response = api_as(cast.de).get(url("victim-list"), params)
    assert response.status_code == 428
    assert response.json()["code"] == "justification_required"
    assert "ring" not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_a_victim_list_with_a_reason_names_each_record_shown_with_the_reason(cast):
    victims = [findings.victim_log(user=cast.de, operation=cast.operation, notes=f"note {n}") for n in range(3)]
    response = api_as(cast.de).get(url("victim-list"), {"page_size": 2}, HTTP_X_JUSTIFICATION=REASON)
    assert response.status_code == 200
    shown = {row["id"] for row in response.json()["results"]}
    assert len(shown) == 2
    [event] = events(action="consult", object_type="findings.possiblevictim")
    assert (event.actor, event.team, event.operation_id) == (cast.de, "DE", cast.operation.pk)
    assert named_ids(event) == shown
    assert event.justification == REASON
    assert "note" not in event.summary
    assert {v.pk for v in victims} >= shown


def test_a_victim_export_without_a_reason_is_428_and_with_one_a_disclosure_naming_each_record(cast):
    victim = cast.family_of(cast.de)["victim"]
    client = api_as(cast.de)
    assert client.get(url("victim-export")).status_code == 428
    assert not events(action="disclose", object_type="findings.possiblevictim")
    response = client.get(url("victim-export"), {"justification": REASON})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(row["id"]) for row in rows] == [victim.pk]
    [event] = events(action="disclose", object_type="findings.possiblevictim")
    assert named_ids(event) == {victim.pk} and event.justification == REASON


def test_suspect_lists_and_exports_name_the_records_they_showed(cast):
    german = cast.family_of(cast.de)["suspect"]
    french = cast.family_of(cast.fr)["suspect"]
    client = api_as(cast.coordinator)
    client.get(url("suspect-list"))
    client.get(url("suspect-list"), {"alias": "Dima"})  # a search
    b"".join(client.get(url("suspect-export")).streaming_content)
    consulted = events(action="consult", object_type="findings.suspect")
    # One event per answer and per team whose records it showed: two lists, two teams.
    assert sorted((e.team, named_ids(e) == {s.pk}) for e in consulted for s in (german, french) if s.team == e.team) \
        == [("DE", True), ("DE", True), ("FR", True), ("FR", True)]
    disclosed = events(action="disclose", object_type="findings.suspect")
    assert {e.team: named_ids(e) for e in disclosed} == {"DE": {german.pk}, "FR": {french.pk}}


def test_a_bundle_with_victims_asks_for_the_reason_and_names_the_persons_it_holds(cast):
    family = cast.family_of(cast.de)
    client = api_as(cast.de)
    assert client.get(url("case-bundle", family["case"].pk)).status_code == 428
    response = client.get(url("case-bundle", family["case"].pk), HTTP_X_JUSTIFICATION=REASON)
    assert response.status_code == 200
    [suspects] = events(action="disclose", object_type="findings.suspect")
    [victims] = events(action="disclose", object_type="findings.possiblevictim")
    assert named_ids(suspects) == {family["suspect"].pk}
    assert (named_ids(victims), victims.justification) == ({family["victim"].pk}, REASON)


def test_a_bundle_without_victims_needs_no_reason(cast):
    case = cast.case_of(cast.de)
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", case=case)
    assert api_as(cast.de).get(url("case-bundle", case.pk)).status_code == 200


def test_a_full_page_is_named_in_a_few_events_not_one_per_record(cast):
    PossibleVictim.objects.bulk_create([
        PossibleVictim(operation=cast.operation, team="DE", created_by=cast.de, code=f"V-{n:06d}") for n in range(500)
    ])
    response = api_as(cast.de).get(url("victim-list"), {"page_size": 500}, HTTP_X_JUSTIFICATION=REASON)
    assert len(response.json()["results"]) == 500
    written = events(action="consult", object_type="findings.possiblevictim")
    assert set().union(*(named_ids(e) for e in written)) == {row["id"] for row in response.json()["results"]}
    assert len(written) <= 20  # ids of up to 7 digits: at least 35 to an event
    assert all(len(e.summary) <= 300 for e in written)


def _page(client, cast, name, *args):
    from django.urls import reverse

    response = client.get(reverse(name, args=[cast.operation.code, *args]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", ["workspace", "case page"])
def test_a_page_lists_victims_by_code_until_a_reason_is_given_and_names_whom_it_showed(cast, client, page):
    from django.urls import reverse

    family = cast.family_of(cast.de)
    victim = family["victim"]
    PossibleVictim.objects.filter(pk=victim.pk).update(nationality="UA", is_minor=True, age_band="14-17")
    client.force_login(cast.de)
    args = ("workspace",) if page == "workspace" else ("case_detail", family["case"].reference)
    html = _page(client, cast, *args)
    assert victim.code in html and "minor" not in html.split(victim.code, 1)[1][:200]
    shown = events(action="consult", object_type="findings.possiblevictim")
    assert [(named_ids(e), e.justification, "(codes only)" in e.summary) for e in shown] == [({victim.pk}, "", True)]
    assert named_ids(events(action="consult", object_type="findings.suspect")[-1]) == {family["suspect"].pk}

    client.post(reverse("finding_justify", args=[cast.operation.code, "victim", victim.pk]), {"justification": REASON})
    html = _page(client, cast, *args)
    assert "minor" in html.split(victim.code, 1)[1][:400]
    last = events(action="consult", object_type="findings.possiblevictim", object_id="")[-1]
    assert (named_ids(last), last.justification, "(codes only)" in last.summary) == ({victim.pk}, REASON, False)


def test_the_case_file_names_the_persons_it_prints(cast, settings, tmp_path):
    from reports import building

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    family = cast.family_of(cast.de)
    report = building.report_request(user=cast.de, kind="case_file", operation=cast.operation, case=family["case"])
    assert building.report_build(report.pk) == "built"
    printed = {e.object_type: named_ids(e) for e in events(action="consult", summary__contains="printed in case file")}
    assert printed == {"findings.suspect": {family["suspect"].pk}, "findings.possiblevictim": {family["victim"].pk}}
