"""Building a report is a job that can fail, race, die and be swept up — and never leaves half a file."""

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from findings import services as findings
from reports import building, pdf, tasks
from reports.models import Report

from .cast import build_cast


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def no_enqueue(monkeypatch):
    """The job is run by hand in these tests; nothing goes to Redis."""
    monkeypatch.setattr(building, "enqueue_on_commit", lambda *args, **kwargs: None)


def folder_of(report) -> Path:
    return Path(Report._meta.get_field("file").storage.path(f"reports/{report.operation_id}"))


def summary_of(cast) -> Report:
    return building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)


@pytest.mark.django_db
def test_a_failed_build_says_why_and_can_be_retried(cast, no_enqueue):
    case = cast.case_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation, case=case)
    findings.case_unshare_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)

    assert building.report_build(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "may no longer see what it covers" in report.error
    assert not report.file and not report.sha256

    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    assert building.report_retry(user=cast.prosecutor, report=report).status == Report.Status.QUEUED
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (Report.Status.DONE, 100, "")


@pytest.mark.django_db
def test_a_crash_in_the_builder_is_recorded_and_leaves_no_file(cast, no_enqueue, monkeypatch):
    def crash(report, out, **kwargs):
        out.write(b"%PDF-1.4 half a document")
        raise OSError("No space left on device")

    monkeypatch.setattr(pdf, "render", crash)
    report = summary_of(cast)
    assert building.report_build(report.pk) == "failed"
    report.refresh_from_db()
    assert report.error == "The build failed (OSError: No space left on device)."
    assert list(folder_of(report).iterdir()) == []


@pytest.mark.django_db
def test_only_a_failed_report_can_be_retried_and_only_by_whoever_may_have_it(cast, no_enqueue):
    from django.core.exceptions import PermissionDenied, ValidationError

    report = summary_of(cast)
    with pytest.raises(ValidationError):
        building.report_retry(user=cast.coordinator, report=report)  # queued, not failed
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error="boom")
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        building.report_retry(user=cast.de, report=report)


@pytest.mark.django_db(transaction=True)
def test_two_builds_of_one_report_at_once_build_it_once(no_enqueue, monkeypatch):
    cast = build_cast()
    report = summary_of(cast)
    renders = []
    real_render = pdf.render

    def slow_render(report, out, **kwargs):
        renders.append(report.pk)
        time.sleep(0.5)  # long enough for the other call to try its claim meanwhile
        real_render(report, out, **kwargs)

    monkeypatch.setattr(pdf, "render", slow_render)
    start = threading.Barrier(2)
    results = []

    def build():
        try:
            start.wait()
            results.append(building.report_build(report.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["built", "skipped"]
    assert len(renders) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert [p.name for p in folder_of(report).iterdir()] == [f"{report.pk}.pdf"]


@pytest.mark.django_db
def test_a_done_report_is_never_built_again(cast, no_enqueue):
    report = summary_of(cast)
    building.report_build(report.pk)
    report.refresh_from_db()
    assert building.report_build(report.pk) == "skipped"
    assert building.report_build(report.pk, takeover=True) == "skipped"
    assert Report.objects.get(pk=report.pk).sha256 == report.sha256


@pytest.mark.django_db
def test_a_build_running_elsewhere_is_left_alone_unless_its_job_was_redelivered(cast, no_enqueue):
    report = summary_of(cast)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=timezone.now())
    assert building.report_build(report.pk) == "skipped"
    assert building.report_build(report.pk, takeover=True) == "built"


@pytest.mark.django_db
def test_a_build_whose_claim_was_taken_over_stops_and_publishes_nothing(cast, no_enqueue, monkeypatch):
    report = summary_of(cast)
    real_render = pdf.render

    def overtaken(report, out, **kwargs):
        # Another worker takes the report over while this one renders (it presumed this one dead).
        Report.objects.filter(pk=report.pk).update(started_at=timezone.now() + dt.timedelta(seconds=1))
        real_render(report, out, **kwargs)

    monkeypatch.setattr(pdf, "render", overtaken)
    assert building.report_build(report.pk) == "superseded"
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING and not report.file
    assert list(folder_of(report).iterdir()) == []


@pytest.mark.django_db
def test_a_dead_build_is_rebuilt_and_its_half_file_removed(cast, no_enqueue):
    """A worker killed mid-build: the report stays running with an old start and a stray temporary file."""
    report = summary_of(cast)
    dead_since = timezone.now() - building.STALE_AFTER - dt.timedelta(seconds=1)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=dead_since, progress=40)
    folder = folder_of(report)
    folder.mkdir(parents=True)
    (folder / f".{report.pk}.k1ll3d.part").write_bytes(b"%PDF-1.4 half a file")

    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert sorted(p.name for p in folder.iterdir()) == [f"{report.pk}.pdf"]


@pytest.mark.django_db
def test_a_report_whose_worker_dies_every_time_is_given_up_with_the_reason_and_can_be_retried(
        cast, no_enqueue, monkeypatch):
    report = summary_of(cast)
    sent = []
    monkeypatch.setattr(building, "send_now", lambda name, report_id, **kwargs: sent.append(report_id))

    def worker_dies_mid_build():
        claim = building._claim(report.pk, takeover=False)
        assert claim is not None  # a build starts...
        dead_since = timezone.now() - building.STALE_AFTER - dt.timedelta(seconds=1)
        Report.objects.filter(pk=report.pk).update(started_at=dead_since)  # ...and its worker is never heard of again

    for attempt in range(1, building.MAX_ATTEMPTS + 1):
        worker_dies_mid_build()
        assert Report.objects.get(pk=report.pk).attempts == attempt
        assert building.report_sweep() == [str(report.pk)]  # sent again: it may still build
    # The sweep's message is taken: no more attempts, so no build; the report fails and says why.
    assert building.report_build(report.pk) == "skipped"
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert f"stopped {building.MAX_ATTEMPTS} times" in report.error
    sent.clear()
    assert building.report_sweep() == [] and sent == []  # no longer sent again and again

    # Someone retries it (the cause may be gone): the count starts over and it builds.
    assert building.report_retry(user=cast.coordinator, report=report).attempts == 0
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.DONE, 1)


@pytest.mark.django_db
def test_a_live_build_is_never_given_up_even_when_a_redelivered_job_finds_no_attempts_left(cast, no_enqueue):
    report = summary_of(cast)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=timezone.now(),
                                               attempts=building.MAX_ATTEMPTS)
    assert building.report_build(report.pk, takeover=True) == "skipped"
    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.RUNNING, "")  # the live build goes on


@pytest.mark.django_db
def test_the_sweep_sends_again_only_what_is_stuck(cast, no_enqueue, monkeypatch):
    sent = []
    monkeypatch.setattr(building, "send_now", lambda name, report_id, **kwargs: sent.append(report_id))
    now = timezone.now()

    def report_in(status, **fields):
        report = Report.objects.create(kind="operation_summary", operation=cast.operation,
                                       requested_by=cast.coordinator)
        Report.objects.filter(pk=report.pk).update(status=status, **fields)
        return str(report.pk)

    lost_enqueue = report_in("queued", requested_at=now - dt.timedelta(minutes=5))
    dead_worker = report_in("running", started_at=now - dt.timedelta(hours=1))
    report_in("queued", requested_at=now)  # its own enqueue is still on the way
    report_in("running", started_at=now - dt.timedelta(seconds=30))  # still building
    report_in("failed", error="boom")  # waits for someone to retry it
    assert sorted(building.report_sweep()) == sorted([lost_enqueue, dead_worker]) == sorted(sent)


@pytest.mark.django_db
def test_progress_is_recorded_as_the_build_goes(cast, no_enqueue, monkeypatch):
    seen = []
    real_progress = building._Claim.progress

    def record(self, percent):
        seen.append(percent)
        real_progress(self, percent)

    monkeypatch.setattr(building._Claim, "progress", record)
    report = summary_of(cast)
    building.report_build(report.pk)
    assert seen[0] == 40 and seen[-1] == 95 and seen == sorted(seen)
    assert Report.objects.get(pk=report.pk).progress == 100


@pytest.mark.django_db
def test_a_job_that_dies_around_the_build_marks_the_report_failed_with_the_reason(cast, no_enqueue):
    report = summary_of(cast)
    tasks.build_report.on_failure(OSError("database went away"), "a-task-id", (str(report.pk),), {}, None)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "database went away" in report.error
