"""Workspace filters and search narrow what the access rule allows; pages are bounded and keyset-cut."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from findings import services as findings
from findings.models import DetectedUrl, Indicator
from findings.workspace import Cursor, Filters, workspace_feed
from operations.models import Membership

from .cast import make_platform

pytestmark = pytest.mark.django_db


def feed(client, cast, **params):
    response = client.get(reverse("workspace", args=[cast.operation.code]), params,
                          headers={"HX-Request": "true", "HX-Target": "feed"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def logged(cast):
    de, fr = cast.de, cast.fr
    op = cast.operation
    dating = make_platform(name="SugarMatch", domain="sugarmatch.example", category="dating")
    case = cast.case_of(de, title="Kleinanzeigen farm jobs")
    findings.indicators_set(user=de, finding=case, indicators=[Indicator.objects.get(code="recruitment-job-offer")])
    escort_url, _ = findings.url_log(user=de, operation=op, raw_url="https://escortguide.example/berlin/anna")
    findings.indicators_set(user=de, finding=escort_url, indicators=[Indicator.objects.get(code="crypto-only-payment")])
    findings.url_log(user=fr, operation=op, raw_url="https://sugarmatch.example/profile/lea")
    findings.account_log(user=de, operation=op, platform=dating, handle="@sweet_lea")
    findings.suspect_log(user=de, operation=op, alias="Big Boss")
    findings.victim_log(user=de, operation=op, age_band="18-24")
    return {"case": case, "dating": dating}


def test_type_filter_shows_one_kind(client, cast, logged):
    client.force_login(cast.de)
    html = feed(client, cast, kind="suspect")
    assert "Big Boss" in html
    assert "escortguide[.]example" not in html and "Kleinanzeigen farm jobs" not in html


def test_platform_filter_keeps_urls_and_accounts_of_that_platform(client, cast, logged):
    client.force_login(cast.de)
    html = feed(client, cast, platform=logged["dating"].pk)
    assert "sugarmatch[.]example/profile/lea" in html and "@sweet_lea" in html
    assert "escortguide[.]example" not in html and "Big Boss" not in html


def test_indicator_filter_keeps_cases_and_urls_with_it(client, cast, logged):
    client.force_login(cast.de)
    html = feed(client, cast, indicator="crypto-only-payment")
    assert "escortguide[.]example/berlin/anna" in html
    assert "sugarmatch" not in html and "Kleinanzeigen farm jobs" not in html
    assert "Kleinanzeigen farm jobs" in feed(client, cast, indicator="recruitment-job-offer")


def test_team_filter_splits_mine_from_what_others_shared(client, cast, logged):
    client.force_login(cast.de)
    mine, others = feed(client, cast, team="mine"), feed(client, cast, team="others")
    assert "escortguide[.]example" in mine and "sugarmatch[.]example/profile" not in mine
    assert "sugarmatch[.]example/profile/lea" in others and "Big Boss" not in others
    assert "sugarmatch[.]example/profile/lea" in feed(client, cast, team="FR")


def test_time_filter_hides_older_findings(client, cast, logged):
    DetectedUrl.objects.filter(url__contains="escortguide").update(created_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(cast.de)
    assert "escortguide[.]example" not in feed(client, cast, since="1h")
    assert "escortguide[.]example" in feed(client, cast, since="4h")


@pytest.mark.parametrize("query, expected", [
    ("hxxps://escortguide[.]example/berlin", "escortguide[.]example/berlin/anna"),  # a defanged paste finds the URL
    ("www.escortguide[.]example", "escortguide[.]example/berlin/anna"),  # a host finds its URLs
    ("@Sweet_Lea", "@sweet_lea"),  # handle
    ("big boss", "Big Boss"),  # alias
    ("farm jobs", "Kleinanzeigen farm jobs"),  # case title
])
def test_search_covers_urls_handles_aliases_and_case_titles(client, cast, logged, query, expected):
    client.force_login(cast.de)
    html = feed(client, cast, q=query)
    assert expected in html
    assert html.count('class="feed-row') == 1


def test_search_finds_a_case_by_its_reference(client, cast, logged):
    client.force_login(cast.de)
    assert "Kleinanzeigen farm jobs" in feed(client, cast, q=logged["case"].reference.lower())


def test_tampered_filter_values_are_ignored_not_an_error(client, cast, logged):
    client.force_login(cast.de)
    html = feed(client, cast, kind="nonsense", platform="abc", before="garbage")
    assert "Big Boss" in html


def test_pages_are_cut_by_keyset_without_gaps_or_repeats(cast):
    op = cast.operation
    for n in range(12):
        findings.url_log(user=cast.de, operation=op, raw_url=f"https://escortguide.example/{n}")
        findings.suspect_log(user=cast.de, operation=op, alias=f"alias {n}")
    # Same timestamp for everything: the tie-break (kind, id) alone must order the pages.
    DetectedUrl.objects.update(created_at=timezone.now())
    membership = Membership.objects.get(user=cast.de, operation=op)
    seen, cursor = [], None
    while True:
        page = workspace_feed(user=cast.de, operation=op, membership=membership, filters=Filters(), cursor=cursor,
                              page_size=5)
        seen.extend((row.kind, row.record.pk) for row in page.rows)
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor.encode())
    assert len(seen) == 24 and len(set(seen)) == 24


def test_workspace_queries_do_not_grow_with_the_number_of_rows(client, cast, django_assert_max_num_queries):
    def log(numbers):
        for n in numbers:
            case = cast.case_of(cast.de, title=f"Lead {n}") if n % 10 == 0 else None
            findings.url_log(user=cast.de, operation=cast.operation, raw_url=f"https://escortguide.example/{n}",
                             case=case)
            findings.account_log(user=cast.fr, operation=cast.operation, platform=cast.platform, handle=f"h{n}")

    def queries_of_the_page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("workspace", args=[cast.operation.code]))
        return response, len(queries)

    client.force_login(cast.de)
    log(range(2))
    queries_of_the_page()  # the first request after logging in saves the session (accounts/sessions.py)
    _, few = queries_of_the_page()
    log(range(2, 60))
    with django_assert_max_num_queries(45):  # a ceiling, so that a slip shows up
        response, many = queries_of_the_page()
    assert many == few  # 6 findings or 120: the same queries
    html = response.content.decode()
    assert html.count('class="feed-row') == 50
    assert "Older →" in html and "← Newest" not in html
    older = re.search(r'href="\?before=([^"]+)"', html).group(1).replace("&amp;", "&")
    page2 = client.get(reverse("workspace", args=[cast.operation.code]) + "?before=" + older).content.decode()
    assert page2.count('class="feed-row') == 50  # 120 findings: 50, then 50, then 20
    assert "← Newest" in page2 and 'href="?"' in page2
