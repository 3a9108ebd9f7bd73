"""Writing and checking the chained audit trail."""

from django.db import connection, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditEvent

# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x4144_4155_4449_54


def _lock_chain():
    # Two concurrent appends must not both link to the same predecessor. On PostgreSQL a
    # transaction-scoped advisory lock serialises them; SQLite serialises writers already
    # (the project opens its transactions IMMEDIATE).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def record(
    *,
    actor,
    action: str,
    obj=None,
    operation=None,
    team: str = "",
    summary: str = "",
    justification: str = "",
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event to the trail, in the caller's transaction.

    ``obj`` names the record concerned (its model label and primary key are kept, never
    its content); ``operation`` defaults to the object's operation.
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if operation is None:
            operation = getattr(obj, "operation_id", None)
        team = team or getattr(obj, "team", "") or ""
    operation_id = getattr(operation, "pk", operation)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "system",
            team=team,
            action=action,
            operation_id=operation_id,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            justification=justification[:500],
            prev_hash=last["hash"] if last else GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


def verify_chain(batch_size: int = 5000) -> list[str]:
    """Walk the whole trail; return a description of every break found (empty: intact)."""
    problems = []
    expected_seq, expected_prev = 1, GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            problems.append(f"events {expected_seq}..{event.seq - 1} are missing")
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.seq} does not link to its predecessor")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.seq} was altered after it was written")
        expected_seq, expected_prev = event.seq + 1, event.hash
    return problems


def record_many(*, actor, action: str, objects, summary: str = "", justification: str = "") -> int:
    """Append one event per object, as ``record`` would one by one, under one lock (bulk imports).

    Returns the number of events written.
    """
    objects = list(objects)
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if not objects:
        return 0
    known = actor is not None and actor.is_authenticated
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        seq, prev_hash = (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)
        events = []
        for obj in objects:
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=timezone.now(),
                actor=actor if known else None,
                actor_name=actor.get_username() if known else "system",
                team=getattr(obj, "team", "") or "",
                action=action,
                operation_id=getattr(obj, "operation_id", None),
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                summary=summary[:300],
                justification=justification[:500],
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = event.compute_hash()
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
