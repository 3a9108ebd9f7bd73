"""(e) Cross-border matching against the million selectors of the big operation.

Moved here from the test suite (it measured, it did not test a rule). Two figures:

* a new finding matched against every stored selector: the median database time of
  ``match_selectors(finding=...)`` for 200 new suspects (target: under 5 ms), one in ten of
  which carries a number two other teams already hold (so hits are really made);
* a full re-match of 100,000 stored selectors (``match_pending``, what the sweep runs after
  ``Selector.objects.update(matched_at=None)``; target: under 60 s).

Run before the worker starts (benchmarks/run.py): the jobs the new suspects enqueue are purged,
so the timed calls are the only matching done.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from findings import services as findings
from findings.models import Hit, Selector
from hits.matching import match_pending, match_selectors
from identifiers.extraction import selectors_in_text
from operations.models import Operation

NEW_FINDINGS = 200
REMATCH = 100_000
TARGET_MATCH_MS, TARGET_REMATCH_S = 5.0, 60.0


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


def measure(*, operation: Operation, analyst: str = "bench.de0", others=("FR", "AT"), rematch: int = REMATCH) -> dict:
    user = get_user_model().objects.get(username=analyst)
    other_users = {team: get_user_model().objects.get(username=f"bench.{team.lower()}0") for team in others}
    texts = [f"Books via 0151 {n * 5 + 7:08d}" for n in range(NEW_FINDINGS)]
    # Every tenth number is already held by two other teams: those suspects must make two hits each.
    held = [next(iter(selectors_in_text(text, region="DE"))) for text in texts[::10]]
    now = timezone.now()
    Selector.objects.bulk_create(
        Selector(operation=operation, team=team, created_by=other_users[team], kind=found.kind, value=found.value,
                 matched_at=now)
        for found in held for team in others
    )
    hits_before = Hit.objects.count()
    database_ms, wall_ms = [], []
    for n, text in enumerate(texts):
        suspect = findings.suspect_log(user=user, operation=operation, alias=f"Bench suspect {n}", notes=text)
        timer = DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            match_selectors(finding=suspect)
        wall_ms.append((time.perf_counter() - started) * 1000)
        database_ms.append(timer.seconds * 1000)
    new_hits = Hit.objects.count() - hits_before

    rematch = min(rematch, Selector.objects.count())
    last = Selector.objects.order_by("pk").values_list("pk", flat=True)[rematch - 1]
    Selector.objects.filter(pk__lte=last).update(matched_at=None)
    hits_before = Hit.objects.count()
    started = time.perf_counter()
    matched = match_pending()
    rematch_s = time.perf_counter() - started
    ordered = sorted(database_ms)
    result = {
        "stored_selectors": Selector.objects.count(),
        "new_findings": NEW_FINDINGS,
        "new_finding_db_median_ms": round(statistics.median(database_ms), 2),
        "new_finding_db_p95_ms": round(ordered[int(len(ordered) * 0.95)], 2),
        "new_finding_wall_median_ms": round(statistics.median(wall_ms), 2),
        "hits_made": new_hits,
        "hits_expected": 2 * len(held),
        "rematched": matched,
        "rematch_s": round(rematch_s, 1),
        "rematch_hits": Hit.objects.count() - hits_before,
    }
    result["met"] = (result["new_finding_db_median_ms"] < TARGET_MATCH_MS and rematch_s < TARGET_REMATCH_S
                     and new_hits == 2 * len(held) and matched == rematch)
    return result
