"""Where a page's time goes: one analyst's requests, one at a time, through the whole Django stack.

    .venv/bin/python -m benchmarks.profile_pages [--requests 200] [--top 25]

Needs the benchmark operation seeded in the database of DATABASE_URL (``make bench`` seeds it;
``python -m benchmarks.seed --scale 0.05`` for a small one). For each page — the workspace, the htmx
list (a filtered feed), a case page — it measures the server time of each request (median and p95,
through the WSGI handler with every middleware, as gunicorn runs it), then profiles the same
requests with cProfile and prints the time spent inside each part of the stack (middleware and
login, templates of either engine, form widgets, SQL waited for and built, model instances, the
access rule, the audit trail) and the top functions. Both the wall time and the process's CPU
time are given: on a shared machine the CPU time is the figure that compares between runs.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from findings.models import Case, DetectedUrl  # noqa: E402

from .seed import CODE  # noqa: E402

# Where a request's time goes: the time spent inside these functions (cProfile's cumulative time,
# which counts a recursive call once). The parts nest — SQL runs inside templates that iterate a
# queryset, widgets render inside the page's template — so they overlap and do not add up.
PARTS = [
    ("middleware, session and login (before the view)", None),
    ("Django templates (the page, includes)", ("django/template/base.py", "render", "max")),
    ("Jinja2 templates (the findings list; widgets too)", ("jinja2/environment.py", "render", "max")),
    ("form widgets", ("django/forms/renderers.py", "render", "max")),
    ("SQL: waiting for PostgreSQL", ("~", "<method 'execute' of 'psycopg2.extensions.cursor' objects>", "sum")),
    ("SQL: building queries (ORM compiler)", ("django/db/models/sql/compiler.py", "as_sql", "sum")),
    ("model instances from rows", ("django/db/models/base.py", "from_db", "sum")),
    ("the access rule (its costliest entry)", ("operations/access.py", None, "max")),
    ("audit trail (appending the consultation)", ("audit/trail.py", "record", "max")),
]


def analyst() -> Client:
    user = get_user_model().objects.get(username="bench.de0")
    client = Client()
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def pages(client) -> dict:
    case = Case.objects.filter(operation__code=CODE, team="DE").order_by("-created_at").first()
    url = DetectedUrl.objects.filter(operation__code=CODE, team="DE", case__isnull=False).order_by("-pk").first()
    workspace = f"/operations/{CODE}/workspace/"
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "feed", "HTTP_HX_CURRENT_URL": workspace}
    return {
        "workspace page": lambda: client.get(workspace),
        "htmx list (URLs, older page)": lambda: client.get(workspace + "?kind=url", **htmx),
        "case page": lambda: client.get(f"/operations/{CODE}/cases/{case.reference}/"),
        "URL page": lambda: client.get(f"/operations/{CODE}/findings/url/{url.pk}/"),
    }


def timed(request, count: int) -> tuple[list[float], list[float]]:
    """Each request's wall time and this process's CPU time for it (ms), each sorted. On a shared,
    noisy machine the CPU time is what compares from run to run; it leaves out PostgreSQL's own."""
    times, cpu = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = request()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return sorted(times), sorted(cpu)


def parts_of(stats: pstats.Stats, requests: int) -> dict[str, float]:
    """Milliseconds per request spent inside each part (see PARTS)."""
    entries = stats.stats.items()
    view = max((ct for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in entries
                if filename.endswith("django/core/handlers/base.py") and name == "_get_response"), default=0.0)
    total = max(ct for (_f, _l, _n), (_cc, _nc, _tt, ct, _callers) in entries)
    parts = {}
    for label, where in PARTS:
        if where is None:
            seconds = total - view
        else:
            file, function, how = where
            times = [tt if file == "~" else ct for (filename, _line, name), (_cc, _nc, tt, ct, _callers) in entries
                     if filename.endswith(file) and (function is None or name == function)]
            seconds = max(times, default=0.0) if how == "max" else sum(times)
        parts[label] = 1000 * seconds / requests
    parts["the whole request"] = 1000 * total / requests
    return parts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--times-only", action="store_true",
                        help="only the medians, no profile: to compare two code versions run one after the other")
    args = parser.parse_args(argv)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = analyst()
    for name, request in pages(client).items():
        timed(request, 10)  # warm: connections, caches, compiled templates
        times, cpu = timed(request, args.requests)
        if args.times_only:
            print(f"{name}: median {statistics.median(times):.1f} ms, CPU median {statistics.median(cpu):.1f} ms")
            continue
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            request()
        profiler.disable()
        stats = pstats.Stats(profiler)
        print(f"\n=== {name}: median {statistics.median(times):.1f} ms, "
              f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms, fastest {times[0]:.1f} ms, "
              f"CPU median {statistics.median(cpu):.1f} ms "
              f"(one at a time, {args.requests} requests; load average {os.getloadavg()[0]:.2f})")
        print("  under the profiler, ms per request (parts nest, see PARTS):")
        for part, ms in parts_of(stats, args.requests).items():
            print(f"  {part:<52} {ms:7.2f}")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-4000:])


if __name__ == "__main__":
    main()
