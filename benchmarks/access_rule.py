"""(b) The cost of the access rule: the same list through ``visible_to(user)`` and by operation only.

    python -m benchmarks.access_rule            # on the operation benchmarks/seed.py made

Measured three ways, each as the median of several runs, interleaved, each run paying what a
request pays (the user's memberships and shares are read afresh, ``as_a_request``):

* **the list and the page as served** — the target: the workspace page, and the list as the page
  fetches it when filtering, paging or refreshing (the htmx request that returns only the table:
  all kinds, and the cases of my team), through Django, with ``visible_to`` (and its parts)
  against no filter at all, so that the list is narrowed by its operation only. Everything else
  on the path is the same code.
* **the list function alone** — ``findings.workspace.workspace_feed``, both ways. Shown, not the
  target: the function is a few milliseconds, and the rule's fixed cost per request (reading
  the memberships and the ids of the cases shared with the team, two small queries, ~1.2 ms)
  weighs on it alone.
* **single queries** — one queryset each: the newest 50 URLs, cases and suspects, and every URL
  id (what an export reads), ``Model.objects.visible_to(user).filter(operation=...)`` against
  ``Model.objects.filter(operation=...)``. On a one-millisecond query the same fixed cost makes
  a ratio of 2-3; on one that reads the whole list (every URL id) it is about 1.0.

The target is a ratio of at most 1.25. Needs PostgreSQL (DATABASE_URL).
"""

import argparse
import functools
import json
import os
import statistics
import time
from contextlib import contextmanager

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from findings import workspace  # noqa: E402
from findings.models import Case, DetectedUrl, Suspect  # noqa: E402
from operations.access import FindingQuerySet, Part, forget_access  # noqa: E402
from operations.models import Membership, Operation  # noqa: E402

from .seed import CODE  # noqa: E402

TARGET_RATIO = 1.25


def median_ms(run, runs: int) -> float:
    run()  # warm caches, plans and the connection
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


@contextmanager
def operation_only():
    """``visible_to`` (and its parts) replaced by no filter at all: lists are narrowed by their operation only."""
    original, original_parts = FindingQuerySet.visible_to, FindingQuerySet.visible_to_in_parts
    original_rule_parts = workspace.visibility_rule_parts
    FindingQuerySet.visible_to = lambda self, user: self.all()
    FindingQuerySet.visible_to_in_parts = lambda self, user: [self.all()]
    # The list's written-out query (findings.workspace._newest_sql) reads the rule's parts itself.
    workspace.visibility_rule_parts = lambda model, user: [Part(frozenset({_operation_id()}))]
    try:
        yield
    finally:
        FindingQuerySet.visible_to, FindingQuerySet.visible_to_in_parts = original, original_parts
        workspace.visibility_rule_parts = original_rule_parts


@functools.cache
def _operation_id() -> int:
    return Operation.objects.get(code=CODE).pk


def as_a_request(run, user):
    """``run`` with the user's memberships read afresh, as every request reads them once
    (``operations.access`` keeps them on the user object, which a request loads anew)."""

    def fresh():
        forget_access(user)
        return run()

    return fresh


def compare(run, runs: int) -> tuple[float, float]:
    """Median ms of ``run`` without and with the rule, the two interleaved so that drift hits both."""
    plain, ruled = [], []
    for n in range(runs + 1):
        with operation_only():
            started = time.perf_counter()
            run()
            plain_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        run()
        ruled_ms = (time.perf_counter() - started) * 1000
        if n:  # the first round warms caches and plans
            plain.append(plain_ms)
            ruled.append(ruled_ms)
    return statistics.median(plain), statistics.median(ruled)


def _workspace_client(user):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return client
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:  # the second factor, passed
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure_lists(*, operation: Operation, runs: int = 15, analyst: str = "bench.de0") -> dict:
    """The workspace list and page of an analyst, with the rule and with the operation filter only."""
    from findings.workspace import Filters, workspace_feed

    user = get_user_model().objects.get(username=analyst)
    membership = Membership.objects.get(user=user, operation=operation)
    cases = {}
    for name, filters in (("workspace list, all kinds", Filters()),
                          ("workspace list, cases of my team", Filters(kind="case", team="mine"))):
        feed = as_a_request(lambda filters=filters: workspace_feed(user=user, operation=operation,
                                                                   membership=membership, filters=filters), user)
        plain, ruled = compare(feed, runs)
        cases[f"analyst: {name}"] = {"operation_only_ms": round(plain, 2), "visible_to_ms": round(ruled, 2),
                                     "ratio": round(ruled / plain, 2)}
    client = _workspace_client(user)
    path = f"/operations/{operation.code}/workspace/"
    feed = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "feed"}  # what filtering, paging and refreshing fetch
    requests = (("workspace page (whole request)", path, {}),
                ("the list as served, all kinds (htmx request)", path, feed),
                ("the list as served, cases of my team (htmx request)", f"{path}?kind=case&team=mine", feed))
    for name, url, headers in requests:
        if client.get(url, **headers).status_code != 200:
            raise RuntimeError(f"{url} did not answer 200 for {analyst}")
        plain, ruled = compare(lambda url=url, headers=headers: client.get(url, **headers), runs)
        cases[f"analyst: {name}"] = {
            "operation_only_ms": round(plain, 2), "visible_to_ms": round(ruled, 2), "ratio": round(ruled / plain, 2),
        }
    return cases


def _page(qs):
    return list(qs.order_by("-created_at", "-id")[:50])


def _ids(qs):
    return len(list(qs.values_list("id", flat=True).iterator(chunk_size=10_000)))


def measure(*, operation: Operation, runs: int = 7, analyst: str = "bench.de0",
            coordinator: str = "bench.coordinator") -> dict:
    """Median times of each list both ways, and their ratio; ``worst_ratio`` is the highest."""
    User = get_user_model()
    shapes = [
        ("analyst", analyst, "newest 50 URLs", DetectedUrl, _page),
        ("analyst", analyst, "newest 50 cases", Case, _page),
        ("analyst", analyst, "newest 50 suspects", Suspect, _page),
        ("analyst", analyst, "all URL ids", DetectedUrl, _ids),
        ("coordinator", coordinator, "newest 50 URLs", DetectedUrl, _page),
        ("coordinator", coordinator, "newest 50 cases", Case, _page),
    ]
    cases = {}
    for role, username, shape, model, run in shapes:
        user = User.objects.get(username=username)
        # Both querysets are built inside the timed call: visible_to looks up the memberships each time.
        plain = median_ms(lambda model=model, run=run: run(model.objects.filter(operation=operation)), runs)
        ruled = median_ms(
            as_a_request(lambda model=model, run=run, user=user: run(model.objects.visible_to(user)
                                                                     .filter(operation=operation)), user),
            runs,
        )
        cases[f"{role}: {shape}"] = {
            "operation_only_ms": round(plain, 2), "visible_to_ms": round(ruled, 2), "ratio": round(ruled / plain, 2),
        }
    lists = measure_lists(operation=operation, analyst=analyst)
    served = [c["ratio"] for name, c in lists.items() if "request" in name]
    functions = [c["ratio"] for name, c in lists.items() if "request" not in name]
    worst = max(served)
    return {"runs": runs, "lists": lists, "cases": cases, "worst_ratio": worst,
            "worst_function_ratio": max(functions),
            "worst_single_query_ratio": max(c["ratio"] for c in cases.values()), "target_ratio": TARGET_RATIO,
            "met": worst <= TARGET_RATIO}


def print_table(result: dict) -> None:
    rows = {**result["lists"], **result["cases"]}
    width = max(len(k) for k in rows)
    print(f"{'list':<{width}}  operation only   visible_to   ratio")
    for name, r in rows.items():
        print(f"{name:<{width}}  {r['operation_only_ms']:>11.2f} ms {r['visible_to_ms']:>9.2f} ms  {r['ratio']:>5.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL (scripts/bench.sh does).")
    operation = Operation.objects.filter(code=CODE).first()
    if operation is None:
        raise SystemExit(f"No operation {CODE}: run `python -m benchmarks.seed --scale 0.1` first.")
    result = measure(operation=operation, runs=args.runs)
    print_table(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
