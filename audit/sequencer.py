"""The sequencer: the one writer that chains appended events.

``audit.record`` only inserts an event, unchained, and goes on: no lock is held across the
caller's commit, so page views no longer queue behind each other's WAL flush. The sequencer
then takes the committed unchained events in ``id`` order (the order they were inserted),
gives each the next ``seq`` and the hash of its predecessor, and stores the four chain
columns in one short transaction, under a lock that only sequencing takes.

Order: events of one transaction keep their order, and an event committed before another
was inserted is chained before it (it was visible to every pass that could see the other).
Two events written at the same moment by different requests may be chained in either order:
one may still be committing when a pass runs. ``verify_audit`` checks what can be checked:
within one pass (one ``sequenced_at``) chain order is insert order, and ``sequenced_at`` only
grows along the chain.

A sequencer that dies mid-pass loses nothing: its transaction rolls back, the events stay
unchained, and the next pass (of this or another sequencer) takes them.

Where it runs: ``manage.py audit_sequencer`` in production (the ``sequencer`` service of
docker-compose.yml), as the database role that alone may fill in the chain columns. With
``AUDIT_SEQUENCE_INLINE`` (the embedded demo, development and the test suite) ``record`` runs
a pass itself, in the caller's transaction.
"""

import dataclasses
import datetime as dt
import logging
import time

from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from .models import CHAIN_FIELDS, GENESIS_HASH, AuditEvent

logger = logging.getLogger("audit.sequencer")

# Any fixed 64-bit number: the PostgreSQL advisory lock that only sequencing (and writing a
# checkpoint, which must see a head no pass is moving) takes. Appends never take it.
SEQUENCER_LOCK = 0x4144_4155_4449_54
# Events chained per pass: large enough to keep up with thousands of appends a second, small
# enough that a pass stays a short transaction (~20 ms for 1,000 events).
BATCH = 1000


@dataclasses.dataclass(frozen=True)
class Head:
    """The newest chained event: what the next one links to."""

    seq: int
    hash: str
    sequenced_at: dt.datetime | None = None


def lock_chain() -> None:
    """Take the sequencing lock until the current transaction ends.

    SQLite needs nothing: the project opens its transactions IMMEDIATE, which takes the
    database's one write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])


def chain_head() -> Head:
    row = (AuditEvent.objects.filter(seq__isnull=False).order_by("-seq")
           .values_list("seq", "hash", "sequenced_at").first())
    return Head(*row) if row else Head(0, GENESIS_HASH)


def unsequenced():
    """Events appended and committed but not yet chained, oldest insert first."""
    return AuditEvent.objects.filter(seq__isnull=True).order_by("id")


def sequence_pending(*, limit: int | None = BATCH) -> list[AuditEvent]:
    """One pass: chain up to ``limit`` unchained events (all with None) and return them, chained."""
    with transaction.atomic():
        lock_chain()
        pending = list(unsequenced()[:limit] if limit else unsequenced())
        if not pending:
            return []
        head = chain_head()
        stamp = timezone.now()
        if head.sequenced_at is not None and stamp <= head.sequenced_at:
            # Each pass its own, later time, even if this host's clock is behind the last pass's:
            # the verifier tells passes apart by it.
            stamp = head.sequenced_at + dt.timedelta(microseconds=1)
        seq, prev_hash = head.seq, head.hash
        for event in pending:
            seq += 1
            event.seq, event.prev_hash, event.sequenced_at = seq, prev_hash, stamp
            event.hash = prev_hash = event.compute_hash()
        _store(pending)
    return pending


def _store(events: list[AuditEvent]) -> None:
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_update(events, CHAIN_FIELDS)
        return
    # One statement for the whole pass. "seq IS NULL" once more: an event chained already is
    # never chained again (the trigger would refuse it too), and the count proves it.
    from psycopg2.extras import execute_values

    sql = (f"UPDATE {AuditEvent._meta.db_table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, "
           "sequenced_at = v.sequenced_at FROM (VALUES %s) AS v (id, seq, prev_hash, hash, sequenced_at) "
           "WHERE e.id = v.id AND e.seq IS NULL")
    rows = [(e.pk, e.seq, e.prev_hash, e.hash, e.sequenced_at) for e in events]
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template="(%s::bigint, %s::bigint, %s, %s, %s::timestamptz)",
                       page_size=len(rows))
        if cursor.cursor.rowcount != len(rows):
            raise RuntimeError(f"chained {cursor.cursor.rowcount} of {len(rows)} events: another sequencer?")


def run(*, interval: float = 0.2, batch: int = BATCH, schedule=None, stop=lambda: False) -> None:
    """Chain events until ``stop()`` says so; write checkpoints as ``schedule`` wants them.

    A pass that fills its batch is followed at once by the next; otherwise the loop waits
    ``interval`` seconds. A database that goes away is waited for, not given up on.
    """
    while not stop():
        try:
            chained = sequence_pending(limit=batch)
            if schedule is not None:
                schedule.run()
        except (OperationalError, InterfaceError):
            logger.warning("database unavailable; the sequencer tries again in a second", exc_info=True)
            connection.close()
            time.sleep(1)
            continue
        if len(chained) < batch:
            time.sleep(interval)
