"""Signed checkpoints anchor the chain: a cut tail, a re-chained trail, a forged or missing
checkpoint are all reported by verify_audit; TRUNCATE is refused."""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

import audit
from audit import checkpoints, trail
from audit.checkpoints import latest_checkpoint, new_key_pair, write_checkpoint
from audit.models import AuditEvent
from audit.trail import verify_chain, verify_trail

from .conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


def events(n):
    return [audit.record(actor=None, action="consult", object_type="test", object_id=str(i)) for i in range(n)]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql, params=()):
    """What someone holding the owner role or a superuser can do behind the trigger's back."""
    raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
    raw(sql, params)
    raw("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_append_only")


def verify_audit():
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as error:
        return str(error), err.getvalue()
    return out.getvalue(), err.getvalue()


def test_a_checkpoint_signs_the_head_of_the_chain(checkpoint_file):
    newest = events(3)[-1]
    checkpoint = write_checkpoint()
    assert (checkpoint.seq, checkpoint.hash) == (newest.seq, newest.hash)
    assert latest_checkpoint() == checkpoint == audit.latest_checkpoint()
    line = json.loads(checkpoint_file.read_text().splitlines()[-1])
    assert line == {"seq": newest.seq, "hash": newest.hash, "at": checkpoint.at.isoformat(),
                    "key": checkpoint.key, "signature": checkpoint.signature}
    out, _ = verify_audit()
    assert f"intact: 3 events checked, anchored at event {newest.seq}" in out


def test_checkpoints_go_to_the_log_too(caplog):
    events(1)
    with caplog.at_level("INFO", logger="audit.checkpoints"):
        checkpoint = write_checkpoint()
    [message] = [r.getMessage() for r in caplog.records if r.name == "audit.checkpoints"]
    assert checkpoints.parse(message) == checkpoint  # a log copy can be checked with verify_audit --checkpoints


def test_a_cut_tail_is_detected():
    """The newest events deleted behind the trigger's back: the chain alone still looks intact."""
    kept = events(5)[2]
    anchored = write_checkpoint()
    tamper("DELETE FROM audit_auditevent WHERE seq > %s", [kept.seq])
    assert verify_trail(checkpoint_file=os.devnull).problems == []  # what verify_audit saw before checkpoints
    assert verify_chain() == [
        f"events {kept.seq + 1}..{anchored.seq} were removed: the checkpoint of {anchored.at.isoformat()} "
        f"anchors event {anchored.seq}, but the trail ends at {kept.seq}"
    ]
    message, _ = verify_audit()
    assert "NOT intact" in message


def test_a_whole_trail_deleted_is_detected():
    events(2)
    write_checkpoint()
    tamper("DELETE FROM audit_auditevent")
    [problem] = verify_chain()
    assert "events 1..2 were removed" in problem and "the trail ends at 0" in problem


def test_a_re_chained_trail_is_detected():
    """An event edited and every hash after it recomputed with the published algorithm."""
    trail_events = events(4)
    write_checkpoint()
    edited = AuditEvent.objects.get(pk=trail_events[1].pk)
    edited.summary = "nothing to see"
    prev_hash = edited.prev_hash
    for event in AuditEvent.objects.filter(seq__gte=edited.seq).order_by("seq"):
        if event.pk == edited.pk:
            event = edited
        event.prev_hash = prev_hash
        event.hash = prev_hash = event.compute_hash()
        tamper("UPDATE audit_auditevent SET summary = %s, prev_hash = %s, hash = %s WHERE id = %s",
               [event.summary, event.prev_hash, event.hash, event.pk])
    assert verify_trail(checkpoint_file=os.devnull).problems == []  # the chain is consistent again
    [problem] = verify_chain()
    assert problem.startswith(f"event {trail_events[-1].seq} is not the event the checkpoint of ")
    assert problem.endswith("anchored: the trail was rewritten up to it")


def test_a_forged_checkpoint_is_detected(checkpoint_file):
    events(2)
    genuine = write_checkpoint()
    line = json.loads(checkpoint_file.read_text())
    checkpoint_file.write_text(json.dumps(line | {"seq": 1}) + "\n")  # moved back, to hide a cut tail
    assert verify_chain() == ["checkpoint file line 1 has a bad signature"]
    assert latest_checkpoint() is None
    checkpoint_file.write_text(genuine.line() + "\n" + json.dumps(line | {"signature": "AAAA"}) + "\n")
    assert verify_chain() == ["checkpoint file line 2 has a bad signature"]
    assert latest_checkpoint() == genuine  # the newest one that holds


def test_a_checkpoint_signed_with_another_key_is_detected(settings, checkpoint_file):
    events(1)
    settings.AUDIT_CHECKPOINT_KEY = new_key_pair()[0]
    write_checkpoint()
    settings.AUDIT_CHECKPOINT_KEY = new_key_pair()[0]
    [problem] = verify_chain()
    assert problem.startswith("checkpoint file line 1 is signed with an unknown key")


def test_a_retired_key_still_verifies_its_checkpoints(settings):
    events(1)
    old_private, old_public = new_key_pair()
    settings.AUDIT_CHECKPOINT_KEY = old_private
    write_checkpoint()
    settings.AUDIT_CHECKPOINT_KEY, _ = new_key_pair()
    settings.AUDIT_CHECKPOINT_VERIFY_KEYS = [old_public]
    assert verify_chain() == []


def test_verifying_needs_only_the_public_key(settings):
    private, public = new_key_pair()
    settings.AUDIT_CHECKPOINT_KEY = private
    events(1)
    write_checkpoint()
    settings.AUDIT_CHECKPOINT_KEY, settings.AUDIT_CHECKPOINT_VERIFY_KEYS, settings.PRODUCTION = "", [public], True
    assert verify_chain() == [] and latest_checkpoint().seq == 1


def test_a_missing_checkpoint_file_is_reported(checkpoint_file):
    events(2)
    assert not checkpoint_file.exists()
    # The sequencer anchors the chain every few seconds: a minute after, something is wrong.
    later = timezone.now() + trail.UNANCHORED_LIMIT + dt.timedelta(seconds=1)
    [problem] = verify_trail(now=later).problems
    assert problem.startswith(f"no checkpoint file at {checkpoint_file}, but the trail holds events chained more")
    write_checkpoint()
    assert verify_trail(now=later).problems == []


def test_a_tail_left_unanchored_is_reported():
    events(2)
    write_checkpoint()
    events(1)
    later = timezone.now() + trail.UNANCHORED_LIMIT + dt.timedelta(seconds=1)
    assert verify_trail(now=later).problems == ["events 3..3 were chained more than 60 s ago and no checkpoint "
                                                "anchors them (is the sequencer writing checkpoints?)"]


def test_verify_audit_checks_a_copy_of_the_checkpoints_gathered_from_the_log(tmp_path, checkpoint_file):
    events(3)
    anchored = write_checkpoint()
    log_copy = tmp_path / "from-the-log.txt"
    log_copy.write_text(f"2026-11-26 10:00:01 INFO audit checkpoint {anchored.line()}\n")
    checkpoint_file.unlink()  # the file is gone; the log kept its copy
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [anchored.seq])
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit", "--checkpoints", str(log_copy), stdout=StringIO(), stderr=StringIO())


def test_the_schedule_writes_every_so_often_while_the_chain_grows(checkpoint_file):
    schedule = checkpoints.CheckpointSchedule(seconds=3600, events=3)
    events(1)
    assert schedule.run().seq == 1  # the first one at once
    events(2)
    assert schedule.run() is None  # 2 events, within the hour: not yet
    events(1)
    assert schedule.run().seq == 4  # 3 events since the last
    assert schedule.run() is None  # the head did not move
    assert [json.loads(line)["seq"] for line in checkpoint_file.read_text().splitlines()] == [1, 4]
    # A sequencer that restarts goes on from the file.
    assert checkpoints.CheckpointSchedule(seconds=3600, events=3).last_seq == 4


# --- TRUNCATE ------------------------------------------------------------------------------------


def test_truncate_is_refused():
    events(2)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
        # This test cluster's superuser carries the harness's setting (scripts/lib.sh); without it:
        raw("SET LOCAL actionday.audit_truncate = ''")
        raw("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 2


def test_truncate_is_refused_to_anyone_but_a_superuser_even_with_the_setting():
    events(1)
    with transaction.atomic():
        raw("CREATE ROLE audit_truncate_probe NOSUPERUSER")
        raw("GRANT TRUNCATE ON audit_auditevent TO audit_truncate_probe")
        raw("SET LOCAL ROLE audit_truncate_probe")
        raw("SET LOCAL actionday.audit_truncate = 'allowed'")
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            raw("TRUNCATE audit_auditevent")
        raw("RESET ROLE")
        raw("DROP OWNED BY audit_truncate_probe")
        raw("DROP ROLE audit_truncate_probe")
    assert AuditEvent.objects.count() == 1


# --- the embedded demo --------------------------------------------------------------------------


def test_the_embedded_demo_anchors_each_commit_and_verifies_intact(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"SQLITE_PATH": str(tmp_path / "demo.sqlite3"), "ACTIONDAY_DATA_DIR": str(tmp_path / "data")}
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], check=True, **run)
    script = ("import django; django.setup(); import audit\n"
              "for n in range(3): audit.record(actor=None, action='consult', object_type='test', object_id=str(n))")
    subprocess.run([sys.executable, "-c", script], check=True, **run | {"env": env | {
        "DJANGO_SETTINGS_MODULE": "config.settings"}})
    lines = (tmp_path / "data" / "audit" / "checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]
    result = subprocess.run([sys.executable, "manage.py", "verify_audit"], **run)
    assert result.returncode == 0, result.stderr
    assert "intact: 3 events checked, anchored at event 3" in result.stdout
    assert "derived from SECRET_KEY" in result.stderr
