"""A real Celery worker on Redis builds reports end to end, also when a worker dies in the middle."""

import datetime as dt
import hashlib
import os
import signal
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from findings import services as findings
from reports import building
from reports.models import Report

from .cast import build_cast

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(report, status, timeout=60) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status == status:
            return report
        time.sleep(0.1)
    raise AssertionError(f"report is {report.status} ({report.progress}%, {report.error!r}), not {status}")


def files_in(report) -> list[str]:
    folder = Path(Report._meta.get_field("file").storage.path(f"reports/{report.operation_id}"))
    return sorted(p.name for p in folder.iterdir())


def whole_and_hashed(report) -> bool:
    with open(report.file.path, "rb") as handle:
        content = handle.read()
    return content.startswith(b"%PDF-") and b"%%EOF" in content[-32:] and (
        hashlib.sha256(content).hexdigest() == report.sha256
    )


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes: the ones that run the tasks."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            children.append(int(entry))
    return children


def test_a_real_worker_builds_a_requested_report(celery_worker):
    cast = build_cast()
    report = building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)
    report = wait_for(report, Report.Status.DONE)
    assert report.progress == 100
    assert whole_and_hashed(report)
    assert files_in(report) == [f"{report.pk}.pdf"]


def test_a_killed_build_completes_after_the_sweep_and_leaves_no_half_file(celery_worker):
    """Simulated: the report is stuck in running with an old start, and its dead build left a temporary file."""
    cast = build_cast()
    report = Report.objects.create(kind="operation_summary", operation=cast.operation, requested_by=cast.coordinator)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING, progress=70, started_at=timezone.now() - dt.timedelta(hours=1)
    )
    folder = Path(Report._meta.get_field("file").storage.path(f"reports/{cast.operation.pk}"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f".{report.pk}.d3adb33f.part").write_bytes(b"%PDF-1.4\n% the first half of a report")

    assert str(report.pk) in building.report_sweep()
    report = wait_for(report, Report.Status.DONE)
    assert files_in(report) == [f"{report.pk}.pdf"]
    assert whole_and_hashed(report)


def test_a_worker_process_killed_in_the_middle_of_a_build_is_replaced_and_the_report_completes(celery_worker):
    """Really killed: the build is held half-way (a lock on the evidence table), its process gets SIGKILL.

    The broker redelivers the job (acks late), the new process takes the report over at once, and what
    is left is one whole file whose hash matches.
    """
    cast = build_cast()
    case = cast.case_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    locker = psycopg2.connect(**connection.get_connection_params())
    try:
        with locker.cursor() as cursor:
            # The case file reads the evidence table after its claim: the build stops there, half-way.
            cursor.execute("LOCK TABLE findings_evidence IN ACCESS EXCLUSIVE MODE")
        report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation,
                                         case=case)
        report = wait_for(report, Report.Status.RUNNING)
        first_claim = report.started_at
        time.sleep(0.3)  # into the read that waits for the lock
        victims = pool_children(celery_worker.process.pid)
        assert victims
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
    finally:
        locker.rollback()
        locker.close()

    report = wait_for(report, Report.Status.DONE, timeout=90)
    assert files_in(report) == [f"{report.pk}.pdf"]
    assert whole_and_hashed(report)
    assert report.started_at > first_claim  # built by a second claim, not by the killed process
    assert set(pool_children(celery_worker.process.pid)).isdisjoint(victims)
