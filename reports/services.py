"""Writes for the figures: store a snapshot, ask for a fresh one, choose the published headline."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import audit
from jobs import enqueue_on_commit
from operations.access import require_coordinator
from operations.models import Operation

from .models import StatisticsSnapshot
from .statistics import FIGURES, SCHEMA, compile_figures


def snapshot_latest(operation: Operation) -> StatisticsSnapshot | None:
    """The operation's newest snapshot in the current format, or None."""
    snapshot = StatisticsSnapshot.objects.filter(operation=operation).order_by("-computed_at").first()
    if snapshot is None or snapshot.figures.get("schema") != SCHEMA:
        return None
    return snapshot


def snapshot_compile(*, operation: Operation, unless_newer_than: float | None = None) -> StatisticsSnapshot:
    """Compile the operation's figures and store them as its newest snapshot.

    When nothing changed since the newest snapshot, that snapshot is stamped with the new time
    instead of stored again: one row per change, not one per minute. With ``unless_newer_than``
    (seconds), a snapshot that recent is returned as it is, without compiling.
    """
    latest = snapshot_latest(operation)
    now = timezone.now()
    if (
        latest is not None
        and unless_newer_than is not None
        and latest.computed_at >= now - dt.timedelta(seconds=unless_newer_than)
    ):
        return latest
    figures = compile_figures(operation)
    now = timezone.now()
    if latest is not None and latest.figures == figures:
        StatisticsSnapshot.objects.filter(pk=latest.pk, computed_at__lt=now).update(computed_at=now)
        latest.computed_at = now
        return latest
    return StatisticsSnapshot.objects.create(operation=operation, computed_at=now, figures=figures)


def snapshot_request(*, operation: Operation, unless_newer_than: float | None = None) -> None:
    """Have the statistics job compile the figures once the current transaction commits."""
    kwargs = {} if unless_newer_than is None else {"unless_newer_than": unless_newer_than}
    enqueue_on_commit("reports.compile_statistics", operation.pk, **kwargs)


def headline_set(*, user, operation: Operation, keys) -> Operation:
    """Choose which figures make the published headline, in order (an empty list: the default).

    Coordinators only; allowed until the operation is archived, since the figures are usually
    published after the operation closed.
    """
    require_coordinator(user, operation)
    if operation.status == Operation.Status.ARCHIVED:
        raise PermissionDenied(f"Operation {operation.code} is archived: its headline is final.")
    keys = [str(key) for key in keys]
    unknown = [key for key in keys if key not in FIGURES]
    if unknown:
        raise ValidationError(f"Unknown figure(s): {', '.join(unknown)}.")
    if len(set(keys)) != len(keys):
        raise ValidationError("A figure can appear only once in the headline.")
    with transaction.atomic():
        operation = Operation.objects.select_for_update().get(pk=operation.pk)
        if operation.headline_figures == keys:
            return operation
        operation.headline_figures = keys
        operation.save(update_fields=["headline_figures"])
        audit.record(
            actor=user,
            action="alter",
            obj=operation,
            operation=operation,
            summary="headline figures: " + (", ".join(keys) or "default"),
        )
    return operation
