"""How many pages one capture worker saves a minute, and how much memory it takes.

    .venv/bin/python -m benchmarks.capture_throughput [--pages 100] [--fresh 10]

One worker process captures ``--pages`` pages of the hostile test site (tests/hostile_site.py,
on loopback) one after the other, reusing one Chromium with a new context per capture, as the
production worker does (capture/engine.py says why that is safe). For comparison, ``--fresh``
more pages are captured with a browser started for each (``capture_page``). Memory is sampled
every 100 ms as the sum of the RSS of this Python process and of every process under it (the
Playwright driver and all Chromium processes); RSS counts shared pages once per process, so
the sum overstates what the machine really spends (PSS, also sampled, does not).

Runs on loopback only and stops by itself. Prints a table and one JSON line with the figures.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from capture import Capturer, capture_page
from tests.hostile_site import HostileSite


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, read from /proc (Linux, like the worker)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def memory_kib(pid: int) -> tuple[int, int, str]:
    """(RSS, PSS, command name) of one process; zeros when it has gone."""
    try:
        with open(f"/proc/{pid}/comm") as comm:
            name = comm.read().strip()
        rss = pss = 0
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
        return rss, pss, name
    except (OSError, ValueError, IndexError):
        return 0, 0, ""


class MemorySampler(threading.Thread):
    """Peak memory of the process tree under ``root`` (this process by default)."""

    def __init__(self, interval: float = 0.1, root: int | None = None):
        super().__init__(daemon=True)
        self.interval = interval
        self.root = root or os.getpid()
        self.stopping = threading.Event()
        self.peak = {"rss_kib": 0, "pss_kib": 0, "python_rss_kib": 0, "chromium_rss_kib": 0, "processes": 0}

    def run(self):
        while not self.stopping.wait(self.interval):
            totals = {"rss_kib": 0, "pss_kib": 0, "python_rss_kib": 0, "chromium_rss_kib": 0}
            pids = descendants(self.root)
            for pid in pids:
                rss, pss, name = memory_kib(pid)
                totals["rss_kib"] += rss
                totals["pss_kib"] += pss
                if pid == self.root:
                    totals["python_rss_kib"] = rss
                elif "chrom" in name:
                    totals["chromium_rss_kib"] += rss
            if totals["rss_kib"] > self.peak["rss_kib"]:
                self.peak = totals | {"processes": len(pids)}
            self.peak["pss_kib"] = max(self.peak["pss_kib"], totals["pss_kib"])

    def stop(self):
        self.stopping.set()
        self.join()


def run(pages: int, fresh: int) -> dict:
    durations, fresh_durations, failures = [], [], []
    with HostileSite() as site, tempfile.TemporaryDirectory() as folder:
        sampler = MemorySampler()
        sampler.start()
        started = time.monotonic()
        with Capturer() as capturer:
            for number in range(pages):
                began = time.monotonic()
                try:
                    result = capturer.capture(site.url(f"/page/{number}"), out_dir=Path(folder) / f"reused-{number}",
                                              allow_private=True)
                    assert result.complete
                except Exception as error:  # noqa: BLE001 - a benchmark counts failures, it does not stop
                    failures.append(f"{number}: {error}")
                durations.append(time.monotonic() - began)
        elapsed = time.monotonic() - started
        sampler.stop()
        for number in range(fresh):
            began = time.monotonic()
            capture_page(site.url(f"/page/{number}"), out_dir=Path(folder) / f"fresh-{number}", allow_private=True)
            fresh_durations.append(time.monotonic() - began)
    figures = {
        "pages": pages,
        "failures": failures,
        "elapsed_s": round(elapsed, 1),
        "pages_per_minute": round(pages / elapsed * 60, 1),
        "capture_s_median": round(statistics.median(durations), 2),
        "capture_s_p95": round(sorted(durations)[int(len(durations) * 0.95) - 1], 2),
        "peak_rss_mib": round(sampler.peak["rss_kib"] / 1024),
        "peak_pss_mib": round(sampler.peak["pss_kib"] / 1024),
        "peak_python_rss_mib": round(sampler.peak["python_rss_kib"] / 1024),
        "peak_chromium_rss_mib": round(sampler.peak["chromium_rss_kib"] / 1024),
        "processes_at_peak": sampler.peak["processes"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    if fresh_durations:
        figures["fresh_browser_capture_s_median"] = round(statistics.median(fresh_durations), 2)
        figures["fresh_browser_pages_per_minute"] = round(60 / statistics.mean(fresh_durations), 1)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="pages captured with one reused browser")
    parser.add_argument("--fresh", type=int, default=10, help="pages captured with a new browser each")
    args = parser.parse_args(argv)
    figures = run(args.pages, args.fresh)
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        if key != "failures":
            print(f"{key:<{width}}  {value}")
    print(f"{'failures':<{width}}  {len(figures['failures'])}")
    print(json.dumps(figures, sort_keys=True))
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
