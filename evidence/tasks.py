"""Jobs of the evidence app: capture a page (on the ``capture`` queue, jobs/schedule.py) and the sweep
that sends stuck captures again. Thin wrappers around evidence/capture_job.py."""

from celery import Task, shared_task

from . import capture_job


class _CaptureTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # capture_run records its own failures; this catches a job that died around it (the hard
        # time limit, the database gone during the claim), so the capture says why.
        if args:
            capture_job.capture_mark_failed(args[0], f"The capture job stopped: {type(exc).__name__}: {exc}")


@shared_task(
    name="evidence.capture_page",
    base=_CaptureTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=capture_job.task_time_limit(),
)
def capture_page(self, capture_id: int) -> str:
    """Capture one page; idempotent (the claim in ``capture_run`` lets exactly one run go on).

    A message the broker redelivers belonged to a worker that died mid-capture, so it may take over
    a capture still marked loading or saving. A worker process keeps one Chromium for its captures;
    in-process (the embedded demo) each capture starts its own.
    """
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    browser = None if self.request.is_eager else capture_job.worker_browser()
    return capture_job.capture_run(capture_id, takeover=redelivered, browser=browser)


@shared_task(name="evidence.sweep_captures")
def sweep_captures() -> list[int]:
    """Beat: send again captures stuck in queued (lost enqueue) or claimed by a dead worker."""
    return capture_job.capture_sweep()
