"""Compiling the figures costs a fixed number of SQL queries, however many findings there are.

A few thousand rows are inserted in bulk (the service functions would take minutes for this;
the counting rules themselves are tested in test_statistics_counting.py). How long a compile
takes at scale is measured by `make bench` (benchmarks/figures.py), not here.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings.models import Case, DetectedUrl, PossibleVictim, SocialAccount, Suspect
from operations.countries import COUNTRY_NAMES
from platforms.models import Platform, PlatformCheck
from reports.statistics import compile_figures

pytestmark = pytest.mark.django_db

TEAMS = sorted(COUNTRY_NAMES)[:20]


def bulk_findings(operation, user, scale=1):
    """About 4,000 rows x scale across 20 teams, every double-counting rule exercised."""
    common = {"operation": operation, "created_by": user}
    platforms = Platform.objects.bulk_create(
        Platform(name=f"Bulk platform {scale}-{i}", category="classifieds") for i in range(50)
    )
    PlatformCheck.objects.bulk_create(
        PlatformCheck(team=team, platform=platforms[(t + j) % 50], status="checked", with_indications=j % 3 == 0,
                      finished_at=operation.starts_at, **common)
        for t, team in enumerate(TEAMS) for j in range(30)
    )
    # Each URL and each account is logged by two teams, ten teams apart.
    DetectedUrl.objects.bulk_create(
        DetectedUrl(team=TEAMS[(k + shift) % 20], url=f"https://s{scale}-{k}.example/ad", host=f"s{scale}-{k}.example",
                    **common)
        for k in range(750 * scale) for shift in (0, 10)
    )
    SocialAccount.objects.bulk_create(
        SocialAccount(team=TEAMS[(k + shift) % 20], platform=platforms[k % 50], handle=f"h{scale}-{k}", **common)
        for k in range(500 * scale) for shift in (0, 10)
    )
    kept = PossibleVictim.objects.bulk_create(
        PossibleVictim(team=TEAMS[i % 20], code=f"V-{scale}K{i}", nationality="UA", **common)
        for i in range(400 * scale)
    )
    PossibleVictim.objects.bulk_create(
        PossibleVictim(team=TEAMS[(i + 1) % 20], code=f"V-{scale}D{i}", duplicate_of=kept[i], **common)
        for i in range(200 * scale)
    )
    Suspect.objects.bulk_create(Suspect(team=TEAMS[i % 20], alias=f"s{i}", **common) for i in range(300 * scale))
    Case.objects.bulk_create(
        Case(team=TEAMS[i % 20], reference=f"C-{scale}B{i}", title="bulk", exploitation_type="sexual", **common)
        for i in range(200 * scale)
    )


def compile_counting_queries(operation):
    with CaptureQueriesContext(connection) as queries:
        figures = compile_figures(operation)
    return figures, len(queries)


def test_the_number_of_queries_does_not_grow_with_the_findings(cast):
    bulk_findings(cast.operation, cast.de, scale=1)
    _, queries_small = compile_counting_queries(cast.operation)
    bulk_findings(cast.operation, cast.de, scale=2)
    figures, queries_large = compile_counting_queries(cast.operation)
    assert queries_large == queries_small
    totals = figures["totals"]
    assert totals["urls"] == 750 + 1500  # each logged by two teams, counted once
    assert totals["social_accounts"] == 500 + 1000
    assert totals["victims"] == 400 + 800  # the duplicates count with the record they were merged into
    assert totals["perpetrators"] == 300 + 600
    assert totals["platforms_monitored"] == 2 * 49  # team t checks platforms t..t+29 of 50: 0..48 are used
