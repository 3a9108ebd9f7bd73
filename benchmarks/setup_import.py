"""How long setting up an operation's participants from one file takes: 27 teams × 80 people, XLSX.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m benchmarks.setup_import [--per-team 80]

Against the database DATABASE_URL names (migrated first; a throwaway one, as ``make bench`` starts):
a new operation is created, then its participants are imported from an XLSX file of 27 agencies and
``--per-team`` people each, as an administrator would on the set-up page — read, checked whole, saved
in one transaction with one audit event per record. Then the same file again (nothing changes) and a
dry run. Prints a table and one JSON line. The issue's bar: under 10 s for 27 × 80.
"""

import argparse
import datetime as dt
import json
import os
import platform
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from operations.models import Agency, Membership, Operation  # noqa: E402
from setup.participants import participants_check, participants_import  # noqa: E402
from tests.edition import as_xlsx, edition_rows  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-team", type=int, default=80)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    stamp = time.strftime("%Y%m%d%H%M%S")
    # Fresh addresses each run, so that every run imports new people into a new operation.
    rows = [[*row[:4], row[4].replace("@", f"+{stamp}@"), *row[5:]] for row in edition_rows(args.per_team)]
    data = as_xlsx(rows)
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    lead, _ = Agency.objects.get_or_create(name="Dutch National Police", country="NL", defaults={"kind": "police"})
    operation = Operation.objects.create(code=f"BENCH-SETUP-{stamp}", name="Set-up benchmark", lead_agency=lead,
                                         starts_at=dt.datetime(2027, 11, 22, 8, tzinfo=dt.UTC),
                                         ends_at=dt.datetime(2027, 11, 26, 18, tzinfo=dt.UTC))
    timings = {}
    for name, run in (("dry_run", participants_check), ("import", participants_import),
                      ("same_file_again", participants_import)):
        started = time.perf_counter()
        plan = run(user=admin, operation=operation, data=data, filename="participants.xlsx")
        timings[name] = round(time.perf_counter() - started, 3)
        timings[f"{name}_changes"] = plan.changes
    result = {
        "benchmark": "setup_import", "teams": 27, "people": len(rows), "file_bytes": len(data),
        "members_saved": Membership.objects.filter(operation=operation).count(),
        "database": connection.vendor, "python": platform.python_version(), "cpus": os.cpu_count(), **timings,
    }
    print(f"participants file: 27 teams × {args.per_team} people = {len(rows)} rows, {len(data):,} bytes (XLSX)")
    for name in ("dry_run", "import", "same_file_again"):
        print(f"  {name:16} {timings[name]:7.2f} s   {timings[name + '_changes']:>6} changes")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
