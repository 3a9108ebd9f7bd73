"""Benchmark: a case file with 5,000 URLs and 500 evidence items (targets from issue 6).

- built in under 10 s;
- the building process peaks under 300 MB resident memory.

Slow to seed (about half a minute), so it runs only when asked:

    ACTIONDAY_BENCH=1 bash scripts/test.sh tests/test_pdf_benchmark.py -q -s
"""

import hashlib
import os
import subprocess
import time

import pytest
from django.utils import timezone

import audit
from findings.models import DetectedUrl, Evidence, Indicator
from reports import building
from reports.models import Report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("ACTIONDAY_BENCH"), reason="benchmark: set ACTIONDAY_BENCH=1 to run"),
]

URLS, EVIDENCE = 5_000, 500
SECONDS, MEGABYTES = 10, 300


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


def rss_mb(field: str = "VmHWM") -> float:
    """VmHWM: the peak resident memory of this process; VmRSS: the current one."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets the high-water mark of resident memory (VmHWM).
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def a_big_case(cast):
    case = cast.case_of(cast.de, title="Benchmark: a large escort network", handling_code="H2")
    now = timezone.now()
    common = {"operation": cast.operation, "team": "DE", "created_by": cast.de, "case": case}
    urls = DetectedUrl.objects.bulk_create(
        DetectedUrl(url=f"https://escortguide.example/city-{n % 40}/profile/{n:05d}-{'x' * (n % 60)}",
                    host="escortguide.example", platform=cast.platform, created_at=now, **common)
        for n in range(URLS)
    )
    indicators = list(Indicator.objects.all()[:3])
    through = DetectedUrl.indicators.through
    through.objects.bulk_create(
        through(detectedurl_id=url.pk, indicator_id=indicators[n % len(indicators)].pk)
        for n, url in enumerate(urls) if n % 5 == 0
    )
    evidence = Evidence.objects.bulk_create(
        Evidence(file=f"evidence/{cast.operation.pk}/{n:032x}", sha256=hashlib.sha256(str(n).encode()).hexdigest(),
                 size=150_000 + n, content_type="image/png", original_name=f"screenshot-{n:03d}.png",
                 description="Screenshot of the advert", source_url=f"https://escortguide.example/profile/{n:05d}",
                 captured_at=now, captured_by=cast.de, **common)
        for n in range(EVIDENCE)
    )
    for record in (*urls, *evidence):  # one "collected" event each, as the services would write
        audit.record(actor=cast.de, action="collect", obj=record, summary="logged")
    return case


def test_a_case_file_with_5000_urls_and_500_evidence_items(cast, capsys):
    case = a_big_case(cast)
    report = building.report_request(user=cast.coordinator, kind="case_file", operation=cast.operation, case=case)

    reset_peak_rss()
    before = rss_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    assert building.report_build(report.pk) == "built"
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = rss_mb("VmHWM")

    report.refresh_from_db()
    pages = subprocess.run(["pdfinfo", report.file.path], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in pages.splitlines() if line.startswith("Pages:")).split()[1])
    size_mb = os.path.getsize(report.file.path) / 1024 / 1024
    with capsys.disabled():
        print(f"\ncase file: {URLS} URLs, {EVIDENCE} evidence items, {URLS + EVIDENCE + 2} audit events -> "
              f"{pages} pages, {size_mb:.1f} MB; built in {seconds:.2f} s ({cpu:.2f} s CPU), "
              f"peak RSS {peak:.0f} MB (the test process held {before:.0f} MB before the build)")
    assert report.status == Report.Status.DONE
    assert seconds < SECONDS
    assert peak < MEGABYTES
