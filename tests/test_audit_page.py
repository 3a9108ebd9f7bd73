"""The auditor page: auditors search and export the whole trail, coordinators their operations' part,
nobody else anything; it says whether the hash chain is intact."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import audit
from audit.models import AuditEvent
from findings import services as findings
from operations.models import Membership
from oversight import views

from .cast import add_member, make_user

pytestmark = pytest.mark.django_db

TRAIL = reverse("audit:trail")


@pytest.fixture
def auditor(db):
    """A user with the audit.view_auditevent permission, through an "Auditors" group."""
    user = make_user("auditor")
    group, _ = Group.objects.get_or_create(name="Auditors")
    group.permissions.add(Permission.objects.get(codename="view_auditevent", content_type__app_label="audit"))
    user.groups.add(group)
    return user


@pytest.fixture
def trail(cast):
    """Events in both operations, by several people."""
    family = cast.family_of(cast.de)
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Vlad")
    elsewhere = findings.case_create(user=cast.outsider, operation=cast.other_operation, title="Elsewhere",
                                     exploitation_type="labour")
    return {"family": family, "elsewhere": elsewhere}


def seqs(response) -> set[int]:
    return {event.seq for event, _ in response.context["events"]}


def get(client, user, path=TRAIL, **params):
    client.force_login(user)
    return client.get(path, params)


def test_an_auditor_sees_every_event(client, cast, trail, auditor):
    response = get(client, auditor)
    assert response.status_code == 200
    assert seqs(response) == set(AuditEvent.objects.values_list("seq", flat=True))
    assert "Every event of the platform" in response.content.decode()


def test_a_coordinator_sees_the_events_of_their_operations_only(client, cast, trail):
    response = get(client, cast.coordinator)
    mine = set(AuditEvent.objects.filter(operation_id=cast.operation.pk).values_list("seq", flat=True))
    assert seqs(response) == mine
    assert list(response.context["form"].fields["operation"].queryset) == [cast.operation]
    # Asking for the other operation's events by name gives nothing, not an error that tells it exists.
    assert seqs(get(client, cast.coordinator, operation=cast.other_operation.code)) == set()
    assert not get(client, cast.coordinator, object_id=str(trail["elsewhere"].pk),
                   object_type="findings.case").context["events"]


@pytest.mark.parametrize("role", ["de", "fr", "prosecutor", "outsider"])
@pytest.mark.parametrize("path", [TRAIL, reverse("audit:export"), reverse("audit:verify")])
def test_analysts_and_prosecutors_get_not_found(client, cast, trail, role, path):
    response = get(client, getattr(cast, role), path)
    assert response.status_code == 404
    assert "Elsewhere" not in response.content.decode()


def test_anonymous_is_sent_to_the_login_page(client, cast):
    response = client.get(TRAIL)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("field, value, expected", [
    ("actor", "AUDITOR-FR", {"fr2"}),  # part of the name, in any case
    ("team", "FR", {"fr", "fr2"}),
    ("action", "erase", {"de"}),
    ("object_type", "findings.suspect", {"de", "fr", "fr2"}),
])
def test_the_search_narrows_by_who_and_what(client, cast, trail, auditor, field, value, expected):
    fr2 = add_member(cast.operation, Membership.Role.ANALYST, "FR", username="auditor-fr-analyst")
    findings.suspect_log(user=fr2, operation=cast.operation, alias="Again")
    findings.finding_delete(user=cast.de, finding=findings.suspect_log(user=cast.de, operation=cast.operation,
                                                                       alias="Typo"))
    response = get(client, auditor, **{field: value})
    names = {"de": cast.de.username, "fr": cast.fr.username, "fr2": fr2.username}
    assert {e.actor_name for e, _ in response.context["events"]} == {names[who] for who in expected}


def test_the_search_finds_one_records_history_and_one_operation(client, cast, trail, auditor):
    case = trail["family"]["case"]
    findings.case_close(user=cast.de, case=case, reason="no_indication")
    response = get(client, auditor, object_type="findings.case", object_id=str(case.pk))
    assert [e.summary for e, _ in response.context["events"]] == [
        "case open → closed (No indication of trafficking)", "case opened"]
    response = get(client, auditor, operation=cast.other_operation.code)
    assert [(e.object_type, code) for e, code in response.context["events"]] == [
        ("findings.case", cast.other_operation.code)
    ]


def test_the_search_narrows_by_time_in_utc(client, cast, trail, auditor):
    last = AuditEvent.objects.latest("seq")
    after = (last.at + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    assert not get(client, auditor, after=after).context["events"]
    before = (last.at + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    assert last.seq in seqs(get(client, auditor, before=before))
    day = timezone.now().strftime("%Y-%m-%d")
    assert not get(client, auditor, before=day).context["events"]  # midnight UTC today: nothing earlier


def test_a_range_the_wrong_way_round_is_refused(client, cast, trail, auditor):
    response = get(client, auditor, after="2026-11-24T10:00", before="2026-11-23T10:00")
    assert not response.context["events"]
    assert "must come before" in response.content.decode()


def test_the_trail_pages_newest_first(client, cast, trail, auditor, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    everything = list(AuditEvent.objects.order_by("-id").values_list("seq", flat=True))
    first = get(client, auditor)
    assert [e.seq for e, _ in first.context["events"]] == everything[:5]
    older = client.get(f"{TRAIL}?{first.context['older_query']}")
    assert [e.seq for e, _ in older.context["events"]] == everything[5:10]


def test_the_export_holds_the_searched_events_with_their_hashes(client, cast, trail):
    audit.record(actor=cast.coordinator, action="consult", obj=trail["family"]["victim"], summary="victim read",
                 justification="=HYPERLINK(\"http://evil.example\")")
    response = get(client, cast.coordinator, reverse("audit:export"), team="DE")
    assert response["Content-Disposition"].startswith('attachment; filename="actionday-audit-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    expected = AuditEvent.objects.filter(operation_id=cast.operation.pk, team="DE").order_by("id")
    assert [int(r["seq"]) for r in rows] == list(expected.values_list("seq", flat=True))
    assert {r["operation"] for r in rows} == {cast.operation.code}
    assert rows[-1]["justification"] == "'=HYPERLINK(\"http://evil.example\")"  # inert in a spreadsheet
    assert rows[-1]["hash"] == expected.last().hash and rows[-1]["prev_hash"] == expected.last().prev_hash


def test_the_page_says_the_chain_is_intact(client, cast, trail):
    response = get(client, cast.coordinator, reverse("audit:verify"))
    assert response.status_code == 200
    assert f"Hash chain intact:</strong> {AuditEvent.objects.count()} events checked" in response.content.decode()


def test_the_page_says_when_the_chain_is_broken(client, cast, trail, auditor):
    with connection.cursor() as cursor:  # what a superuser who disables the trigger can do
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
        cursor.execute("UPDATE audit_auditevent SET summary = 'nothing' WHERE seq = 2")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_append_only")
    html = get(client, auditor, reverse("audit:verify")).content.decode()
    assert "The audit trail is NOT intact" in html
    assert "event 2 was altered after it was written" in html
