"""Where a page's time goes: one analyst's requests, one at a time, through the whole Django stack.

    .venv/bin/python -m benchmarks.profile_pages [--requests 200] [--top 25]

Needs the benchmark operation seeded in the database of DATABASE_URL (``make bench`` seeds it;
``python -m benchmarks.seed --scale 0.05`` for a small one). For each page — the workspace, the htmx
list (a filtered feed), a case page — it measures the server time of each request (median and p95,
through the WSGI handler with every middleware, as gunicorn runs it), then profiles the same
requests with cProfile and prints the top functions and the time per part of the stack: middleware,
session and login, two-factor, the access rule, SQL, templates, the audit trail.
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

from findings.models import Case  # noqa: E402

from .seed import CODE  # noqa: E402

# Parts of the stack, by the file a profiled function lives in (first match wins).
PARTS = [
    ("SQL (driver and ORM compiler)", ("psycopg2", "django/db/")),
    ("templates", ("django/template/", "templatetags")),
    ("sessions and login", ("django/contrib/sessions", "django/contrib/auth", "axes/")),
    ("two-factor", ("django_otp", "accounts/")),
    ("the access rule", ("operations/access.py",)),
    ("audit trail", ("audit/",)),
    ("middleware", ("django/middleware", "whitenoise", "django_htmx", "config/middleware.py")),
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
    workspace = f"/operations/{CODE}/workspace/"
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "feed", "HTTP_HX_CURRENT_URL": workspace}
    return {
        "workspace page": lambda: client.get(workspace),
        "htmx list (URLs, older page)": lambda: client.get(workspace + "?kind=url", **htmx),
        "case page": lambda: client.get(f"/operations/{CODE}/cases/{case.reference}/"),
    }


def timed(request, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return sorted(times)


def parts_of(stats: pstats.Stats) -> dict[str, float]:
    """Own (tottime) seconds per part of the stack."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        part = next((label for label, marks in PARTS if any(m in filename for m in marks)), "everything else")
        totals[part] = totals.get(part, 0.0) + tottime
    return totals


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = analyst()
    for name, request in pages(client).items():
        timed(request, 10)  # warm: connections, caches, compiled templates
        times = timed(request, args.requests)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            request()
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = sum(parts_of(stats).values())
        print(f"\n=== {name}: median {statistics.median(times):.1f} ms, "
              f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms (one at a time, {args.requests} requests)")
        for part, seconds in sorted(parts_of(stats).items(), key=lambda item: -item[1]):
            print(f"  {part:<32} {1000 * seconds / args.requests:6.2f} ms/request  {100 * seconds / total:5.1f} %")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-4000:])


if __name__ == "__main__":
    main()
