"""Bulk paste: each line saved, recognised as already known (with a link) or refused with its reason."""

import pytest
from django.urls import reverse

from findings import services as findings
from findings.models import DetectedUrl, SocialAccount
from intake.bulk import KNOWN, MAX_LINES, REFUSED, SAVED, bulk_log
from operations.models import Operation

from .cast import make_platform

pytestmark = pytest.mark.django_db


def paste(client, cast, lines, **data):
    return client.post(reverse("bulk_paste", args=[cast.operation.code]),
                       {"lines": "\n".join(lines), "lines_are": "urls", **data})


def test_valid_lines_are_saved_even_when_others_are_refused(cast):
    result = bulk_log(user=cast.de, operation=cast.operation, text="\n".join([
        "https://escortguide.example/a",
        "not a url at all",
        "hxxps://escortguide[.]example/b",
        "ftp://escortguide.example/c",
        "escortguide(dot)example/d",
    ]))
    assert [line.outcome for line in result.lines] == [SAVED, REFUSED, SAVED, REFUSED, SAVED]
    assert "contains spaces" in result.lines[1].reason
    assert "not http or https" in result.lines[3].reason
    assert sorted(DetectedUrl.objects.values_list("url", flat=True)) == [
        "https://escortguide.example/a", "https://escortguide.example/b", "https://escortguide.example/d",
    ]


def test_lines_are_matched_to_their_catalogue_platform_by_domain(cast):
    dating = make_platform(name="SugarMatch", domain="sugarmatch.example", category="dating")
    result = bulk_log(user=cast.de, operation=cast.operation,
                      text="https://m.sugarmatch.example/p/1\nhttps://www.escortguide.example/x\nhttps://unknown.example/")
    assert [line.record.platform for line in result.lines] == [dating, cast.platform, None]


def test_known_and_repeated_lines_are_not_logged_twice(cast):
    earlier, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/old")
    result = bulk_log(user=cast.de, operation=cast.operation, text="\n".join([
        "hxxps://escortguide[.]example/old",
        "https://escortguide.example/new",
        "HTTPS://ESCORTGUIDE.EXAMPLE/new?utm_source=chat#frag",
    ]))
    assert [line.outcome for line in result.lines] == [KNOWN, SAVED, KNOWN]
    assert result.lines[0].record == earlier
    assert result.lines[2].same_as == 2 and result.lines[2].record == result.lines[1].record
    assert DetectedUrl.objects.count() == 2


def test_another_teams_url_is_logged_for_my_team_too(cast):
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/shared")
    result = bulk_log(user=cast.de, operation=cast.operation, text="https://escortguide.example/shared")
    assert result.lines[0].outcome == SAVED
    assert set(DetectedUrl.objects.values_list("team", flat=True)) == {"DE", "FR"}


def test_list_markers_quotes_and_blank_lines_are_tolerated(cast):
    result = bulk_log(user=cast.de, operation=cast.operation,
                      text="- https://escortguide.example/1\n\n  2. <https://escortguide.example/2>,\n\"escortguide.example/3\"")
    assert [(line.number, line.outcome) for line in result.lines] == [(1, SAVED), (3, SAVED), (4, SAVED)]


def test_more_than_the_limit_is_refused_whole_with_the_text_kept(client, cast):
    lines = [f"https://escortguide.example/{n}" for n in range(MAX_LINES + 1)]
    client.force_login(cast.de)
    response = paste(client, cast, lines)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1,001 lines were pasted; at most 1,000 are taken at once. Nothing was saved" in html
    assert "https://escortguide.example/1000</textarea>" in html
    assert not DetectedUrl.objects.exists()


def test_exactly_the_limit_is_accepted(cast):
    text = "\n".join(f"escortguide.example/{n}" for n in range(MAX_LINES))
    result = bulk_log(user=cast.de, operation=cast.operation, text=text)
    assert result.saved == MAX_LINES
    assert DetectedUrl.objects.count() == MAX_LINES


def test_result_page_shows_each_line_with_links_and_keeps_the_refused_lines(client, cast):
    known, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/old")
    client.force_login(cast.de)
    response = paste(client, cast, ["hxxps://escortguide[.]example/new", "https://escortguide.example/old", "bad line"])
    html = response.content.decode()
    assert "[[.]]" not in html  # a line pasted defanged is shown defanged once
    assert "<strong>1</strong> saved" in html and "<strong>1</strong> already known" in html
    assert "<strong>1</strong> refused" in html
    assert reverse("finding_detail", args=[cast.operation.code, "url", known.pk]) in html
    assert "hxxps://escortguide[.]example/new" in html
    assert ">\nbad line</textarea>" in html  # only the refused line is left to correct
    assert 'data-draft-state="clear"' in html


def test_handles_are_logged_on_the_chosen_platform_and_profile_urls_by_domain(cast):
    dating = make_platform(name="SugarMatch", domain="sugarmatch.example", category="dating")
    result = bulk_log(user=cast.de, operation=cast.operation, lines_are="handles", platform=cast.platform,
                      text="@Anna_22\nhttps://sugarmatch.example/lea.b/\nwith space\n@anna_22")
    assert [line.outcome for line in result.lines] == [SAVED, SAVED, REFUSED, KNOWN]
    assert set(SocialAccount.objects.values_list("platform__name", "handle")) == {
        (cast.platform.name, "anna_22"), (dating.name, "lea.b"),
    }


def test_bare_handles_without_a_platform_are_refused_with_the_reason(client, cast):
    client.force_login(cast.de)
    response = paste(client, cast, ["@anna"], lines_are="handles")
    assert "Choose the platform of the handles" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_bulk_paste_is_refused_in_a_closed_operation(client, cast):
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    client.force_login(cast.de)
    response = paste(client, cast, ["https://escortguide.example/a"])
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    assert not DetectedUrl.objects.exists()


def test_bulk_paste_can_link_every_line_to_a_case(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    paste(client, cast, ["https://escortguide.example/1", "https://escortguide.example/2"], case=case.reference)
    assert DetectedUrl.objects.filter(case=case).count() == 2


def test_a_batch_that_meets_a_concurrent_save_is_saved_line_by_line(cast, monkeypatch):
    from django.db import IntegrityError

    import intake.bulk as bulk_module

    def collides(**kwargs):
        # Another analyst saved one of these URLs between our check and our insert.
        findings.url_log(user=cast.de2, operation=cast.operation, raw_url="https://escortguide.example/b")
        raise IntegrityError("duplicate key value violates unique constraint url_once_per_team")

    monkeypatch.setattr(bulk_module, "findings_bulk_log", collides)
    result = bulk_log(user=cast.de, operation=cast.operation,
                      text="https://escortguide.example/a\nhttps://escortguide.example/b")
    assert [line.outcome for line in result.lines] == [SAVED, KNOWN]
    assert DetectedUrl.objects.count() == 2
