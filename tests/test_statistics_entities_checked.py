"""Entities checked, Europol's 2024 figure: platforms checked + persons and usernames + locations + phone
numbers, each part counted once across teams — a phone number however written and wherever noted, a
place however spelt — and per country team and per focus tag by the same rules."""

import pytest

from findings import services as findings
from operations.models import FocusTag
from platforms import services as platforms
from reports.press import press_line
from reports.statistics import compile_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(cast):
    op = cast.operation
    FocusTag.objects.create(operation=op, name="Escort services")
    case = cast.case_of(cast.de, focus_tags=["Escort services"])
    # One number, written three ways by two teams, on three findings: one phone number.
    findings.suspect_log(user=cast.de, operation=op, alias="Dima", case=case, notes="Handy 0151 23456789")
    findings.victim_log(user=cast.de, operation=op, case=case, notes="same +49 151 2345 6789")
    findings.url_log(user=cast.fr, operation=op, raw_url="https://escortguide.example/x", note="tel +4915123456789")
    findings.location_log(user=cast.fr, operation=op, city="Lyon", country="FR", note="call 06 12 34 56 78")
    # One flat, spelt two ways by two teams: one location; and Lyon.
    findings.location_log(user=cast.de, operation=op, address="Oranienburger Straße 12", city="Berlin",
                          country="DE", case=case)
    findings.location_log(user=cast.fr, operation=op, address="oranienburger str. 12", city="berlin", country="DE")
    findings.account_log(user=cast.de, operation=op, platform=cast.platform, handle="@nightqueen")
    check = platforms.check_plan(user=cast.fr, operation=op, platform=cast.platform)
    platforms.check_finish(user=cast.fr, check=platforms.check_start(user=cast.fr, check=check), with_indications=True)
    return cast


def test_each_part_counts_once_across_teams(logged):
    totals = compile_figures(logged.operation)["totals"]
    assert totals["phone_numbers"] == 2  # the German mobile, the French one
    assert totals["locations"] == 2  # the Berlin flat, Lyon
    assert totals["persons_checked"] == 2  # one account + one potential perpetrator
    assert totals["platforms_checked"] == 1
    assert totals["entities_checked"] == 1 + 2 + 2 + 2


def test_per_team_and_per_focus_tag_follow_the_same_rules(logged):
    figures = compile_figures(logged.operation)
    de, fr = figures["per_team"]["DE"], figures["per_team"]["FR"]
    assert (de["phone_numbers"], de["locations"], de["entities_checked"]) == (1, 1, 0 + 2 + 1 + 1)
    assert (fr["phone_numbers"], fr["locations"], fr["entities_checked"]) == (2, 2, 1 + 0 + 2 + 2)
    tag = figures["per_focus_tag"]["Escort services"]  # what hangs off the tagged case
    assert (tag["phone_numbers"], tag["locations"], tag["persons_checked"]) == (1, 1, 1)


def test_the_figure_is_published_with_its_parts_beside_it(logged):
    totals = compile_figures(logged.operation)["totals"]
    assert press_line("entities_checked", totals["entities_checked"], totals) == (
        "7 entities checked (1 platform, 2 persons and usernames, 2 locations and 2 phone numbers)"
    )
