"""Benchmark (opt-in): the figures of an operation with 1,000,000 findings over 26 teams.

    STATISTICS_BENCHMARK=1 bash scripts/test.sh tests/test_statistics_benchmark.py -s

Rows are generated inside PostgreSQL (INSERT ... SELECT generate_series), so seeding takes
seconds, not the hours the service functions would. The compile is timed five times after a
warm-up; its median is compared with one hand-written SQL GROUP BY over the same rows (findings
per team across the six finding tables), the least any compile has to do. Target: under 2 s.
"""

import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings.models import Case, DetectedUrl, Indicator, PossibleVictim, SocialAccount, Suspect
from operations.countries import COUNTRY_NAMES
from operations.models import Agency, FocusTag, Participation
from platforms.models import Platform, PlatformCheck
from reports.statistics import compile_figures

from .cast import build_cast

pytestmark = [
    pytest.mark.skipif(not os.environ.get("STATISTICS_BENCHMARK"), reason="set STATISTICS_BENCHMARK=1 to run"),
    pytest.mark.django_db(transaction=True),
]

TEAMS = [code for code in sorted(COUNTRY_NAMES) if code != "EU"][:26]
SIZES = {"cases": 50_000, "suspects": 100_000, "victims": 150_000, "urls": 450_000, "accounts": 224_000,
         "checks": 26_000}
DISTINCT_URLS, DISTINCT_ACCOUNTS, PLATFORMS = 350_000, 174_000, 1_000
KEPT_SUSPECTS, KEPT_VICTIMS = 90_000, 130_000
RUNS = 5


def table(model):
    return model._meta.db_table


def seed(operation, user):
    op, uid = operation.pk, user.pk
    teams = "ARRAY[" + ",".join(f"'{t}'" for t in TEAMS) + "]"
    team = f"({teams})[1 + g % 26]"
    at = "TIMESTAMPTZ '2026-11-23 08:00+00' + (g % 7200) * INTERVAL '1 minute'"
    common = f"{op}, {team}, {uid}, {at}, {at}"
    common_cols = "operation_id, team, created_by_id, created_at, updated_at"
    for tag in ("Ukrainian refugees", "Labour exploitation", "Escort services", "AI-generated adverts"):
        FocusTag.objects.create(operation=operation, name=tag)
    for i, country in enumerate(TEAMS):
        agency = Agency.objects.create(name=f"Bench police {country}", country=country, kind="police")
        Participation.objects.create(operation=operation, agency=agency, experts=1 + i % 5)
    with connection.cursor() as c:
        def run(sql, *params):
            c.execute(sql, params or None)  # no parameters: "%" is the modulo operator, not a placeholder

        def first_id(model):
            c.execute(f"SELECT min(id) FROM {table(model)} WHERE operation_id = %s", [op])
            return c.fetchone()[0]

        run(f"""INSERT INTO {table(Platform)} (name, category, surface, active)
            SELECT 'Bench platform ' || g, (ARRAY['social_media','dating','escort','classifieds','job_board',
              'marketplace','messaging','forum','dark_web_market','other'])[1 + g % 10],
              CASE WHEN g % 10 = 8 THEN 'dark' ELSE 'surface' END, true FROM generate_series(0, {PLATFORMS - 1}) g""")
        c.execute(f"SELECT min(id) FROM {table(Platform)} WHERE name LIKE 'Bench platform %%'")
        platform0 = c.fetchone()[0]
        tag0 = FocusTag.objects.filter(operation=operation).order_by("pk").first().pk
        indicator0 = Indicator.objects.order_by("pk").first().pk
        indicators = Indicator.objects.count()

        run(f"""INSERT INTO {table(Case)} ({common_cols}, reference, title, summary, exploitation_type, status,
              source_reliability, information_assessment, handling_code, handling_restrictions, referred_to, version)
            SELECT {common}, 'C-B' || g, 'bulk', '', 'sexual',
              CASE g % 10 WHEN 0 THEN 'referred' WHEN 1 THEN 'investigation_opened' ELSE 'open' END,
              'X', '4', 'H0', '', CASE WHEN g % 10 < 2 THEN 'Prosecutor' ELSE '' END, 1
            FROM generate_series(0, {SIZES['cases'] - 1}) g""")
        case0 = first_id(Case)
        link = f"CASE WHEN g % 10 < 7 THEN {case0} + g % {SIZES['cases']} END"
        run(f"""INSERT INTO {Case.focus_tags.through._meta.db_table} (case_id, focustag_id)
            SELECT {case0} + g, {tag0} + g % 4 FROM generate_series(0, {SIZES['cases'] - 1}) g
            UNION ALL SELECT {case0} + g, {tag0} + (g + 1) % 4 FROM generate_series(0, {SIZES['cases'] - 1}, 2) g""")
        run(f"""INSERT INTO {Case.indicators.through._meta.db_table} (case_id, indicator_id)
            SELECT {case0} + g, {indicator0} + g % {indicators} FROM generate_series(0, {SIZES['cases'] - 1}) g""")

        run(f"""INSERT INTO {table(Suspect)} ({common_cols}, alias, case_id, role, nationality, notes)
            SELECT {common}, 's' || g, {link}, 'unknown', '', '' FROM generate_series(0, {SIZES['suspects'] - 1}) g""")
        suspect0 = first_id(Suspect)
        run(f"UPDATE {table(Suspect)} SET duplicate_of_id = id - {KEPT_SUSPECTS} "
            f"WHERE operation_id = {op} AND id >= {suspect0 + KEPT_SUSPECTS}")

        run(f"""INSERT INTO {table(PossibleVictim)} ({common_cols}, code, case_id, nationality, sex, age_band,
              is_minor, notes)
            SELECT {common}, 'V-' || g, {link}, (ARRAY['UA','RO','MD','NG','VN'])[1 + g % 5], 'female',
              CASE WHEN g % 20 = 0 THEN '14-17' ELSE '25-34' END, g % 20 = 0, ''
            FROM generate_series(0, {SIZES['victims'] - 1}) g""")
        victim0 = first_id(PossibleVictim)
        run(f"UPDATE {table(PossibleVictim)} SET duplicate_of_id = id - {KEPT_VICTIMS} "
            f"WHERE operation_id = {op} AND id >= {victim0 + KEPT_VICTIMS}")

        # Rows g and g + DISTINCT_URLS carry the same URL, logged by teams 14 apart.
        run(f"""INSERT INTO {table(DetectedUrl)} ({common_cols}, url, case_id, host, platform_id, note)
            SELECT {common}, 'https://site' || (g % {DISTINCT_URLS}) || '.example/ad', {link},
              'site' || (g % {DISTINCT_URLS}) || '.example', {platform0} + g % {PLATFORMS}, ''
            FROM generate_series(0, {SIZES['urls'] - 1}) g""")
        url0 = first_id(DetectedUrl)
        run(f"""INSERT INTO {DetectedUrl.indicators.through._meta.db_table} (detectedurl_id, indicator_id)
            SELECT {url0} + g, {indicator0} + g % {indicators} FROM generate_series(0, 99999) g""")

        run(f"""INSERT INTO {table(SocialAccount)} ({common_cols}, platform_id, handle, case_id, display_name, note)
            SELECT {common}, {platform0} + (g % {DISTINCT_ACCOUNTS}) % {PLATFORMS}, 'h' || (g % {DISTINCT_ACCOUNTS}),
              {link}, '', '' FROM generate_series(0, {SIZES['accounts'] - 1}) g""")

        run(f"""INSERT INTO {table(PlatformCheck)} (operation_id, team, created_by_id, created_at, updated_at,
              platform_id, status, with_indications, note, finished_at)
            SELECT {op}, ({teams})[1 + g / {PLATFORMS}], {uid}, now(), now(), {platform0} + g % {PLATFORMS},
              (ARRAY['planned','in_progress','checked','checked'])[1 + g % 4],
              CASE g % 4 WHEN 2 THEN false WHEN 3 THEN true END, '', CASE WHEN g % 4 >= 2 THEN now() END
            FROM generate_series(0, {SIZES['checks'] - 1}) g""")
        check0 = first_id(PlatformCheck)
        run(f"""INSERT INTO {PlatformCheck.focus_tags.through._meta.db_table} (platformcheck_id, focustag_id)
            SELECT {check0} + g, {tag0} + g % 4 FROM generate_series(0, {SIZES['checks'] - 1}) g""")
        for model in (Platform, Case, Suspect, PossibleVictim, DetectedUrl, SocialAccount, PlatformCheck):
            run(f"VACUUM ANALYZE {table(model)}")
        for through in (Case.focus_tags.through, Case.indicators.through, DetectedUrl.indicators.through,
                        PlatformCheck.focus_tags.through):
            run(f"VACUUM ANALYZE {through._meta.db_table}")


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


def timed(function, runs=RUNS):
    function()  # warm-up: caches, plans
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def test_a_million_findings_compile_in_under_two_seconds():
    cast = build_cast()
    started = time.perf_counter()
    seed(cast.operation, cast.de)
    seeded = time.perf_counter() - started

    def baseline():
        with connection.cursor() as c:
            c.execute(BASELINE, {"op": cast.operation.pk})
            return c.fetchall()

    compile_median, figures = timed(lambda: compile_figures(cast.operation))
    baseline_median, rows = timed(baseline)
    assert sum(n for _, n in rows) == sum(SIZES.values()) == 1_000_000
    totals = figures["totals"]
    assert totals["urls"] == DISTINCT_URLS
    assert totals["social_accounts"] == DISTINCT_ACCOUNTS
    assert totals["victims"] == KEPT_VICTIMS
    assert totals["perpetrators"] == KEPT_SUSPECTS
    assert totals["cases"] == SIZES["cases"] and totals["cases_referred"] == SIZES["cases"] // 5
    assert totals["platforms_monitored"] == PLATFORMS and set(TEAMS) <= set(figures["per_team"])
    with CaptureQueriesContext(connection) as queries:
        compile_figures(cast.operation)
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]
    print("\nslowest queries on the main connection (URLs and accounts run on the second):")
    print("\n".join(f"  {q['time']} s  {q['sql'][:110]}" for q in slowest))
    print(
        f"\nseeded 1,000,000 findings in {seeded:.1f} s; compile_figures median {compile_median * 1000:.0f} ms "
        f"of {RUNS}; one GROUP BY over the same rows {baseline_median * 1000:.0f} ms; "
        f"ratio {compile_median / baseline_median:.1f}"
    )
    assert compile_median < 2.0
