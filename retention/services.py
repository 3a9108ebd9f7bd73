"""Retention: an operation's personal data is erased a set time after it closed; its figures stay.

``erase_expired()`` (the hourly beat job ``findings.erase_expired`` and ``manage.py erase_expired``)
finds every closed or archived operation whose retention period (``settings.RETENTION_DAYS``, 730
days by default; 0 turns erasure off) ran out — counted from the closing (``Operation.closed_at``),
or from the end date for an operation closed without one — and erases it with ``erase_operation``:

1. The figures first: a final StatisticsSnapshot is stored in the same transaction as the erasure,
   and from then on ``reports.statistics.compile_figures`` answers for the operation from that
   snapshot (``Operation.erased_at`` is set), so the dashboard, the summary report and the API give
   the same numbers as before.
2. Everything about persons goes, rows and files: evidence (files in storage too), page captures, selectors
   (watch lists too) and the cross-border hits on them (also those shared with another operation's selector), suspects,
   possible victims, URLs, social accounts, cases with their shares, and the case-file and
   country-team reports (which list those records; the operation summary holds figures only and
   stays). Cases are deleted rather than stripped: a case's title, summary and referral are the lead
   itself, and once its figures are frozen nothing needs the empty shell. Platform checks stay (they
   are about platforms, not people) with their free-text notes emptied.
3. One ``erase`` event per operation records it, with counts only: no reference, alias or name.

The operation itself, its participations, memberships and focus tags stay: who took part is not
personal data of the persons investigated, and the audit trail keeps naming records by id. Files
are deleted once the transaction has committed (a rolled-back erasure keeps its files); a sweep of
the operation's storage folders on every run removes what a crash between the two left behind.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

import audit
from api.idempotency import KEEP_FOR
from api.models import IdempotencyKey
from evidence.models import Capture
from findings.models import (
    Case,
    DetectedUrl,
    Evidence,
    Hit,
    Location,
    PossibleVictim,
    Selector,
    SocialAccount,
    Suspect,
)
from operations.models import Operation
from partners.models import WatchList
from platforms.models import PlatformCheck
from reports.models import Report
from reports.services import snapshot_compile

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 730
BATCH = 2000
ENDED = (Operation.Status.CLOSED, Operation.Status.ARCHIVED)


def retention_days() -> int:
    """Days an operation's personal data is kept after it closed; 0 (or less) keeps it for ever."""
    return int(getattr(settings, "RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def operations_due(*, now=None, days: int | None = None):
    """Closed or archived operations, not erased yet, whose retention period has run out."""
    days = retention_days() if days is None else days
    if days <= 0:
        return Operation.objects.none()
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return (
        Operation.objects.filter(status__in=ENDED, erased_at__isnull=True)
        .annotate(retention_from=Coalesce("closed_at", "ends_at"))
        .filter(retention_from__lt=cutoff)
        .order_by("retention_from", "pk")
    )


@dataclass
class Erasure:
    """What was (or, in a dry run, would be) erased of one operation: counts, never content."""

    operation: Operation
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        return "personal data erased after the retention period — " + ", ".join(
            f"{label}: {n}" for label, n in self.counts.items()
        )


def _reports(operation):
    # The operation summary holds figures only; the others list the records that go.
    return Report.objects.filter(operation=operation).exclude(kind=Report.Kind.OPERATION_SUMMARY)


def _hits(operation):
    return Hit.objects.filter(Q(operation_a=operation) | Q(operation_b=operation))


def erasure_counts(operation: Operation) -> dict[str, int]:
    """How many records of each kind an erasure of the operation removes (in the summary's order)."""
    return {
        "cases": Case.objects.filter(operation=operation).count(),
        "suspects": Suspect.objects.filter(operation=operation).count(),
        "possible victims": PossibleVictim.objects.filter(operation=operation).count(),
        "URLs": DetectedUrl.objects.filter(operation=operation).count(),
        "social accounts": SocialAccount.objects.filter(operation=operation).count(),
        "locations": Location.objects.filter(operation=operation).count(),
        "evidence files": Evidence.objects.filter(operation=operation).count(),
        "page captures": Capture.objects.filter(operation=operation).count(),
        "selectors": Selector.objects.filter(operation=operation).count(),
        "cross-border hits": _hits(operation).count(),
        "reports": _reports(operation).count(),
        "platform check notes": PlatformCheck.objects.filter(operation=operation).exclude(note="").count(),
    }


def _delete(queryset) -> None:
    """Delete in batches: the cascade collector holds one batch in memory, not an operation's million URLs."""
    model = queryset.model
    while ids := list(queryset.values_list("pk", flat=True)[:BATCH]):
        model.objects.filter(pk__in=ids).delete()


def erase_operation(*, operation: Operation, dry_run: bool = False, actor=None, now=None) -> Erasure | None:
    """Erase the personal data of one operation whose retention period ran out (see the module docstring).

    Returns what was erased, or None when there was nothing to do: the operation is no longer due
    (reopened, already erased by another run). Idempotent and safe to run twice at once: the
    operation's row is locked and checked again inside the transaction.
    """
    if dry_run:
        return Erasure(operation=operation, counts=erasure_counts(operation), dry_run=True)

    with transaction.atomic():
        operation = Operation.objects.select_for_update().filter(pk=operation.pk).first()
        if operation is None or not operations_due(now=now).filter(pk=operation.pk).exists():
            return None
        # The published figures first, in this transaction: from now on they are read from here.
        snapshot_compile(operation=operation)
        erasure = Erasure(operation=operation, counts=erasure_counts(operation))
        files = list(Evidence.objects.filter(operation=operation).values_list("file", flat=True))
        files += [name for name in _reports(operation).values_list("file", flat=True) if name]
        _delete(Capture.objects.filter(operation=operation))
        _delete(Evidence.objects.filter(operation=operation))
        _delete(_reports(operation))
        _delete(_hits(operation))
        _delete(Selector.objects.filter(operation=operation))
        _delete(WatchList.objects.filter(operation=operation))
        for model in (Suspect, PossibleVictim, DetectedUrl, SocialAccount, Location, Case):
            _delete(model.objects.filter(operation=operation))
        PlatformCheck.objects.filter(operation=operation).exclude(note="").update(note="")
        operation.erased_at = timezone.now()
        operation.save(update_fields=["erased_at"])
        retention_from = operation.closed_at or operation.ends_at
        audit.record(
            actor=actor, action="erase", obj=operation, operation=operation, summary=erasure.summary(),
            justification=f"retention period of {retention_days()} days after the operation closed on "
            f"{retention_from:%Y-%m-%d} ran out",
        )
        transaction.on_commit(lambda: _delete_files(files, operation))
    return erasure


def _delete_files(names, operation) -> None:
    for name in names:
        default_storage.delete(name)
    storage_sweep(operation)


def storage_sweep(operation: Operation) -> int:
    """Delete what an erased operation left in storage: any evidence file, any report but the summaries'.

    Returns how many files went. A backend that cannot list folders is skipped (the erasure deleted
    the files it knew of).
    """

    if operation.erased_at is None:
        return 0
    kept = set(Report.objects.filter(operation=operation).exclude(file="").values_list("file", flat=True))
    removed = 0
    for folder in (f"evidence/{operation.pk}", f"reports/{operation.pk}"):
        for name in _files_under(folder):
            if name not in kept:
                default_storage.delete(name)
                removed += 1
    return removed


def _files_under(folder: str) -> list[str]:
    try:
        directories, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += _files_under(f"{folder}/{directory}")
    return names


def expired_idempotency_keys_delete(*, now=None) -> int:
    """API answers kept for Idempotency-Key retries (api/idempotency.py) hold copies of records: drop
    the expired ones of every user, not only of those who post again."""

    cutoff = (now or timezone.now()) - KEEP_FOR
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]


def erase_expired(*, dry_run: bool = False, now=None, actor=None) -> list[Erasure]:
    """Erase every operation due (see ``operations_due``); with ``dry_run``, only say what would go."""
    erasures = []
    for operation in operations_due(now=now):
        erasure = erase_operation(operation=operation, dry_run=dry_run, actor=actor, now=now)
        if erasure is not None:
            erasures.append(erasure)
            if not dry_run:
                logger.info("operation %s: %s", operation.code, erasure.summary())
    if not dry_run:
        for operation in Operation.objects.filter(erased_at__isnull=False):
            storage_sweep(operation)
        expired_idempotency_keys_delete(now=now)
    return erasures
