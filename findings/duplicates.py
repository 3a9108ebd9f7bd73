"""Linking duplicates: the same person logged by two teams, counted once in the figures.

A duplicate points at one record that stands for the person (``duplicate_of``), never at
another duplicate: links are kept one level deep, so a figure counts the people as the rows
with ``duplicate_of`` empty.

Who may link: a coordinator of the operation, or an analyst who may change the record being
marked and can see the one it duplicates (their own team's, or another team's shared case).
Nobody links what they cannot see, so a link reveals nothing new.

The figures count a group once: a link or an unlink asks for the operation's figures to be compiled
again at once (``reports.compile_statistics``, sent by name after the commit), so the dashboard shows
the new count without waiting for the minute's compile.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

import audit
from jobs import enqueue_on_commit
from operations.access import is_coordinator, may_change

from .models import PossibleVictim, Suspect


def _require_link_rights(user, record, other) -> None:
    model = type(record)
    if record.operation_id != other.operation_id:
        raise ValidationError("Only records of the same operation can be linked as duplicates.")
    if model.objects.visible_to(user).filter(pk__in=[record.pk, other.pk]).count() != 2:
        raise PermissionDenied("You can only link records you can see.")
    if record.operation.is_read_only:
        raise PermissionDenied(f"Operation {record.operation.code} is {record.operation.status}: read-only.")
    if not (is_coordinator(user, record.operation) or may_change(user, record)):
        raise PermissionDenied("Mark your own team's record as the duplicate, or ask a coordinator.")


def _link(*, user, record, duplicate_of):
    model = type(record)
    if type(duplicate_of) is not model:
        raise ValidationError("A duplicate links two records of the same kind.")
    if record.pk == duplicate_of.pk:
        raise ValidationError("A record cannot be a duplicate of itself.")
    _require_link_rights(user, record, duplicate_of)
    label = model._meta.verbose_name
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=record.pk)
        root = duplicate_of
        seen = set()
        while root.duplicate_of_id is not None and root.pk not in seen:
            seen.add(root.pk)
            root = model.objects.get(pk=root.duplicate_of_id)
        if root.pk == record.pk:
            raise ValidationError(f"That {label} is already a duplicate of this one.")
        if record.duplicate_of_id == root.pk:
            return record
        # Keep links one level deep: what pointed at this record now points at the root.
        moved = model.objects.filter(duplicate_of=record).update(duplicate_of=root)
        record.duplicate_of = root
        record.save(update_fields=["duplicate_of", "updated_at"])
        audit.record(actor=user, action="combine", obj=record, summary=f"marked as duplicate of {label} {root.pk}")
        audit.record(
            actor=user,
            action="combine",
            obj=root,
            summary=f"{label} {record.pk} marked as its duplicate" + (f" (with {moved} more)" if moved else ""),
        )
        _figures_again(record)
    return record


def _figures_again(record):
    enqueue_on_commit("reports.compile_statistics", record.operation_id)


def _unlink(*, user, record):
    if record.operation.is_read_only or not (is_coordinator(user, record.operation) or may_change(user, record)):
        raise PermissionDenied("You may not change this record.")
    label = type(record)._meta.verbose_name
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        previous = record.duplicate_of_id
        if previous is None:
            return record
        record.duplicate_of = None
        record.save(update_fields=["duplicate_of", "updated_at"])
        audit.record(actor=user, action="alter", obj=record, summary=f"no longer a duplicate of {label} {previous}")
        _figures_again(record)
    return record


def victims_link_duplicates(*, user, victim: PossibleVictim, duplicate_of: PossibleVictim) -> PossibleVictim:
    """Mark ``victim`` as the same person as ``duplicate_of`` (logged by another team, or twice)."""
    return _link(user=user, record=victim, duplicate_of=duplicate_of)


def victims_unlink_duplicate(*, user, victim: PossibleVictim) -> PossibleVictim:
    return _unlink(user=user, record=victim)


def suspects_link_duplicates(*, user, suspect: Suspect, duplicate_of: Suspect) -> Suspect:
    """Mark ``suspect`` as the same person as ``duplicate_of``."""
    return _link(user=user, record=suspect, duplicate_of=duplicate_of)


def suspects_unlink_duplicate(*, user, suspect: Suspect) -> Suspect:
    return _unlink(user=user, record=suspect)


def duplicate_set(*, user, record, duplicate_of):
    """Link ``record`` to ``duplicate_of``, or unlink it when that is None: the API's writable field."""
    if duplicate_of is None:
        return _unlink(user=user, record=record)
    return _link(user=user, record=record, duplicate_of=duplicate_of)
