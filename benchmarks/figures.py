"""(c) Compiling the figures of the big operation (``reports.statistics.compile_figures``).

    python -m benchmarks.figures            # on the operation benchmarks/seed.py made

The statistics job runs this every minute while an operation is active, so its time is both how
fresh the dashboard is and how much of the database it takes. Timed after a warm-up; the number
of SQL queries and the slowest of them are kept for the report, and the compile is compared with
one hand-written GROUP BY over the same rows (findings per team across the six finding tables),
the least any compile has to do. (Moved here from tests/test_statistics_benchmark.py, target
then: under 2 s for a million findings.)
"""

import argparse
import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from operations.models import Operation  # noqa: E402

from .seed import CODE  # noqa: E402

TARGET_S = 2.0
BASELINE = """
SELECT team, count(*) FROM (
    SELECT team FROM findings_case WHERE operation_id = %(op)s
    UNION ALL SELECT team FROM findings_suspect WHERE operation_id = %(op)s
    UNION ALL SELECT team FROM findings_possiblevictim WHERE operation_id = %(op)s
    UNION ALL SELECT team FROM findings_detectedurl WHERE operation_id = %(op)s
    UNION ALL SELECT team FROM findings_socialaccount WHERE operation_id = %(op)s
    UNION ALL SELECT team FROM platforms_platformcheck WHERE operation_id = %(op)s
) findings GROUP BY team
"""


def _timed(function, runs: int) -> list[float]:
    function()  # warm-up: caches and plans
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return timings


def baseline(operation) -> int:
    with connection.cursor() as cursor:
        cursor.execute(BASELINE, {"op": operation.pk})
        return sum(n for _, n in cursor.fetchall())


def measure(*, operation: Operation, runs: int = 3) -> dict:
    try:
        from reports.statistics import compile_figures
    except ImportError:
        return {"skipped": "reports.statistics.compile_figures does not exist yet"}
    timings = _timed(lambda: compile_figures(operation), runs)
    baseline_s = statistics.median(_timed(lambda: baseline(operation), runs))
    with CaptureQueriesContext(connection) as queries:
        figures = compile_figures(operation)
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]
    totals = figures.get("totals", {})
    return {
        "runs": runs,
        "median_s": round(statistics.median(timings), 3),
        "max_s": round(max(timings), 3),
        "target_s": TARGET_S,
        "met": statistics.median(timings) < TARGET_S,
        "findings": baseline(operation),
        "one_group_by_s": round(baseline_s, 3),
        "queries": len(queries),  # on this connection; two sections run on a second one in parallel
        "slowest_queries": [{"s": float(q["time"]), "sql": q["sql"][:160]} for q in slowest],
        "totals": {k: totals[k] for k in ("urls", "social_accounts", "victims", "perpetrators", "cases")
                   if k in totals},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    operation = Operation.objects.get(code=CODE)
    print(json.dumps(measure(operation=operation, runs=args.runs), indent=2))


if __name__ == "__main__":
    main()
