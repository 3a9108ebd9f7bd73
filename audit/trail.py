"""Writing to the audit trail, and checking it.

Appending inserts the event unchained; the sequencer chains it (``audit/sequencer.py``) and
anchors the chain with signed checkpoints (``audit/checkpoints.py``). ``verify_trail`` checks
the whole of it.
"""

import dataclasses
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import checkpoints, sequencer
from .models import CHAIN_FIELDS, GENESIS_HASH, AuditEvent

# An event not chained this long after it was recorded means no sequencer is running (a long
# transaction that records early and commits late can come near it, a live sequencer never).
UNSEQUENCED_LIMIT = dt.timedelta(seconds=60)
# An event chained this long ago must be anchored by a checkpoint: the sequencer writes one
# every AUDIT_CHECKPOINT_SECONDS (10 s by default) while the chain grows.
UNANCHORED_LIMIT = dt.timedelta(seconds=60)


def _actor_fields(actor) -> dict:
    known = actor is not None and actor.is_authenticated
    return {"actor": actor if known else None, "actor_name": actor.get_username() if known else "system"}


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
    its content); ``operation`` defaults to the object's operation. The event comes back
    unchained (``seq`` None) unless the trail is sequenced inline.
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if operation is None:
            operation = getattr(obj, "operation_id", None)
        team = team or getattr(obj, "team", "") or ""
    event = AuditEvent(
        at=timezone.now(),
        **_actor_fields(actor),
        team=team,
        action=action,
        operation_id=getattr(operation, "pk", operation),
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        justification=justification[:500],
    )
    if not settings.AUDIT_SEQUENCE_INLINE:
        # One INSERT, nothing waited for: this is what lets page views run side by side.
        event.save(force_insert=True)
        return event
    with transaction.atomic():
        event.save(force_insert=True)
        _chain_inline([event])
    return event


def record_many(*, actor, action: str, objects, summary: str = "", justification: str = "") -> int:
    """Append one event per object, as ``record`` would one by one (bulk imports).

    Returns the number of events written.
    """
    objects = list(objects)
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if not objects:
        return 0
    now = timezone.now()
    events = [
        AuditEvent(
            at=now,
            **_actor_fields(actor),
            team=getattr(obj, "team", "") or "",
            action=action,
            operation_id=getattr(obj, "operation_id", None),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            summary=summary[:300],
            justification=justification[:500],
        )
        for obj in objects
    ]
    with transaction.atomic():
        # In list order: ids grow with it, and the sequencer chains by id.
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        if settings.AUDIT_SEQUENCE_INLINE:
            _chain_inline(events)
    return len(events)


def _chain_inline(events: list[AuditEvent]) -> None:
    """Chain now, in the caller's transaction (holding the sequencing lock until it commits)."""
    chained = {event.pk: event for event in sequencer.sequence_pending(limit=None)}
    for event in events:
        for field in CHAIN_FIELDS:
            setattr(event, field, getattr(chained[event.pk], field))
    if settings.EMBEDDED:
        # The demo has no sequencer process to anchor the chain: each commit anchors its own events.
        transaction.on_commit(_checkpoint_inline)


_inline_schedule: checkpoints.CheckpointSchedule | None = None


def _checkpoint_inline() -> None:
    global _inline_schedule
    if _inline_schedule is None or _inline_schedule.path != checkpoints.checkpoint_file():
        _inline_schedule = checkpoints.CheckpointSchedule(seconds=0, events=1)
    _inline_schedule.run()


# --- checking ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Verification:
    """What ``verify_trail`` found: ``problems`` empty means intact."""

    problems: list[str] = dataclasses.field(default_factory=list)
    events: int = 0  # chained events walked
    unsequenced: int = 0  # events not yet chained (recently appended, normally)
    head: int = 0  # the newest chained seq
    checkpoints_read: int = 0  # well-signed checkpoints read
    anchor: checkpoints.Checkpoint | None = None  # the newest well-signed checkpoint
    checkpoint_file: Path | None = None
    derived_key: bool = False  # checkpoints signed with the stand-in key derived from SECRET_KEY

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_trail(*, batch_size: int = 5000, checkpoint_file: Path | None = None, now=None) -> Verification:
    """Walk the whole trail and check it against the checkpoints.

    - the chain: gapless ``seq``, each event linking to its predecessor, each hash recomputed;
    - the sequencing: ``sequenced_at`` never goes back along the chain, and within one pass the
      chain follows insert order; no event stays unchained for long;
    - the anchors: every checkpoint well signed, every anchored event still there with the
      anchored hash (a cut tail or a re-chained trail fails here), and no event chained long
      ago left unanchored (nor a trail without a checkpoint file).
    """
    now = now or timezone.now()
    path = Path(checkpoint_file or checkpoints.checkpoint_file())
    result = Verification(checkpoint_file=path, derived_key=checkpoints.key_is_derived())
    problems = result.problems
    anchors = _read_anchors(path, result)

    expected_seq, expected_prev = 1, GENESIS_HASH
    previous = None
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            problems.append(f"events {expected_seq}..{event.seq - 1} are missing")
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.seq} does not link to its predecessor")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.seq} was altered after it was written")
        if previous is not None and (problem := _sequencing_problem(previous, event)):
            problems.append(problem)
        anchor = anchors.pop(event.seq, None)
        if anchor is not None and anchor.hash != event.hash:
            problems.append(f"event {event.seq} is not the event the checkpoint of {anchor.at.isoformat()} "
                            "anchored: the trail was rewritten up to it")
        expected_seq, expected_prev, previous = event.seq + 1, event.hash, event
        result.events += 1
    result.head = previous.seq if previous else 0

    if anchors:  # anchored events the walk never met
        newest = anchors[max(anchors)]
        problems.append(f"events {result.head + 1}..{newest.seq} were removed: the checkpoint of "
                        f"{newest.at.isoformat()} anchors event {newest.seq}, but the trail ends at {result.head}")
    _check_unanchored(result, now)
    _check_unsequenced(result, now)
    return result


def _read_anchors(path: Path, result: Verification) -> dict[int, checkpoints.Checkpoint]:
    anchors: dict[int, checkpoints.Checkpoint] = {}
    try:
        for number, checkpoint, problem in checkpoints.read_checkpoints(path):
            if problem:
                result.problems.append(f"checkpoint file line {number} {problem}")
                continue
            anchors[checkpoint.seq] = checkpoint
            if result.anchor is None or checkpoint.seq >= result.anchor.seq:
                result.anchor = checkpoint
            result.checkpoints_read += 1
    except FileNotFoundError:
        pass
    return anchors


def _sequencing_problem(previous: AuditEvent, event: AuditEvent) -> str:
    if event.sequenced_at is None:
        # Events chained as they were written, before there was a sequencer, come first only.
        return f"event {event.seq} has no sequencing time but follows sequenced events" \
            if previous.sequenced_at is not None else ""
    if previous.sequenced_at is None:
        return ""
    if event.sequenced_at < previous.sequenced_at:
        return f"event {event.seq} was sequenced before its predecessor"
    if event.sequenced_at == previous.sequenced_at and event.pk < previous.pk:
        return f"events {previous.seq} and {event.seq} were chained in one pass against the order they were inserted in"
    return ""


def _check_unanchored(result: Verification, now) -> None:
    anchored = result.anchor.seq if result.anchor else 0
    if result.head <= anchored:
        return
    # The newest event that should be anchored by now; events without a sequencing time were
    # chained before there was a sequencer, long ago.
    due = (AuditEvent.objects.filter(seq__gt=anchored, seq__isnull=False)
           .exclude(sequenced_at__gt=now - UNANCHORED_LIMIT).order_by("-seq").values_list("seq", flat=True).first())
    if due is None:
        return
    limit = int(UNANCHORED_LIMIT.total_seconds())
    if not result.checkpoint_file.exists():
        result.problems.append(f"no checkpoint file at {result.checkpoint_file}, but the trail holds events "
                               f"chained more than {limit} s ago: nothing anchors it (is the sequencer running?)")
    else:
        result.problems.append(f"events {anchored + 1}..{due} were chained more than {limit} s ago and no checkpoint "
                               "anchors them (is the sequencer writing checkpoints?)")


def _check_unsequenced(result: Verification, now) -> None:
    waiting = sequencer.unsequenced()
    result.unsequenced = waiting.count()
    stale = waiting.filter(at__lt=now - UNSEQUENCED_LIMIT)
    oldest = stale.values_list("pk", "at").first()
    if oldest is not None:
        result.problems.append(
            f"{stale.count()} event(s) recorded more than {int(UNSEQUENCED_LIMIT.total_seconds())} s ago are not "
            f"chained yet (the oldest: id {oldest[0]} at {oldest[1].isoformat()}): is the sequencer running?"
        )
    half = AuditEvent.objects.filter(seq__isnull=True).exclude(hash__isnull=True, prev_hash__isnull=True,
                                                               sequenced_at__isnull=True)
    for pk in half.values_list("pk", flat=True)[:10]:
        result.problems.append(f"event id {pk} is half chained")


def verify_chain(batch_size: int = 5000) -> list[str]:
    """Every break found in the trail (empty: intact). See ``verify_trail``."""
    return verify_trail(batch_size=batch_size).problems
