"""Seed a large operation into PostgreSQL with COPY, for the benchmarks.

    python -m benchmarks.seed --scale 1.0      # 26 teams, 1,000,000 URLs, ... (about a minute)
    python -m benchmarks.seed --scale 0.01     # the same shape, a hundredth of the size

Rows are streamed to ``COPY ... FROM STDIN`` with explicit ids; every model field the seeder
does not set takes its model default, so the seeder keeps working when fields are added.
"""

import argparse
import datetime as dt
import io
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from findings.models import (  # noqa: E402
    Case,
    CaseGroupObjectPermission,
    DetectedUrl,
    PossibleVictim,
    Selector,
    SocialAccount,
    Suspect,
)
from operations.access import team_group_name  # noqa: E402
from operations.countries import COUNTRY_NAMES  # noqa: E402
from operations.models import Agency, FocusTag, Membership, Operation, Participation  # noqa: E402
from platforms.models import Platform, PlatformCheck, PlatformDomain  # noqa: E402

CODE = "BENCH-2026"
PASSWORD = "bench-password-1"
# Every bench user's authenticator app holds this secret (hex), so the load generator can answer
# the second-factor step of logging in the way a person with the app would.
TOTP_KEY = "62656e63682d746f74702d7365637265742d3031"
TEAMS = [c for c in COUNTRY_NAMES if c != "EU"][:26]
# Six analysts per team: 156 logins, enough for the second load of 150 analysts (three times the
# largest edition's experts).
ANALYSTS_PER_TEAM = 6
FULL = {"urls": 1_000_000, "accounts": 200_000, "cases": 20_000, "selectors": 1_000_000}
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def copy_rows(model, columns: list[str], rows, chunk: int = 50_000) -> int:
    """COPY ``rows`` (tuples aligned with ``columns``) into ``model``'s table; other fields take defaults."""
    fields = [f for f in model._meta.concrete_fields if f.column not in columns and not f.primary_key]
    defaults = []
    for field in fields:
        default = field.get_default()
        if default is None and not field.null:
            raise RuntimeError(f"{model.__name__}.{field.name} has no default: the seeder must set it")
        defaults.append(_text(default))
    all_columns = columns + [f.column for f in fields]
    tail = "\t".join(defaults)
    sql = f"COPY {model._meta.db_table} ({', '.join(all_columns)}) FROM STDIN"
    count, buffer = 0, io.StringIO()
    with connection.cursor() as cursor:
        for row in rows:
            line = "\t".join(_text(v) for v in row)
            buffer.write(f"{line}\t{tail}\n" if fields else f"{line}\n")
            count += 1
            if count % chunk == 0:
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        cursor.cursor.copy_expert(sql, buffer)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {model._meta.db_table}))"
        )
    return count


def _authenticator_apps(user_ids) -> None:
    """A confirmed TOTP device with the known secret for each user, when two factors are required."""
    try:
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:  # no second factor in this version
        return
    TOTPDevice.objects.filter(user_id__in=user_ids).delete()
    TOTPDevice.objects.bulk_create(TOTPDevice(user_id=pk, name="bench", key=TOTP_KEY, confirmed=True)
                                   for pk in user_ids)


def _next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def seed(scale: float = 1.0) -> dict:
    """Create (or recreate) the bench operation at ``scale`` of the full size; return its sizes."""
    sizes = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    User = get_user_model()
    t0 = time.perf_counter()
    with transaction.atomic():
        old = Operation.objects.filter(code=CODE).first()
        if old is not None:
            with connection.cursor() as cursor:
                for model in (Selector, Suspect, PossibleVictim, DetectedUrl, SocialAccount, PlatformCheck):
                    cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE operation_id = %s", [old.pk])
                cursor.execute("DELETE FROM findings_case_indicators WHERE case_id IN "
                               "(SELECT id FROM findings_case WHERE operation_id = %s)", [old.pk])
                cursor.execute("DELETE FROM findings_casegroupobjectpermission WHERE content_object_id IN "
                               "(SELECT id FROM findings_case WHERE operation_id = %s)", [old.pk])
                cursor.execute("DELETE FROM findings_case_focus_tags WHERE case_id IN "
                               "(SELECT id FROM findings_case WHERE operation_id = %s)", [old.pk])
                cursor.execute("DELETE FROM findings_case WHERE operation_id = %s", [old.pk])
            old.delete()
        lead, _ = Agency.objects.get_or_create(name="Bench National Police", country="NL", kind="police")
        operation = Operation.objects.create(
            code=CODE, name="Benchmark action week", status="active", lead_agency=lead,
            starts_at=START, ends_at=START + dt.timedelta(days=5),
        )
        FocusTag.objects.bulk_create([FocusTag(operation=operation, name=n) for n in ("Ukrainian refugees", "Labour")])
        password = make_password(PASSWORD)
        users = {}
        for team in TEAMS:
            agency, _ = Agency.objects.get_or_create(name=f"Bench police {team}", country=team, kind="police")
            Participation.objects.create(operation=operation, agency=agency, experts=3)
            for n in range(ANALYSTS_PER_TEAM):
                user, _ = User.objects.update_or_create(username=f"bench.{team.lower()}{n}",
                                                        defaults={"password": password})
                Membership.objects.create(user=user, operation=operation, role="analyst", team=team, agency=agency)
                users.setdefault(team, []).append(user.pk)
        coordinator, _ = User.objects.update_or_create(username="bench.coordinator", defaults={"password": password})
        Membership.objects.create(user=coordinator, operation=operation, role="coordinator", team="NL")
        _authenticator_apps([coordinator.pk, *(pk for pks in users.values() for pk in pks)])

        platforms = []
        for n in range(60):
            platform, _ = Platform.objects.get_or_create(
                name=f"Bench platform {n:02d}", defaults={"category": Platform.Category.values[n % 10]}
            )
            PlatformDomain.objects.get_or_create(domain=f"platform{n:02d}.example", defaults={"platform": platform})
            platforms.append(platform.pk)
        checks = [PlatformCheck(operation=operation, team=t, created_by_id=users[t][0], platform_id=p,
                                status="checked", with_indications=(i % 3 == 0), finished_at=START)
                  for i, (t, p) in enumerate((t, p) for t in TEAMS for p in platforms[:20])]
        PlatformCheck.objects.bulk_create(checks)

        op = operation.pk
        at = lambda i, n: START + dt.timedelta(seconds=int(i * 432_000 / n))  # noqa: E731 - spread over 5 days
        team_of = lambda i: TEAMS[i % len(TEAMS)]  # noqa: E731

        case0 = _next_id(Case)
        n_cases = sizes["cases"]
        status_of = lambda i: ("open", "referred", "investigation_opened")[i % 3]  # noqa: E731
        copy_rows(Case, ["id", "operation_id", "team", "created_by_id", "created_at", "updated_at", "reference",
                         "title", "exploitation_type", "status", "investigation_opened_at"],
                  ((case0 + i, op, team_of(i), users[team_of(i)][0], at(i, n_cases), at(i, n_cases),
                    f"B-{case0 + i:08d}", f"Bench case {i} escort adverts", "sexual", status_of(i),
                    at(i, n_cases) if status_of(i) == "investigation_opened" else None) for i in range(n_cases)))
        copy_rows(Suspect, ["operation_id", "team", "created_by_id", "created_at", "updated_at", "case_id", "alias",
                            "role"],
                  ((op, team_of(i), users[team_of(i)][0], at(i, n_cases), at(i, n_cases), case0 + i,
                    f"suspect-{i}", "handler") for i in range(n_cases)))
        copy_rows(PossibleVictim, ["operation_id", "team", "created_by_id", "created_at", "updated_at", "case_id",
                                   "code", "nationality", "age_band", "is_minor"],
                  ((op, team_of(i // 2), users[team_of(i // 2)][0], at(i, 2 * n_cases), at(i, 2 * n_cases),
                    case0 + i // 2, f"VB-{i:07d}", ("UA", "RO", "MD", "NG")[i % 4], "18-24", False)
                   for i in range(2 * n_cases)))

        # One case in twenty is shared with the next team (a guardian group grant on the case, as
        # case_share_with_team makes), so the access rule's share subquery has rows to look at.
        view_case = Permission.objects.get(codename="view_case", content_type__app_label="findings")
        groups = {t: Group.objects.get_or_create(name=team_group_name(t))[0].pk for t in TEAMS}
        CaseGroupObjectPermission.objects.bulk_create(
            CaseGroupObjectPermission(content_object_id=case0 + i, permission_id=view_case.pk,
                                      group_id=groups[TEAMS[(i + 1 + (i // 20) % 25) % len(TEAMS)]])
            for i in range(0, n_cases, 20)
        )

        url0 = _next_id(DetectedUrl)
        n_urls = sizes["urls"]
        copy_rows(DetectedUrl, ["id", "operation_id", "team", "created_by_id", "created_at", "updated_at", "url",
                                "host", "platform_id", "case_id"],
                  ((url0 + i, op, team_of(i), users[team_of(i)][i % 2], at(i, n_urls), at(i, n_urls),
                    f"https://platform{i % 60:02d}.example/ad/{i}", f"platform{i % 60:02d}.example",
                    platforms[i % 60], case0 + (i % n_cases) if i % 5 == 0 else None) for i in range(n_urls)))
        n_accounts = sizes["accounts"]
        copy_rows(SocialAccount, ["operation_id", "team", "created_by_id", "created_at", "updated_at", "platform_id",
                                  "handle"],
                  ((op, team_of(i), users[team_of(i)][0], at(i, n_accounts), at(i, n_accounts), platforms[i % 60],
                    f"handle_{i}") for i in range(n_accounts)))
        n_selectors = sizes["selectors"]
        # One selector in fifty is shared by two teams: the cross-border hits the matcher should find.
        # They are stored as already matched (as the job would have left them during the week);
        # benchmarks/matching.py un-matches a part of them to time a re-match.
        copy_rows(Selector, ["operation_id", "team", "created_by_id", "created_at", "updated_at", "kind", "value",
                             "url_id", "matched_at"],
                  ((op, team_of(i), users[team_of(i)][0], at(i, n_selectors), at(i, n_selectors), "phone",
                    f"+4915{(i // 2 if i % 50 < 2 else i):09d}", url0 + (i % n_urls), at(i, n_selectors))
                   for i in range(n_selectors)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"operation": CODE, "teams": len(TEAMS), **sizes, "victims": 2 * sizes["cases"],
            "suspects": sizes["cases"], "seconds": round(time.perf_counter() - t0, 1)}


def sizes_of(operation) -> dict:
    """The sizes of an operation seeded before (``make bench`` with ``--reuse``)."""
    count = lambda model: model.objects.filter(operation=operation).count()  # noqa: E731
    return {"operation": operation.code, "teams": len(TEAMS), "urls": count(DetectedUrl),
            "accounts": count(SocialAccount), "cases": count(Case), "selectors": count(Selector),
            "victims": count(PossibleVictim), "suspects": count(Suspect), "seconds": 0}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Seed the benchmark operation into PostgreSQL.")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark seeder needs PostgreSQL (DATABASE_URL).")
    print(json.dumps(seed(args.scale)))


if __name__ == "__main__":
    main()
