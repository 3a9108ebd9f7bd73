"""Appends take no lock; the sequencer chains them, once each, in insert order, and loses nothing.

Production's shape throughout: ``AUDIT_SEQUENCE_INLINE`` off, so ``audit.record`` only inserts.
"""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

import audit
from audit import trail
from audit.checkpoints import write_checkpoint
from audit.models import GENESIS_HASH, AuditEvent
from audit.sequencer import chain_head, sequence_pending, unsequenced
from audit.trail import record_many, verify_chain, verify_trail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def appended_unchained(settings, tmp_path):
    settings.AUDIT_SEQUENCE_INLINE = False
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"


def append(n, **fields):
    return [audit.record(actor=None, action="consult", object_type="test", object_id=str(i), **fields)
            for i in range(n)]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_appended_event_comes_back_unchained():
    [event] = append(1)
    assert (event.seq, event.prev_hash, event.hash, event.sequenced_at) == (None, None, None, None)
    assert AuditEvent.objects.get(pk=event.pk).seq is None


def test_a_pass_chains_events_in_the_order_they_were_inserted():
    events = append(5)
    assert [e.pk for e in sequence_pending()] == [e.pk for e in events]
    chained = list(AuditEvent.objects.order_by("seq"))
    assert [e.pk for e in chained] == [e.pk for e in events] and [e.seq for e in chained] == [1, 2, 3, 4, 5]
    assert chained[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(chained, chained[1:], strict=False))
    assert len({e.sequenced_at for e in chained}) == 1  # one pass
    assert verify_chain() == []


def test_a_later_pass_continues_the_chain_at_a_later_time():
    append(2)
    first = sequence_pending()
    append(2)
    second = sequence_pending()
    assert [e.seq for e in second] == [3, 4] and second[0].prev_hash == first[-1].hash
    assert second[0].sequenced_at > first[0].sequenced_at
    assert sequence_pending() == []


def test_a_pass_takes_at_most_its_batch():
    append(5)
    assert len(sequence_pending(limit=3)) == 3
    assert unsequenced().count() == 2 and chain_head().seq == 3


def test_bulk_appends_keep_their_order(cast):
    urls = [cast.family_of(cast.de)["url"], cast.family_of(cast.fr)["url"]]
    sequence_pending(limit=None)
    assert record_many(actor=cast.de, action="collect", objects=urls, summary="imported") == 2
    chained = sequence_pending()
    assert [e.object_id for e in chained] == [str(u.pk) for u in urls]


def test_events_not_yet_chained_are_listed_after_the_chain_in_insert_order():
    append(3)
    sequence_pending()
    waiting = append(2)
    listed = list(AuditEvent.objects.all())
    assert [e.seq for e in listed] == [1, 2, 3, None, None]
    assert [e.pk for e in listed[3:]] == [e.pk for e in waiting]
    assert "not yet sequenced" in str(listed[-1])


def test_the_trigger_lets_the_chain_be_filled_in_once():
    [event] = append(1)
    sequence_pending()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditevent SET seq = 99, hash = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditevent SET seq = NULL, prev_hash = NULL, hash = NULL, sequenced_at = NULL "
            "WHERE id = %s", [event.pk])


@pytest.mark.parametrize("change", [
    "summary = 'something else'",  # chaining may change nothing else
    "at = at - interval '1 hour'",
    "id = id + 1000000",
])
def test_the_trigger_refuses_chaining_that_changes_anything_else(change):
    [event] = append(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"UPDATE audit_auditevent SET seq = 1, prev_hash = %s, hash = 'h', sequenced_at = now(), {change} "
            "WHERE id = %s", [GENESIS_HASH, event.pk])


def test_the_trigger_refuses_half_a_chaining():
    [event] = append(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditevent SET seq = 1 WHERE id = %s", [event.pk])


def test_the_trigger_refuses_an_event_inserted_chained():
    with pytest.raises(DatabaseError, match="unchained"), transaction.atomic():
        raw("INSERT INTO audit_auditevent (seq, at, actor_name, team, action, object_type, object_id, summary, "
            "justification, prev_hash, hash) VALUES (1, now(), '', '', 'consult', '', '', '', '', %s, 'h')",
            [GENESIS_HASH])


def test_verify_reports_an_event_left_unchained_too_long():
    append(1)
    assert verify_chain() == []  # just appended: the sequencer has a minute
    later = timezone.now() + trail.UNSEQUENCED_LIMIT + dt.timedelta(seconds=1)
    [problem] = verify_trail(now=later).problems
    assert "1 event(s) recorded more than 60 s ago are not chained yet" in problem
    sequence_pending()
    write_checkpoint()  # as the sequencer does after a pass
    assert verify_trail(now=later).problems == []


def test_verify_reports_a_pass_that_chained_against_insert_order():
    first, second = append(2)
    sequence_pending()
    # What a faulty sequencer would have written: the second-inserted event first, in one pass.
    events = {e.pk: e for e in AuditEvent.objects.all()}
    a, b = events[second.pk], events[first.pk]
    a.seq, a.prev_hash = 1, GENESIS_HASH
    a.hash = a.compute_hash()
    b.seq, b.prev_hash = 2, a.hash
    b.hash = b.compute_hash()
    raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
    for event in (a, b):
        raw("UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.seq + 10, event.prev_hash, event.hash, event.pk])
    raw("UPDATE audit_auditevent SET seq = seq - 10")
    raw("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_append_only")
    assert verify_chain() == ["events 1 and 2 were chained in one pass against the order they were inserted in"]


# --- many writers at once --------------------------------------------------------------------------


WRITERS, EACH = 8, 60


def _write(errors, barrier):
    try:
        barrier.wait()
        for n in range(EACH):
            # One event per transaction, as a page view commits its consultation.
            with transaction.atomic():
                audit.record(actor=None, action="consult", object_type="writer",
                             object_id=f"{threading.get_ident()}:{n}")
    except Exception as error:  # noqa: BLE001 - reported to the test thread
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("inline", [False, True], ids=["sequencer", "inline"])
def test_eight_writers_at_once_give_one_gapless_chain(settings, inline):
    settings.AUDIT_SEQUENCE_INLINE = inline
    errors, barrier = [], threading.Barrier(WRITERS + 1)
    writers = [threading.Thread(target=_write, args=(errors, barrier)) for _ in range(WRITERS)]
    for thread in writers:
        thread.start()
    barrier.wait()
    passes = 0
    while any(t.is_alive() for t in writers):  # the sequencer, running beside the writers
        passes += bool(sequence_pending(limit=100))
    for thread in writers:
        thread.join()
    assert not errors
    while sequence_pending():
        pass
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, WRITERS * EACH + 1))
    assert verify_chain() == []
    # Each writer's events are chained in the order it wrote them.
    by_writer = {}
    for event in events:
        writer, n = event.object_id.split(":")
        by_writer.setdefault(writer, []).append(int(n))
    assert len(by_writer) == WRITERS and all(ns == list(range(EACH)) for ns in by_writer.values())
    if not inline:
        assert passes > 1  # chained while they wrote, not only at the end
