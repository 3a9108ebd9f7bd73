"""Jobs of the reports app: compile one operation's figures (every minute, those of active operations),
and build a PDF report. Periodic ones are wired in jobs/schedule.py; services send them by name."""

from celery import Task, shared_task

from operations.models import Operation

from . import building
from .services import snapshot_compile

# The beat sends a compile every minute; one still queued a minute later is superseded by the next.
BEAT_EXPIRES = 55


@shared_task(name="reports.compile_statistics")
def compile_statistics(operation_id: int, unless_newer_than: float | None = None) -> int | None:
    """Store a fresh StatisticsSnapshot of the operation; returns its id (None: no such operation).

    Idempotent: running it twice stores the same figures once (see ``snapshot_compile``).
    """
    operation = Operation.objects.filter(pk=operation_id).first()
    if operation is None:
        return None
    return snapshot_compile(operation=operation, unless_newer_than=unless_newer_than).pk


@shared_task(name="reports.compile_statistics_of_active_operations")
def compile_statistics_of_active_operations() -> list[int]:
    """Beat: enqueue a compile for every active operation (the figures' pending state is "active")."""
    operation_ids = list(Operation.objects.active().values_list("pk", flat=True))
    for operation_id in operation_ids:
        compile_statistics.apply_async(args=[operation_id], expires=BEAT_EXPIRES)
    return operation_ids


# --- PDF reports (reports/building.py) -----------------------------------------------------------


class _ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # report_build records its own failures; this catches a job that died around it (database
        # gone during the claim, say), so the report says why instead of staying "running".
        if args:
            building.report_mark_failed(args[0], f"The build job stopped: {type(exc).__name__}: {exc}")


@shared_task(
    name="reports.build_report",
    base=_ReportTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=building.BUILD_TIME_LIMIT,
    soft_time_limit=building.BUILD_SOFT_TIME_LIMIT,
)
def build_report(self, report_id: str) -> str:
    """Build one report's PDF; idempotent (the claim in ``report_build`` lets exactly one build run).

    A message the broker redelivers belonged to a worker that died mid-build (acks late: the message
    stays with the broker until the build ends), so a redelivered job may take over a report still
    marked running instead of waiting for the sweep to find it stale.
    """
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return building.report_build(report_id, takeover=redelivered)


@shared_task(name="reports.sweep_reports")
def sweep_reports() -> list[str]:
    """Beat: re-enqueue reports stuck in queued (lost enqueue) or running (dead worker)."""
    return building.report_sweep()
