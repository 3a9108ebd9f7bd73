"""PDF reports as jobs: who may ask for which report, building it once and safely, handing it out.

The pending state lives in the ``Report`` row (queued → running → done/failed), not in Redis:

* ``report_request`` checks the access rule, stores a queued report and enqueues the build once
  the transaction commits.
* ``report_build`` claims the report with a conditional UPDATE — exactly one caller turns it
  ``running``; any other returns at once. The claim's start time is its token: every later write
  (progress, done, failed) is conditional on it, so a build whose claim was taken over by another
  worker can neither publish its file nor overwrite the other's state. The PDF is written to a
  temporary file in the report's own folder, flushed to disk, hashed, and renamed onto its final
  name under the claim's row lock: a reader sees the whole file or none, never half of one.
* ``report_sweep`` (beat, every minute) re-enqueues reports still queued (their enqueue was lost
  while Redis was down) and reports running for longer than any live build can take (the worker
  died); the next build removes the dead one's temporary file.
* ``report_disclose`` hands the file out: access rule again, hash checked, a "disclose" event in
  the audit trail.

Who may ask for what (and download it):

* operation summary — the operation's coordinators;
* case file — anyone who can see the case (``Case.objects.visible_to``): its team, coordinators,
  teams it is shared with, and prosecutors it is shared with by name;
* country-team report — the team's analysts for their own team, coordinators for any team.

A report is built from what its requester may see, so it is handed to the requester (while the
rule still lets them ask for it) and to the operation's coordinators, who see everything in it.
"""

import datetime as dt
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

import audit
from api.base import StateConflict
from findings.models import Case
from jobs import enqueue_on_commit, send_now
from operations.access import is_coordinator, membership_in
from operations.models import Membership, Operation

from . import pdf
from .models import Report, report_path
from .pdf.case_file import CaseNotVisible
from .pdf.style import FontMissing

logger = logging.getLogger(__name__)

# The Celery task's hard time limit (reports/tasks.py). No live build runs longer, so a report
# "running" for longer than that plus a margin belongs to a dead worker and may be claimed again.
BUILD_TIME_LIMIT = 300
BUILD_SOFT_TIME_LIMIT = BUILD_TIME_LIMIT - 30
STALE_AFTER = dt.timedelta(seconds=BUILD_TIME_LIMIT + 60)
# Builds that may start for one request: a report whose worker dies every time (a file that
# crashes the renderer, memory it cannot have) is then failed with the reason, not sent again forever.
MAX_ATTEMPTS = 3
# A queued report gets this long for its own enqueue before the sweep sends it again.
QUEUED_GRACE = dt.timedelta(seconds=30)
SWEEP_EVERY = 60.0  # seconds, the beat schedule (jobs/schedule.py)

Kind, Status = Report.Kind, Report.Status
PENDING = (Status.QUEUED, Status.RUNNING)


class ClaimLost(Exception):
    """Another build took this report over (ours was presumed dead): stop without writing anything."""


class ReportUnavailable(Exception):
    """The report's file cannot be handed out; the message says why."""


# --- the access rule for reports -----------------------------------------------------------------


def may_request(user, *, kind: str, operation: Operation, case: Case | None = None, team: str = "") -> bool:
    """Whether ``user`` may have this report built (the rule in the module docstring)."""
    membership = membership_in(user, operation)
    if membership is None:
        return False
    if kind == Kind.OPERATION_SUMMARY:
        return membership.role == Membership.Role.COORDINATOR
    if kind == Kind.TEAM_REPORT:
        if not team or not Membership.objects.filter(operation=operation, team=team).exists():
            return False
        if membership.role == Membership.Role.COORDINATOR:
            return True
        return membership.role == Membership.Role.ANALYST and membership.team == team
    if kind == Kind.CASE_FILE:
        return (
            case is not None
            and case.operation_id == operation.pk
            and Case.objects.visible_to(user).filter(pk=case.pk).exists()
        )
    return False


def may_download(user, report: Report) -> bool:
    """The requester while they still may ask for it, and the operation's coordinators."""
    if not may_request(user, kind=report.kind, operation=report.operation, case=report.case, team=report.team):
        return False
    return report.requested_by_id == user.pk or is_coordinator(user, report.operation)


def reports_for(user, operation: Operation, *, limit: int = 50) -> list[Report]:
    """The operation's newest reports that ``user`` may see in the list (and download once done)."""
    reports = Report.objects.visible_to(user).filter(operation=operation)
    reports = reports.select_related("case", "requested_by", "operation")
    return list(reports.order_by("-requested_at")[:limit])


def report_for(user, operation: Operation, report_id) -> Report | None:
    """One report of the operation if ``user`` may have it; None alike for "no such report" and "not yours"."""
    try:
        report = Report.objects.select_related("case", "requested_by", "operation").get(
            pk=report_id, operation=operation
        )
    except (Report.DoesNotExist, ValidationError, ValueError):
        return None
    return report if may_download(user, report) else None


def team_choices(user, operation: Operation) -> list[str]:
    """The teams whose report ``user`` may ask for."""
    teams = sorted(set(Membership.objects.filter(operation=operation).values_list("team", flat=True)))
    return [t for t in teams if may_request(user, kind=Kind.TEAM_REPORT, operation=operation, team=t)]


# --- asking for a report -------------------------------------------------------------------------


def report_request(*, user, kind: str, operation: Operation, case: Case | None = None, team: str | None = None):
    """Store a queued report and have it built once the transaction commits.

    The same report already queued or running for the same person is returned instead of a second
    one (a double click builds once). Raises PermissionDenied when the rule does not allow it.
    """
    if kind not in Kind.values:
        raise ValidationError(f"Unknown report kind {kind!r}.")
    case = case if kind == Kind.CASE_FILE else None
    team = (team or "") if kind == Kind.TEAM_REPORT else ""
    if kind == Kind.CASE_FILE and case is None:
        raise ValidationError("Say which case the case file is for.")
    if kind == Kind.TEAM_REPORT and not team:
        raise ValidationError("Say which country team the report is for.")
    if not may_request(user, kind=kind, operation=operation, case=case, team=team):
        raise PermissionDenied("You may not ask for this report.")
    with transaction.atomic():
        pending = Report.objects.filter(
            kind=kind, operation=operation, case=case, team=team, requested_by=user, status__in=PENDING
        ).first()
        if pending is not None:
            return pending
        report = Report.objects.create(kind=kind, operation=operation, case=case, team=team, requested_by=user)
        enqueue_on_commit("reports.build_report", str(report.pk))
    return report


def report_retry(*, user, report: Report) -> Report:
    """Queue a failed report again (its requester or a coordinator, while the rule allows it)."""
    if not may_download(user, report):
        raise PermissionDenied("You may not retry this report.")
    if report.status != Status.FAILED:
        raise StateConflict("Only a failed report can be retried.")
    with transaction.atomic():
        requeued = Report.objects.filter(pk=report.pk, status=Status.FAILED).update(
            status=Status.QUEUED, progress=0, error="", started_at=None, finished_at=None, attempts=0
        )
        if requeued:
            enqueue_on_commit("reports.build_report", str(report.pk))
    report.refresh_from_db()
    return report


# --- building ------------------------------------------------------------------------------------


class _Claim:
    """This build's hold on a report: every write is conditional on the claim still being ours."""

    def __init__(self, report_id, token: dt.datetime):
        self.report_id, self.token = report_id, token

    def _ours(self):
        return Report.objects.filter(pk=self.report_id, status=Status.RUNNING, started_at=self.token)

    def progress(self, percent: int) -> None:
        if not self._ours().update(progress=min(99, max(0, percent))):
            raise ClaimLost()

    def fail(self, reason: str) -> None:
        self._ours().update(status=Status.FAILED, error=reason[:2000], finished_at=timezone.now())

    def finish(self, publish, *, name: str, sha256: str) -> None:
        """Put the file in place (``publish()``) and mark the report done, both under the row's lock."""
        with transaction.atomic():
            if self._ours().select_for_update().first() is None:
                raise ClaimLost()
            publish()
            self._ours().update(
                status=Status.DONE, progress=100, file=name, sha256=sha256, finished_at=timezone.now(), error=""
            )


def _claim(report_id, *, takeover: bool) -> _Claim | None:
    token = timezone.now()
    idle = (  # no live build holds it
        Q(status__in=(Status.QUEUED, Status.FAILED))
        | Q(status=Status.RUNNING, started_at__lt=token - STALE_AFTER)
        | Q(status=Status.RUNNING, started_at__isnull=True)
    )
    claimable = idle
    if takeover:
        # The broker redelivered the job: the worker that had it died (see reports/tasks.py).
        claimable |= Q(status=Status.RUNNING)
    changed = Report.objects.filter(claimable, pk=report_id, attempts__lt=MAX_ATTEMPTS).update(
        status=Status.RUNNING, started_at=token, progress=10, error="", finished_at=None, attempts=F("attempts") + 1
    )
    if changed == 1:
        return _Claim(report_id, token)
    # Out of attempts and no build alive: every build so far died without a word (a failure it
    # could report would have failed the report already). A live build is left to finish.
    Report.objects.filter(idle, pk=report_id, attempts__gte=MAX_ATTEMPTS).exclude(status=Status.FAILED).update(
        status=Status.FAILED, finished_at=token,
        error=f"The build stopped {MAX_ATTEMPTS} times without finishing (the worker building it ended each time). "
              "Retry it; if it stops again, tell an administrator.",
    )
    return None


def report_build(report_id, *, takeover: bool = False) -> str:
    """Build the PDF of one report; idempotent. Returns what happened: built, skipped, superseded or failed."""
    claim = _claim(report_id, takeover=takeover)
    if claim is None:
        return "skipped"  # done already, or another worker is building it
    try:
        report = Report.objects.select_related("operation", "case", "requested_by").get(pk=report_id)
        if not may_request(
            report.requested_by, kind=report.kind, operation=report.operation, case=report.case, team=report.team
        ):
            raise PermissionDenied(
                "The person who asked for this report may no longer see what it covers (a share was withdrawn, "
                "or their membership changed)."
            )
        _write(report, claim)
    except ClaimLost:
        logger.warning("report %s: another build took it over; this one stops", report_id)
        return "superseded"
    except Exception as exc:
        logger.exception("report %s: build failed", report_id)
        try:
            reason = failure_reason(exc)
        except Exception:  # the reason must never be what keeps a report "running"
            reason = "The build failed."
        claim.fail(reason)
        return "failed"
    return "built"


def failure_reason(exc: BaseException) -> str:
    """What the report's page shows: the cause in words, without a traceback."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return f"The build took longer than {BUILD_SOFT_TIME_LIMIT} seconds and was stopped."
    if isinstance(exc, PermissionDenied | CaseNotVisible | FontMissing):
        return str(exc)
    return f"The build failed ({type(exc).__name__}: {exc})."


def _write(report: Report, claim: _Claim) -> None:

    storage = report.file.storage
    name = report_path(report, "report.pdf")
    try:
        final = Path(storage.path(name))
    except NotImplementedError:
        final = None
    if final is None:
        _write_to_remote_storage(report, claim, storage, name)
        return
    folder = final.parent
    folder.mkdir(parents=True, exist_ok=True)
    for stray in folder.glob(f".{report.pk}.*.part"):
        stray.unlink(missing_ok=True)  # left by a build that died; ours is the only live claim
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{report.pk}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            pdf.render(report, out, progress=claim.progress)
            out.flush()
            os.fsync(out.fileno())
        digest = _sha256(temporary)
        claim.progress(95)

        def publish():
            os.replace(temporary, final)  # atomic on one file system: the whole file or the old state
            _fsync_folder(folder)

        claim.finish(publish, name=name, sha256=digest)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _write_to_remote_storage(report, claim, storage, name) -> None:
    """Storages without local paths (object stores) write each object whole; build locally first."""

    with tempfile.TemporaryFile() as out:
        pdf.render(report, out, progress=claim.progress)
        out.flush()
        out.seek(0)
        digest = _digest(out)
        out.seek(0)

        def publish():
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(out, name=os.path.basename(name)))
            if saved != name:
                raise RuntimeError(f"storage stored the report as {saved}, not {name}")

        claim.finish(publish, name=name, sha256=digest)


def _sha256(path) -> str:
    with open(path, "rb") as handle:
        return _digest(handle)


def _digest(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def report_mark_failed(report_id, reason: str) -> int:
    """For the task's on_failure: a job that died outside ``report_build``'s own error handling."""
    return Report.objects.filter(pk=report_id, status__in=PENDING).update(
        status=Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def report_sweep(*, now: dt.datetime | None = None) -> list[str]:
    """Send again every report that is queued with no job in sight, or running with a dead worker."""
    now = now or timezone.now()
    stuck = Report.objects.filter(
        Q(status=Status.QUEUED, requested_at__lt=now - QUEUED_GRACE)
        | Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER)
        | Q(status=Status.RUNNING, started_at__isnull=True)
    )
    sent = []
    for report_id in stuck.values_list("pk", flat=True):
        try:
            # Expires before the next sweep: a busy queue does not fill up with copies.
            send_now("reports.build_report", str(report_id), expires=SWEEP_EVERY - 5)
        except Exception:  # broker still away: the next sweep tries again
            logger.warning("sweep could not enqueue report %s", report_id, exc_info=True)
            continue
        sent.append(str(report_id))
    return sent


# --- handing it out ------------------------------------------------------------------------------


def report_disclose(*, user, report: Report):
    """Open the finished report's file for ``user`` and record the disclosure; returns the open file.

    The stored hash is checked first: a file altered on disk is refused, not served.
    """
    if not may_download(user, report):
        raise PermissionDenied("You may not download this report.")
    if report.status != Status.DONE:
        raise ReportUnavailable("The report is not ready.")
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise ReportUnavailable("The report's file is missing from storage.") from None
    if _digest(handle) != report.sha256:
        handle.close()
        logger.error("report %s: stored file does not match its SHA-256", report.pk)
        raise ReportUnavailable("The stored file no longer matches its recorded SHA-256; it is not handed out.")
    handle.seek(0)
    with transaction.atomic():
        if report.case_id:
            # What leaves the system is the case: its history names the download (findings.case_reader).
            audit.record(actor=user, action="disclose", obj=report.case,
                         summary=f"case file {report.pk} downloaded")
        else:
            audit.record(actor=user, action="disclose", obj=report, team=report.team,
                         summary=f"{report.get_kind_display()} {scope_label(report)} downloaded")
    return handle


def scope_label(report: Report) -> str:
    if report.kind == Kind.CASE_FILE:
        return report.case.reference
    if report.kind == Kind.TEAM_REPORT:
        return f"of team {report.team}"
    return f"of {report.operation.code}"


def download_name(report: Report) -> str:
    """ "THB-AW-2026_case-file_C-7KQ2MXPA_1b4e2c3d.pdf": no user text beyond codes we made."""
    scope = {Kind.CASE_FILE: report.case.reference if report.case_id else "", Kind.TEAM_REPORT: report.team}
    parts = [report.operation.code, report.kind.replace("_", "-"), scope.get(report.kind, ""), str(report.pk)[:8]]
    return "_".join(p for p in parts if p) + ".pdf"
