"""Benchmark: matching against 1,000,000 stored selectors (targets from issue 8).

- the median database time to match one new finding: under 5 ms;
- re-matching 100,000 selectors: under 60 s.

Slow (about a minute), so it runs only when asked:

    ACTIONDAY_BENCH=1 bash scripts/test.sh tests/test_matching_benchmark.py -q -s
"""

import os
import statistics
import time

import pytest
from django.db import connection

from findings import services as findings
from findings.matching import match_pending, match_selectors
from findings.models import Hit, Selector

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("ACTIONDAY_BENCH"), reason="benchmark: set ACTIONDAY_BENCH=1 to run"),
]

STORED = 1_000_000
REPEATS = 2_000  # value ids 0..1999 are held twice, by two different teams
NEW_FINDINGS = 200
REMATCH = 100_000
TEAMS = ["AT", "BE", "CY", "CZ", "FI", "FR", "GR", "HU", "IE", "IT", "LV", "NL", "PL", "PT", "RO", "SK", "ES",
         "SE", "UA", "GB"]


class DatabaseTimer:
    """Adds up the time spent in database round trips (``connection.execute_wrapper``)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def store_selectors(cast):
    """1,000,000 selectors of 20 teams (not DE) over two operations: phones, e-mails, wallets, handles, URLs."""
    modulus = STORED - REPEATS
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO findings_selector (operation_id, team, created_by_id, created_at, updated_at, kind, value,
                                           matched_at)
            SELECT CASE WHEN i %% 3 = 0 THEN %(other)s ELSE %(operation)s END,
                   (%(teams)s::text[])[1 + (i + i / %(modulus)s) %% 20],
                   %(user)s, now(), now(),
                   (ARRAY['phone', 'email', 'wallet', 'handle', 'url'])[1 + i %% 5],
                   CASE i %% 5
                       WHEN 0 THEN '+49151' || lpad((i %% %(modulus)s)::text, 8, '0')
                       WHEN 1 THEN 'user' || (i %% %(modulus)s) || '@example.com'
                       WHEN 2 THEN 'eth:0x' || md5((i %% %(modulus)s)::text) || '00000000'
                       WHEN 3 THEN 'telegram:handle_' || (i %% %(modulus)s)
                       ELSE 'https://site' || (i %% %(modulus)s) || '.example/'
                   END,
                   now()
            FROM generate_series(0, %(stored)s - 1) AS i
            """,
            {"operation": cast.operation.pk, "other": cast.other_operation.pk, "teams": TEAMS, "user": cast.de.pk,
             "modulus": modulus, "stored": STORED},
        )
        cursor.execute("ANALYZE findings_selector")


def test_matching_against_a_million_selectors(cast):
    started = time.perf_counter()
    store_selectors(cast)
    print(f"\nstored {Selector.objects.count():,} selectors in {time.perf_counter() - started:.1f} s")

    # One new finding at a time, as analysts log them; every tenth one holds a number another team has.
    database_ms, wall_ms = [], []
    for n in range(NEW_FINDINGS):
        number = f"0151 {n * 5:08d}" if n % 10 == 0 else f"0151 9{n:07d}"
        suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias=f"S{n}", notes=f"Tel {number}")
        timer = DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            match_selectors(finding=suspect)
        wall_ms.append((time.perf_counter() - started) * 1000)
        database_ms.append(timer.seconds * 1000)
    hits = Hit.objects.count()
    print(f"matched {NEW_FINDINGS} new findings ({hits} hits): database time median "
          f"{statistics.median(database_ms):.2f} ms, p95 {sorted(database_ms)[int(NEW_FINDINGS * .95)]:.2f} ms; "
          f"wall median {statistics.median(wall_ms):.2f} ms")
    assert hits == 2 * (NEW_FINDINGS // 10)  # those numbers are held by two other teams each
    assert statistics.median(database_ms) < 5

    first = Selector.objects.order_by("pk").values_list("pk", flat=True)[REMATCH - 1]
    Selector.objects.filter(pk__lte=first).update(matched_at=None)
    started = time.perf_counter()
    matched = match_pending()
    seconds = time.perf_counter() - started
    print(f"re-matched {matched:,} selectors in {seconds:.1f} s ({Hit.objects.count() - hits} new hits)")
    assert matched == REMATCH
    assert seconds < 60
