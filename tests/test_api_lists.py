"""Lists: cursor paging in a stable order, filters that only narrow what the rule allows."""

import pytest

from findings import services as findings
from platforms import services as platforms

from .api_client import api_as, url
from .cast import make_operation, make_platform

pytestmark = pytest.mark.django_db


def log_urls(cast, user, n, prefix="a"):
    return [
        findings.url_log(user=user, operation=cast.operation, raw_url=f"https://{prefix}.example/{i}")[0]
        for i in range(n)
    ]


def walk(client, first_url, params):
    ids, next_url = [], first_url
    response = client.get(first_url, params)
    while True:
        assert response.status_code == 200
        page = response.json()
        ids += [row["id"] for row in page["results"]]
        next_url = page["next"]
        if not next_url:
            return ids
        response = client.get(next_url)


def test_paging_returns_every_row_once_newest_first(cast):
    urls = log_urls(cast, cast.de, 7)
    ids = walk(api_as(cast.de), url("url-list"), {"page_size": 3})
    assert ids == [u.pk for u in reversed(urls)]


def test_rows_added_while_paging_neither_repeat_nor_push_others_out(cast):
    urls = log_urls(cast, cast.de, 6)
    client = api_as(cast.de)
    first = client.get(url("url-list"), {"page_size": 3}).json()
    log_urls(cast, cast.de, 2, prefix="late")  # newer rows land before the cursor
    second = client.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert seen == [u.pk for u in reversed(urls)]


def test_page_size_has_a_ceiling(cast):
    log_urls(cast, cast.de, 3)
    response = api_as(cast.de).get(url("url-list"), {"page_size": 100000})
    assert response.status_code == 200 and len(response.json()["results"]) == 3


def test_filters_narrow_within_what_the_user_sees(cast):
    log_urls(cast, cast.de, 2)
    french = log_urls(cast, cast.fr, 1, prefix="fr")
    client = api_as(cast.coordinator)
    assert [r["id"] for r in client.get(url("url-list"), {"team": "FR"}).json()["results"]] == [french[0].pk]
    assert len(client.get(url("url-list"), {"operation": cast.operation.pk}).json()["results"]) == 3


def test_filtering_by_an_id_outside_ones_reach_is_an_empty_list_not_an_error(cast):
    log_urls(cast, cast.de, 1)
    other = make_operation()
    client = api_as(cast.de)
    for operation_id in (other.pk, 10**12):
        response = client.get(url("url-list"), {"operation": operation_id})
        assert response.status_code == 200 and response.json()["results"] == []


def test_a_filter_cannot_widen_what_the_rule_allows(cast):
    case = cast.case_of(cast.de)
    response = api_as(cast.fr).get(url("case-list"), {"team": "DE", "operation": cast.operation.pk})
    assert response.status_code == 200
    assert case.pk not in [r["id"] for r in response.json()["results"]]


def test_platform_checks_filter_by_status_and_outcome(cast):
    other = make_platform("JobBoard", "jobs.example", "job_board")
    planned = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    finished = platforms.check_plan(user=cast.de, operation=cast.operation, platform=other)
    platforms.check_start(user=cast.de, check=finished)
    platforms.check_finish(user=cast.de, check=finished, with_indications=True)
    client = api_as(cast.fr)
    checked = client.get(url("platform-check-list"), {"status": "checked", "with_indications": "true"}).json()
    assert [r["id"] for r in checked["results"]] == [finished.pk]
    by_category = client.get(url("platform-check-list"), {"category": "escort"}).json()
    assert [r["id"] for r in by_category["results"]] == [planned.pk]


def test_a_filter_value_of_the_wrong_kind_is_a_400_naming_it(cast):
    response = api_as(cast.de).get(url("case-list"), {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]
