"""The cost of the access rule: the same URL list through visible_to(user) and by operation only.

    python -m benchmarks.access_rule --urls 100000 --runs 7

Seeds (once) an operation with 26 country teams and N detected URLs spread over them, with a
few shared cases, then times, for an analyst and for a coordinator:
  * page: the newest 50 URLs (what a list page shows);
  * all: the ids of every URL (what an export reads).
Prints medians and the ratio visible_to / operation-only. Needs PostgreSQL (DATABASE_URL).
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from findings.models import DetectedUrl  # noqa: E402
from operations.countries import COUNTRY_NAMES  # noqa: E402
from operations.models import Agency, Membership, Operation  # noqa: E402

TEAMS = [c for c in COUNTRY_NAMES if c != "EU"][:26]
CODE = "BENCH-ACCESS"


def seed(n_urls: int):
    User = get_user_model()
    operation = Operation.objects.filter(code=CODE).first()
    if operation and DetectedUrl.objects.filter(operation=operation).count() == n_urls:
        return operation
    with transaction.atomic():
        agency, _ = Agency.objects.get_or_create(name="Bench police", country="NL", kind="police")
        operation, _ = Operation.objects.get_or_create(
            code=CODE,
            defaults={
                "name": "Access-rule bench",
                "lead_agency": agency,
                "status": "active",
                "starts_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                "ends_at": dt.datetime(2026, 1, 8, tzinfo=dt.UTC),
            },
        )
        DetectedUrl.objects.filter(operation=operation).delete()
        users = {}
        for team in TEAMS:
            users[team], _ = User.objects.get_or_create(username=f"bench.{team.lower()}")
            Membership.objects.get_or_create(user=users[team], operation=operation,
                                             defaults={"role": "analyst", "team": team})
        coordinator, _ = User.objects.get_or_create(username="bench.coordinator")
        Membership.objects.get_or_create(user=coordinator, operation=operation,
                                         defaults={"role": "coordinator", "team": "NL"})
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        batch = []
        for i in range(n_urls):
            team = TEAMS[i % len(TEAMS)]
            batch.append(DetectedUrl(operation=operation, team=team, created_by=users[team],
                                     created_at=start + dt.timedelta(seconds=i),
                                     url=f"https://site{i % 997}.example/ad/{i}", host=f"site{i % 997}.example"))
            if len(batch) == 10000:
                DetectedUrl.objects.bulk_create(batch)
                batch = []
        DetectedUrl.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE findings_detectedurl")
    return operation


def median_ms(run, queryset, runs):
    run(queryset)  # warm caches and connection
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        run(queryset)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL (scripts/bench.sh does).")
    t = time.perf_counter()
    operation = seed(args.urls)
    seed_s = time.perf_counter() - t
    User = get_user_model()
    results = {"urls": args.urls, "runs": args.runs, "seed_seconds": round(seed_s, 1), "cases": {}}
    for who in ("bench.de", "bench.coordinator"):
        user = User.objects.get(username=who)
        by_operation = DetectedUrl.objects.filter(operation=operation)
        by_rule = DetectedUrl.objects.visible_to(user).filter(operation=operation)
        for shape, run in {
            "page of 50": lambda qs: list(qs.order_by("-created_at", "-id")[:50]),
            f"all {args.urls} ids": lambda qs: list(qs.values_list("id", flat=True)),
        }.items():
            plain = median_ms(run, by_operation, args.runs)
            ruled = median_ms(run, by_rule, args.runs)
            results["cases"][f"{who} / {shape}"] = {
                "operation_only_ms": round(plain, 2),
                "visible_to_ms": round(ruled, 2),
                "ratio": round(ruled / plain, 2),
            }
    width = max(len(k) for k in results["cases"])
    print(f"{'query':<{width}}  operation only  visible_to   ratio")
    for name, r in results["cases"].items():
        print(f"{name:<{width}}  {r['operation_only_ms']:>11.2f} ms {r['visible_to_ms']:>8.2f} ms  {r['ratio']:>5.2f}")
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
