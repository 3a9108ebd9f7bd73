"""(d) Building the PDF reports of the big operation, through the Celery worker as in production.

Called by benchmarks/run.py while its worker runs: each report is asked for with
``reports.building.report_request`` (what the reports page does) and polled until it is done.
Kept per report: the wait in the queue, the build time the worker recorded, the file's size.
"""

import time

from django.contrib.auth import get_user_model

from findings.models import Case
from operations.models import Operation


def measure(*, operation: Operation, analyst: str = "bench.de0", coordinator: str = "bench.coordinator",
            team: str = "DE", timeout: float = 400) -> dict:
    try:
        from reports import building
        from reports.models import Report
    except ImportError:
        return {"skipped": "reports.building does not exist yet"}
    User = get_user_model()
    analyst_user, coordinator_user = User.objects.get(username=analyst), User.objects.get(username=coordinator)
    case = Case.objects.visible_to(analyst_user).filter(operation=operation, team=team).order_by("pk").first()
    asks = [
        ("operation summary", coordinator_user, {"kind": Report.Kind.OPERATION_SUMMARY}),
        ("case file", analyst_user, {"kind": Report.Kind.CASE_FILE, "case": case}),
        (f"country-team report ({team})", analyst_user, {"kind": Report.Kind.TEAM_REPORT, "team": team}),
    ]
    results = {}
    for name, user, kwargs in asks:
        started = time.perf_counter()
        report = building.report_request(user=user, operation=operation, **kwargs)
        deadline = started + timeout
        while time.perf_counter() < deadline:
            report.refresh_from_db()
            if report.status in (Report.Status.DONE, Report.Status.FAILED):
                break
            time.sleep(0.2)
        total = time.perf_counter() - started
        entry = {"status": report.status, "total_s": round(total, 2)}
        if report.started_at and report.finished_at:
            entry["build_s"] = round((report.finished_at - report.started_at).total_seconds(), 2)
            entry["queued_s"] = round((report.started_at - report.requested_at).total_seconds(), 2)
        if report.status == Report.Status.DONE:
            entry["megabytes"] = round(report.file.size / 1024 / 1024, 2)
        elif report.error:
            entry["error"] = report.error[:300]
        results[name] = entry
    return {"reports": results, "all_done": all(r["status"] == "done" for r in results.values())}


# --- a big case file, built in this process (moved here from tests/test_pdf_benchmark.py) -----------

BIG_URLS, BIG_EVIDENCE = 5_000, 500
BIG_TARGET_S, BIG_TARGET_MB = 10, 300


def _rss_mb(field: str) -> float:
    """VmHWM: the peak resident memory of this process; VmRSS: the current one."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def big_case_file(*, operation: Operation, analyst: str = "bench.de0") -> dict:
    """A case file with 5,000 URLs and 500 evidence items: built in under 10 s, under 300 MB peak."""
    try:
        from reports import building
        from reports.models import Report
    except ImportError:
        return {"skipped": "reports.building does not exist yet"}
    import hashlib

    from django.utils import timezone

    from audit.trail import record_many
    from findings import services as findings
    from findings.models import DetectedUrl, Evidence, Indicator
    from platforms.models import Platform

    user = get_user_model().objects.get(username=analyst)
    case = findings.case_create(user=user, operation=operation, title="Benchmark: a large escort network",
                                exploitation_type="sexual", handling_code="H2")
    platform = Platform.objects.filter(name__startswith="Bench platform").first()
    now = timezone.now()
    common = {"operation": operation, "team": case.team, "created_by": user, "case": case}
    urls = DetectedUrl.objects.bulk_create(
        DetectedUrl(url=f"https://big-case.example/city-{n % 40}/profile/{n:05d}-{'x' * (n % 60)}",
                    host="big-case.example", platform=platform, created_at=now, **common)
        for n in range(BIG_URLS)
    )
    indicators = list(Indicator.objects.all()[:3])
    through = DetectedUrl.indicators.through
    through.objects.bulk_create(through(detectedurl_id=url.pk, indicator_id=indicators[n % len(indicators)].pk)
                                for n, url in enumerate(urls) if n % 5 == 0 and indicators)
    evidence = Evidence.objects.bulk_create(
        Evidence(file=f"evidence/{operation.pk}/{n:032x}", sha256=hashlib.sha256(str(n).encode()).hexdigest(),
                 size=150_000 + n, content_type="image/png", original_name=f"screenshot-{n:03d}.png",
                 description="Screenshot of the advert", source_url=f"https://big-case.example/profile/{n:05d}",
                 captured_at=now, captured_by=user, **common)
        for n in range(BIG_EVIDENCE)
    )
    record_many(actor=user, action="collect", objects=[*urls, *evidence], summary="logged")
    # Stored as queued and built here, not by the worker: this process's time and memory are the figures.
    report = Report.objects.create(kind=Report.Kind.CASE_FILE, operation=operation, case=case, requested_by=user)
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # Linux: reset the high-water mark of resident memory
    before = _rss_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    outcome = building.report_build(report.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _rss_mb("VmHWM")
    report.refresh_from_db()
    return {
        "urls": BIG_URLS, "evidence": BIG_EVIDENCE, "outcome": outcome, "status": report.status,
        "build_s": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(peak),
        "rss_before_mb": round(before),
        "megabytes": round(report.file.size / 1024 / 1024, 2) if report.status == Report.Status.DONE else None,
        "met": report.status == Report.Status.DONE and seconds < BIG_TARGET_S and peak < BIG_TARGET_MB,
    }
