"""Running a capture: the worker's side of a ``Capture`` (evidence/tasks.py is its thin Celery wrapper).

The pending state lives in the row (queued → loading → saving → done/failed), as for reports
(reports/building.py):

* ``capture_run`` claims the capture with a conditional UPDATE — exactly one run turns it
  ``loading``; any other returns at once. The claim's time is its token: every later write
  (stage, done, failed) is conditional on it, so a run presumed dead that wakes up can neither
  store files nor overwrite the state of the run that took over.
* The engine (capture/) drives Chromium into a temporary folder with the configured egress and
  limits. Its files are stored as ``Evidence`` of the URL (and so of the URL's case), each hashed
  again on the way in and compared with the manifest; the rows, the capture's "done" and the
  audit events (the manifest's SHA-256 among them) are written in one transaction under the
  claim's row lock. A failure at any point leaves no evidence row and no stored file behind.
* ``capture_sweep`` (beat, every minute) sends again captures still queued (their enqueue was
  lost) and those claimed longer ago than any live run can take (the worker died).
"""

import datetime as dt
import hashlib
import logging
import queue
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import audit
from audit.trail import record_many
from capture import CaptureError, Capturer, CaptureResult, capture_page
from findings.models import Evidence
from jobs import send_now
from operations.access import may_change

from .capturing import forbidden_origins
from .models import Capture

logger = logging.getLogger(__name__)

Status = Capture.Status
# A capture takes at most CAPTURE_TIME_LIMIT in the browser, then its files are stored; the Celery
# task is killed after this margin, and a claim older than that plus a minute belongs to a dead run.
STORE_MARGIN = 120
MAX_ATTEMPTS = 3
QUEUED_GRACE = dt.timedelta(seconds=30)
SWEEP_EVERY = 60.0
MANIFEST = "manifest.json"


def task_time_limit() -> int:
    return settings.CAPTURE_TIME_LIMIT + STORE_MARGIN


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=task_time_limit() + 60)


class ClaimLost(Exception):
    """Another run took this capture over (ours was presumed dead): stop without writing anything."""


class _Claim:
    def __init__(self, capture_id, token):
        self.capture_id, self.token = capture_id, token

    def _ours(self):
        return Capture.objects.filter(pk=self.capture_id, status__in=Capture.PENDING, claimed_at=self.token)

    def stage(self, status: str, progress: int) -> None:
        if not self._ours().update(status=status, progress=progress):
            raise ClaimLost()

    def fail(self, reason: str) -> None:
        self._ours().update(status=Status.FAILED, reason=reason[:1000], progress=100)

    def lock(self) -> None:
        """In the storing transaction: hold the row until it says done."""
        if self._ours().select_for_update().first() is None:
            raise ClaimLost()


def _claim(capture_id, *, takeover: bool) -> _Claim | None:
    token = timezone.now()
    idle = Q(status=Status.QUEUED) | Q(status__in=(Status.LOADING, Status.SAVING), claimed_at__lt=token - stale_after())
    claimable = idle | Q(status__in=(Status.LOADING, Status.SAVING)) if takeover else idle
    changed = Capture.objects.filter(claimable, pk=capture_id, attempts__lt=MAX_ATTEMPTS).update(
        status=Status.LOADING, progress=5, reason="", claimed_at=token, attempts=F("attempts") + 1
    )
    if changed == 1:
        return _Claim(capture_id, token)
    # Out of attempts with no run alive: every run so far died without a word.
    Capture.objects.filter(idle, pk=capture_id, attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, progress=100,
        reason=f"The capture stopped {MAX_ATTEMPTS} times without finishing (the worker running it ended each "
               "time). Retry it; if it stops again, tell an administrator.",
    )
    return None


def capture_run(capture_id, *, takeover: bool = False, browser=None) -> str:
    """Run one capture; idempotent. Returns what happened: done, skipped, superseded or failed.

    ``browser``: the worker's ``BrowserThread`` (or anything with its ``capture``); None starts a
    browser for this capture alone, in a thread of its own.
    """
    claim = _claim(capture_id, takeover=takeover)
    if claim is None:
        return "skipped"  # done already, or another run has it
    try:
        capture = Capture.objects.select_related("url", "operation", "created_by").get(pk=capture_id)
        _require_still_allowed(capture)
        folder = settings.FILE_UPLOAD_TEMP_DIR or None
        with tempfile.TemporaryDirectory(dir=folder, prefix="capture-") as out_dir:
            result = _browse(capture, Path(out_dir) / "capture", claim, browser)
            claim.stage(Status.SAVING, 90)
            _store(capture, result, claim)
    except ClaimLost:
        logger.warning("capture %s: another run took it over; this one stops", capture_id)
        return "superseded"
    except CaptureError as error:
        logger.info("capture %s failed: %s", capture_id, error.reason)
        claim.fail(error.reason)
        return "failed"
    except Exception as error:
        logger.exception("capture %s: failed on our side", capture_id)
        claim.fail(f"The capture failed on our side ({type(error).__name__}: {error}).")
        return "failed"
    return "done"


def _require_still_allowed(capture: Capture) -> None:
    if capture.url is None:
        raise CaptureError("The URL was deleted before its page was captured.")
    if not may_change(capture.created_by, capture.url):
        raise CaptureError("The person who asked for this capture may no longer change the URL (the operation "
                           "was closed, or their membership changed).")


def _browse(capture: Capture, out_dir: Path, claim: _Claim, browser) -> CaptureResult:
    stages = {"loading": (Status.LOADING, 20), "saving": (Status.SAVING, 60)}

    def on_progress(stage, detail):
        if stage in stages:
            claim.stage(*stages[stage])

    proxy = settings.CAPTURE_PROXY.strip()
    options = {
        "out_dir": out_dir,
        "proxy": None if proxy.lower() in ("", "none") else proxy,
        "time_limit": settings.CAPTURE_TIME_LIMIT,
        "size_limit": settings.CAPTURE_MAX_BYTES,
        "allow_private": settings.CAPTURE_ALLOW_PRIVATE,
        "forbidden_origins": forbidden_origins(capture.own_origin),
        "on_progress": on_progress,
    }
    one_off = browser is None
    browser = BrowserThread(reuse=False) if one_off else browser
    try:
        return browser.capture(capture.address, **options)
    except ValueError as error:  # the egress setting, most likely
        raise CaptureError(f"The capture worker is misconfigured: {error}. Tell an administrator.") from None
    finally:
        if one_off:
            browser.close()


def _sha256_and_size(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _store(capture: Capture, result: CaptureResult, claim: _Claim) -> None:
    manifest = result.manifest
    started = parse_datetime(manifest["started_at"].replace("Z", "+00:00"))
    entries = [*result.files, {"name": MANIFEST, "role": "manifest", "media_type": "application/json",
                               "sha256": result.manifest_sha256}]
    url = capture.url
    stored: list[Evidence] = []
    try:
        for entry in entries:
            path = result.out_dir / entry["name"]
            sha256, size = _sha256_and_size(path)
            if sha256 != entry["sha256"]:
                raise CaptureError(f"{entry['name']} changed between the capture and its storage; nothing was kept.")
            evidence = Evidence(
                operation=capture.operation, team=capture.team, created_by=capture.created_by,
                captured_by=capture.created_by, captured_at=started, sha256=sha256, size=size,
                # The type without its parameters: downloads recognise markup by it (evidence/downloads.py).
                content_type=entry["media_type"].split(";")[0].strip(), original_name=entry["name"],
                description=f"Page capture {capture.pk}: {entry['role']}", source_url=result.final_url[:2048],
                url=url, case_id=url.case_id,
            )
            with open(path, "rb") as handle:
                evidence.file.save("evidence", File(handle), save=False)
            stored.append(evidence)
        tls = (manifest.get("tls") or {}).get("certificate") or {}
        with transaction.atomic():
            claim.lock()
            for evidence in stored:
                evidence.full_clean()
                evidence.save()
            capture.files.add(*stored)
            Capture.objects.filter(pk=capture.pk).update(
                status=Status.DONE, progress=100, reason="", manifest_sha256=result.manifest_sha256,
                started_at=started, ended_at=parse_datetime(manifest["ended_at"].replace("Z", "+00:00")),
                final_url=result.final_url[:2048], http_status=result.status, load_complete=result.complete,
                truncated=result.truncated, egress=manifest["egress"]["proxy"][:300],
                browser_version=manifest["browser"]["version"][:100],
                tls_fingerprint=tls.get("sha256_fingerprint") or "",
            )
            actor = capture.created_by
            record_many(actor=actor, action="collect", objects=stored[:-1], summary="page capture file stored")
            audit.record(actor=actor, action="collect", obj=stored[-1],
                         summary=f"page capture {capture.pk} stored: manifest SHA-256 {result.manifest_sha256}")
            audit.record(actor=actor, action="collect", obj=capture,
                         summary=f"page captured: manifest SHA-256 {result.manifest_sha256}")
    except BaseException:
        for evidence in stored:  # no orphan file for rows that were never saved
            evidence.file.storage.delete(evidence.file.name)
        raise


def capture_mark_failed(capture_id, reason: str) -> int:
    """For the task's on_failure: a job that died outside ``capture_run``'s own error handling."""
    return Capture.objects.filter(pk=capture_id, status__in=Capture.PENDING).update(
        status=Status.FAILED, reason=reason[:1000], progress=100
    )


def capture_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Send again every capture queued with no job in sight, or claimed by a run that died."""
    now = now or timezone.now()
    stuck = Capture.objects.filter(
        Q(status=Status.QUEUED, created_at__lt=now - QUEUED_GRACE)
        | Q(status__in=(Status.LOADING, Status.SAVING), claimed_at__lt=now - stale_after())
    )
    sent = []
    for capture_id in stuck.values_list("pk", flat=True):
        try:
            send_now("evidence.capture_page", capture_id, expires=SWEEP_EVERY - 5)
        except Exception:  # broker still away: the next sweep tries again
            logger.warning("sweep could not enqueue capture %s", capture_id, exc_info=True)
            continue
        sent.append(capture_id)
    return sent


# --- the worker's browser --------------------------------------------------------------------------


class BrowserThread:
    """The capture engine in a thread of its own, the database in the job's.

    Playwright's sync API keeps an event loop running in the thread that started it, and Django
    refuses database calls in a thread with a running loop (SynchronousOnlyOperation). So Chromium
    lives in this thread, the claim and the evidence rows stay in the caller's, and the engine's
    progress comes back through a queue. ``reuse``: keep one Chromium for the captures that follow
    (the worker); otherwise each capture starts and ends its own (the embedded demo's in-process jobs).
    """

    def __init__(self, *, reuse: bool):
        self.reuse = reuse
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-browser")
        self._capturer: Capturer | None = None

    def capture(self, address: str, *, on_progress=None, **options) -> CaptureResult:
        """``Capturer.capture`` run in the browser thread; ``on_progress(stage, detail)`` called in this one.

        Should ``on_progress`` raise (the claim was lost), the capture still ends before it is raised:
        the browser is never left half way through a page.
        """
        stages: queue.SimpleQueue = queue.SimpleQueue()
        future = self._executor.submit(self._capture, address, stages, options)
        interrupted = None
        while not (future.done() and stages.empty()):
            try:
                stage, detail = stages.get(timeout=0.1)
            except queue.Empty:
                continue
            if on_progress is not None and interrupted is None:
                try:
                    on_progress(stage, detail)
                except Exception as error:  # noqa: BLE001 - raised once the capture has ended
                    interrupted = error
        try:
            result = future.result()
        except Exception:
            if interrupted is not None:
                raise interrupted from None
            raise
        if interrupted is not None:
            raise interrupted
        return result

    def _capture(self, address, stages, options) -> CaptureResult:
        def report(stage, detail):
            stages.put((stage, detail))

        if not self.reuse:
            return capture_page(address, on_progress=report, **options)
        if self._capturer is None:
            self._capturer = Capturer().__enter__()
        return self._capturer.capture(address, on_progress=report, **options)

    def close(self) -> None:
        if self._capturer is not None:
            self._executor.submit(self._capturer.__exit__, None, None, None).result()
            self._capturer = None
        self._executor.shutdown(wait=True)


_worker_browser: BrowserThread | None = None


def worker_browser() -> BrowserThread:
    """The browser of this worker process, started on its first capture and kept for the next ones."""
    global _worker_browser
    if _worker_browser is None:
        _worker_browser = BrowserThread(reuse=True)
    return _worker_browser
