"""The whole Celery worker is killed (SIGKILL, as by the OOM killer or a host crash) in the middle of
building a report: after a restart the report is built, once.

Nobody tells the broker that the job died: its message stays unacknowledged in Redis, and the
report stays "running". Two things bring it back, and the claim in ``reports.building`` lets only
one of them build: the sweep (beat, every minute) re-sends a report running longer than any live
build can take, and Redis hands the dead worker's message out again after its visibility timeout.
"""

import base64
import datetime as dt
import hashlib
import json
import os
import signal
import time
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import F

from reports import building
from reports.models import Report
from reports.tasks import sweep_reports

from .conftest import ROOT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout} s for {what}")


def status_of(report) -> str:
    report.refresh_from_db()
    return report.status


def kill_worker(worker) -> None:
    """SIGKILL the worker's main process and its pool processes at once: nothing gets to clean up."""
    pid = worker.process.pid
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        pool = [int(child) for child in children.read().split()]
    for victim in [pid, *pool]:
        os.kill(victim, signal.SIGKILL)
    worker.process.wait(timeout=10)
    worker.log.close()


def unacked_builds(broker) -> dict[str, str]:
    """Build jobs that a worker took and has not acknowledged (kombu's "unacked" hash): {job id: report id}."""
    jobs = {}
    for raw in broker.hvals("unacked"):
        message = json.loads(raw)[0]
        if message["headers"].get("task") != "reports.build_report":
            continue
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        jobs[message["headers"]["id"]] = args[0]
    return jobs


def unacked_build(broker, report) -> str | None:
    return next((job for job, report_id in unacked_builds(broker).items() if report_id == str(report.pk)), None)


def redeliver_unacked_now() -> None:
    """What Redis does once the visibility timeout (an hour by default) has passed: put the
    unacknowledged messages back in the queue, marked redelivered."""
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, transport_options={"visibility_timeout": 0}) as broker:
        broker.default_channel.qos.restore_visible(num=None, interval=1)


def test_a_worker_killed_mid_build_builds_the_report_once_after_a_restart(celery_worker, cast):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    case = cast.case_of(cast.de)
    locker = psycopg2.connect(**connection.get_connection_params())
    try:
        with locker.cursor() as cursor:
            # The case file reads the evidence table after its claim: the build waits there, half-way.
            cursor.execute("LOCK TABLE findings_evidence IN ACCESS EXCLUSIVE MODE")
        report = building.report_request(user=cast.de, kind="case_file", operation=cast.operation, case=case)
        wait_for(lambda: status_of(report) == Report.Status.RUNNING, "the build to start")
        time.sleep(0.3)
        dead_job = unacked_build(broker, report)
        assert dead_job, "the running build's message should be held, unacknowledged, by the worker"
        kill_worker(celery_worker)
    finally:
        locker.rollback()
        locker.close()

    time.sleep(1)
    assert status_of(report) == Report.Status.RUNNING  # nobody noticed: the report is stuck
    assert unacked_build(broker, report) == dead_job
    celery_worker.start()

    # Six minutes later as far as the sweep can tell (longer than any live build may run), beat sends the sweep.
    Report.objects.filter(pk=report.pk).update(started_at=F("started_at") - building.STALE_AFTER)
    sweep_reports.delay()
    wait_for(lambda: status_of(report) == Report.Status.DONE, "the swept report to be built")
    built = (report.sha256, report.started_at, report.finished_at)

    # Then Redis hands the dead worker's message out again: that build finds the report done and does nothing.
    log = Path(ROOT / "var" / "test-worker.log")
    redeliver_unacked_now()
    wait_for(lambda: f"reports.build_report[{dead_job}] succeeded" in log.read_text(errors="replace"),
             "the redelivered job to run")
    line = next(line for line in log.read_text(errors="replace").splitlines()
                if f"reports.build_report[{dead_job}] succeeded" in line)
    assert line.endswith("'skipped'")
    assert dead_job not in unacked_builds(broker)  # acknowledged at last

    report.refresh_from_db()
    assert (report.sha256, report.started_at, report.finished_at) == built
    assert report.progress == 100 and report.finished_at - report.started_at < dt.timedelta(minutes=1)
    folder = Path(report.file.path).parent
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith((f"{report.pk}", f".{report.pk}"))) == [
        f"{report.pk}.pdf"
    ]  # one whole file, and the dead build's temporary file is gone
    assert hashlib.sha256(Path(report.file.path).read_bytes()).hexdigest() == report.sha256
