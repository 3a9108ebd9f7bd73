"""The audit trail is append-only, chained, and names no personal data."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit.models import AuditEvent
from audit.trail import verify_chain

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def three_events(cast):
    return [audit.record(actor=cast.de, action="consult", object_type="test", object_id=str(n)) for n in range(3)]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_event_links_to_its_predecessor(cast):
    first, second, third = three_events(cast)[-3:]
    assert second.seq == first.seq + 1 and third.seq == second.seq + 1
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert verify_chain() == []


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"])
def test_the_database_refuses_to_change_or_delete_events(cast, statement):
    three_events(cast)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(statement)
    assert AuditEvent.objects.filter(summary="x").count() == 0


def test_the_orm_cannot_delete_events_either(cast):
    event = three_events(cast)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def tamper(sql, params=()):
    """What a superuser who disables the trigger can do."""
    raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
    raw(sql, params)
    raw("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_append_only")


def test_verify_audit_passes_on_a_fresh_demo():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    assert AuditEvent.objects.count() > 50


def test_verify_audit_catches_an_altered_event():
    call_command("seed_demo", stdout=StringIO())
    tamper("UPDATE audit_auditevent SET actor_name = 'someone-else' WHERE seq = 5")
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit", stdout=StringIO(), stderr=StringIO())
    assert verify_chain() == ["event 5 was altered after it was written"]


def test_verify_audit_catches_an_altered_event_whose_hash_was_recomputed(cast):
    events = three_events(cast)
    middle = events[1]
    middle.summary = "nothing happened"
    tamper("UPDATE audit_auditevent SET summary = %s, hash = %s WHERE seq = %s",
           [middle.summary, middle.compute_hash(), middle.seq])
    assert verify_chain() == [f"event {middle.seq + 1} does not link to its predecessor"]


def test_verify_audit_catches_a_removed_event(cast):
    events = three_events(cast)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    problems = verify_chain()
    assert f"events {events[1].seq}..{events[1].seq} are missing" in problems


def test_events_name_the_object_but_hold_none_of_its_content(cast):
    suspect_alias = "Very Distinctive Alias 4711"
    from findings import services as findings

    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias=suspect_alias)
    event = AuditEvent.objects.get(object_type="findings.suspect", object_id=str(suspect.pk))
    assert event.action == "collect" and event.team == "DE" and event.actor == cast.de
    assert event.operation_id == cast.operation.pk
    for value in AuditEvent.objects.values_list("summary", "justification"):
        assert suspect_alias not in " ".join(value)


def test_an_unknown_action_is_refused(cast):
    with pytest.raises(ValueError):
        audit.record(actor=cast.de, action="peek")


def test_sqlite_refuses_changes_to_events_too(tmp_path):
    """The embedded default gets the same trigger."""
    database = tmp_path / "audit.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"SQLITE_PATH": str(database), "ACTIONDAY_DATA_DIR": str(tmp_path)}
    script = (
        "import django; django.setup(); import audit; "
        "audit.record(actor=None, action='erase', object_type='test', object_id='1')"
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
                   check=True)
    db = sqlite3.connect(database)
    for statement in ("UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
