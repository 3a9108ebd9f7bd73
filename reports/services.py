"""Writes for the figures: store a snapshot, ask for a fresh one, choose the published headline, draft
and edit the press paragraph."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import audit
from jobs import enqueue_on_commit
from operations.access import require_coordinator
from operations.models import Operation

from .models import PressParagraph, StatisticsSnapshot
from .press import draft_paragraph, short_label
from .statistics import FIGURES, SCHEMA, compile_figures, headline_keys

PARAGRAPH_MAX_LENGTH = 4000


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
    _require_publisher(user, operation, what="headline")
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
            summary="headline figures: " + (", ".join(short_label(key, in_sentence=True) for key in keys)
                                             or "the default"),
        )
    return operation


def _require_publisher(user, operation: Operation, *, what: str) -> None:
    require_coordinator(user, operation)
    if operation.status == Operation.Status.ARCHIVED:
        raise PermissionDenied(f"Operation {operation.code} is archived: its {what} is final.")


def press_paragraph_current(operation: Operation) -> PressParagraph | None:
    """The operation's press paragraph: its newest draft, as last edited."""
    return PressParagraph.objects.filter(operation=operation).order_by("-drafted_at", "-pk").first()


def press_paragraph_outdated(paragraph: PressParagraph, snapshot: StatisticsSnapshot | None) -> bool:
    """True when the headline or its numbers changed since the paragraph was drafted."""
    if snapshot is None or snapshot.pk == paragraph.snapshot_id:
        return False
    totals = snapshot.figures.get("totals", {})
    now = [{"key": key, "value": int(totals.get(key) or 0)} for key in headline_keys(paragraph.operation)]
    return now != paragraph.figures


def press_paragraph_draft(*, user, operation: Operation) -> PressParagraph:
    """Draft the press paragraph from the headline and the newest figures; kept with those figures.

    Coordinators only, until the operation is archived. A new draft replaces the paragraph shown
    (the earlier ones stay, each with the figures it was drafted from).
    """
    _require_publisher(user, operation, what="press paragraph")
    operation = Operation.objects.get(pk=operation.pk)  # the headline as saved, whatever the caller holds
    snapshot = snapshot_latest(operation)
    if snapshot is None:
        raise ValidationError("There are no figures yet to draft from: they are being counted, try again in a moment.")
    totals = snapshot.figures["totals"]
    keys = headline_keys(operation)
    text = draft_paragraph(operation, totals, keys)
    with transaction.atomic():
        paragraph = PressParagraph.objects.create(
            operation=operation, snapshot=snapshot, draft=text, text=text, drafted_by=user,
            figures=[{"key": key, "value": int(totals.get(key) or 0)} for key in keys],
        )
        audit.record(actor=user, action="alter", obj=paragraph, operation=operation,
                     summary="press paragraph drafted from the headline figures")
    return paragraph


def press_paragraph_edit(*, user, operation: Operation, text: str) -> PressParagraph:
    """Replace the text of the operation's press paragraph with the coordinator's own words."""
    _require_publisher(user, operation, what="press paragraph")
    text = "\n\n".join(" ".join(part.split()) for part in str(text or "").replace("\r", "").split("\n\n"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["Write the paragraph, or draft it again from the figures."]})
    if len(text) > PARAGRAPH_MAX_LENGTH:
        raise ValidationError({"text": [f"Keep it under {PARAGRAPH_MAX_LENGTH} characters ({len(text)} now)."]})
    with transaction.atomic():
        paragraph = PressParagraph.objects.select_for_update().filter(operation=operation).order_by(
            "-drafted_at", "-pk").first()
        if paragraph is None:
            raise ValidationError("Draft the paragraph from the figures first.")
        if paragraph.text == text:
            return paragraph
        paragraph.text, paragraph.edited_by, paragraph.edited_at = text, user, timezone.now()
        paragraph.save(update_fields=["text", "edited_by", "edited_at"])
        audit.record(actor=user, action="alter", obj=paragraph, operation=operation, summary="press paragraph edited")
    return paragraph
