"""Page captures through the production path: one Celery worker on the ``capture`` queue.

    DATABASE_URL=<a throwaway database> REDIS_URL=... .venv/bin/python -m benchmarks.capture_worker [--pages 100]

Where ``benchmarks/capture_throughput.py`` measures the engine alone, this one measures what an
analyst waits for: each capture is asked for through the service (``capture_request``), sent to a
real worker (``celery worker -Q capture --concurrency=1``, as docker-compose runs it), which drives
Chromium, hashes and stores five evidence files and writes the audit events. The clock runs from the
first request to the last capture done; memory is sampled every 100 ms over the worker's whole
process tree (Celery, its pool process, the Playwright driver, every Chromium process).

Migrates the database it is given and writes into it: use a throwaway one (as ``make bench`` does).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["CAPTURE_ALLOW_PRIVATE"] = "true"  # the test site is on loopback
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from benchmarks.capture_throughput import MemorySampler  # noqa: E402
from evidence.capturing import capture_request  # noqa: E402
from evidence.models import Capture  # noqa: E402
from findings.services import url_log  # noqa: E402
from operations.models import Membership  # noqa: E402
from tests.cast import add_member, make_operation  # noqa: E402
from tests.hostile_site import HostileSite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def start_worker(log) -> subprocess.Popen:
    env = os.environ | {"CAPTURE_ALLOW_PRIVATE": "true"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "capture", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "-n", f"capture-bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the capture worker exited; see its log")
        if app.control.ping(timeout=0.5):
            return worker
    raise RuntimeError("the capture worker did not answer in time")


def run(pages: int, log_path: Path) -> dict:
    call_command("migrate", verbosity=0)
    run_id = int(time.time())
    operation = make_operation(code=f"BENCH-CAPTURE-{run_id}")
    analyst = add_member(operation, Membership.Role.ANALYST, "DE", username=f"capture-bench-{run_id}")
    with HostileSite() as site, open(log_path, "ab") as log:
        urls = [url_log(user=analyst, operation=operation, raw_url=site.url(f"/page/{n}"))[0] for n in range(pages)]
        worker = start_worker(log)
        sampler = MemorySampler(root=worker.pid)
        sampler.start()
        try:
            started = time.monotonic()
            ids = [capture_request(user=analyst, url=url, own_origin="http://127.0.0.1:1").pk for url in urls]
            while Capture.objects.filter(pk__in=ids, status__in=Capture.PENDING).exists():
                if time.monotonic() - started > pages * 60:
                    raise RuntimeError("captures did not finish in time")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
        finally:
            sampler.stop()
            worker.terminate()
            worker.wait(timeout=60)
    done = Capture.objects.filter(pk__in=ids, status="done")
    durations = sorted((c.ended_at - c.started_at).total_seconds() for c in done)
    return {
        "pages": pages,
        "done": done.count(),
        "failed": list(Capture.objects.filter(pk__in=ids, status="failed").values_list("reason", flat=True)),
        "elapsed_s": round(elapsed, 1),
        "pages_per_minute": round(pages / elapsed * 60, 1),
        "browser_capture_s_median": round(durations[len(durations) // 2], 2) if durations else None,
        "peak_worker_rss_mib": round(sampler.peak["rss_kib"] / 1024),
        "peak_worker_pss_mib": round(sampler.peak["pss_kib"] / 1024),
        "peak_worker_python_rss_mib": round(sampler.peak["python_rss_kib"] / 1024),
        "peak_chromium_rss_mib": round(sampler.peak["chromium_rss_kib"] / 1024),
        "processes_at_peak": sampler.peak["processes"],
        "time_limit_s": settings.CAPTURE_TIME_LIMIT,
        "machine": f"{os.cpu_count()} cores",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--log", default=str(ROOT / "var" / "capture-bench-worker.log"))
    args = parser.parse_args(argv)
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    figures = run(args.pages, Path(args.log))
    for key, value in figures.items():
        if key != "failed":
            print(f"{key:<28}{value}")
    print(f"{'failed':<28}{len(figures['failed'])}")
    print(json.dumps(figures, sort_keys=True))
    return 1 if figures["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
