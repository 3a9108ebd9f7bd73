"""The figures count every record of the operation once, by the rules of reports/statistics.py.

One hand-built operation: two country teams (DE with two analysts, FR) and a coordinator log
overlapping findings; every expected number below is worked out by hand from what is logged.
"""

import datetime as dt
import json

import pytest

from findings import services as findings
from findings.duplicates import suspects_link_duplicates, victims_link_duplicates
from findings.models import Indicator
from operations.models import Agency, FocusTag, Operation, Participation
from platforms import services as platforms
from reports.statistics import FIGURES, compile_figures

from .cast import make_platform

pytestmark = pytest.mark.django_db

ESCORT, UKRAINE = "Escort services", "Ukrainian refugees"


@pytest.fixture
def figures(cast):
    """Log the dataset, compile once."""
    log_dataset(cast)
    return compile_figures(cast.operation)


def log_dataset(cast):
    op, de, de2, fr, coordinator = cast.operation, cast.de, cast.de2, cast.fr, cast.coordinator
    FocusTag.objects.create(operation=op, name=ESCORT)
    FocusTag.objects.create(operation=op, name=UKRAINE)

    # Participation: NL (3 experts, from make_operation), two German agencies, Europol (no country).
    for name, country, experts in [("Bundeskriminalamt", "DE", 5), ("LKA Berlin", "DE", 2), ("Europol", "", 4)]:
        agency = Agency.objects.create(name=name, country=country, kind="police" if country else "eu_agency")
        Participation.objects.create(operation=op, agency=agency, experts=experts)

    # Platform checks. EscortGuide: DE finds indications, FR finds none -> "with indications".
    escort = cast.platform
    dating = make_platform("DateMe", "dateme.example", "dating")
    dark = make_platform("DarkMarket", "darkmarketdemo.onion", "dark_web_market")
    dark.surface = "dark"
    dark.save()

    def finish(user, platform, indications, tags=()):
        check = platforms.check_plan(user=user, operation=op, platform=platform, focus_tags=tags)
        check = platforms.check_start(user=user, check=check)
        return platforms.check_finish(user=user, check=check, with_indications=indications)

    finish(de, escort, True, [ESCORT])
    finish(fr, escort, False, [ESCORT])
    finish(de, dark, False)
    platforms.check_start(user=fr, check=platforms.check_plan(user=fr, operation=op, platform=dating,
                                                              focus_tags=[UKRAINE]))
    # The second German analyst plans EscortGuide again: the team has one check of it.
    platforms.check_plan(user=de2, operation=op, platform=escort)

    # Cases: referred; referred then investigation opened; closed unreferred; referred then closed.
    case1 = cast.case_of(de, focus_tags=[ESCORT])
    findings.case_refer(user=de, case=case1, referred_to="Staatsanwaltschaft Berlin")
    case2 = cast.case_of(de)
    findings.case_refer(user=de, case=case2, referred_to="Staatsanwaltschaft Köln")
    findings.case_open_investigation(user=de, case=case2)
    case3 = cast.case_of(fr, focus_tags=[ESCORT, UKRAINE])
    findings.case_close(user=fr, case=case3, reason="no_indication")
    case4 = cast.case_of(fr, focus_tags=[UKRAINE])
    findings.case_refer(user=fr, case=case4, referred_to="Parquet de Paris")
    findings.case_close(user=fr, case=case4, reason="no_indication")

    # URLs: DE's first and FR's are the same canonical URL; DE2 re-logs DE's second one.
    url1_de, _ = findings.url_log(user=de, operation=op, raw_url="https://EscortGuide.example/ads/1?utm_source=x",
                                  case=case1)
    findings.url_log(user=de, operation=op, raw_url="hxxps://escortguide[.]example/ads/2")
    url1_fr, _ = findings.url_log(user=fr, operation=op, raw_url="https://escortguide.example/ads/1", case=case3)
    _, created = findings.url_log(user=de2, operation=op, raw_url="https://escortguide.example/ads/2")
    assert not created

    # Accounts: "@Anna_B" and "anna_b" on EscortGuide are one account; on DateMe another.
    findings.account_log(user=de, operation=op, platform=escort, handle="@Anna_B", case=case1)
    findings.account_log(user=fr, operation=op, platform=escort, handle="anna_b")
    findings.account_log(user=fr, operation=op, platform=dating, handle="anna_b")

    # Victims: FR's v3 is DE's v1 (merged); v3 knows she is 16, v1 did not.
    v1 = findings.victim_log(user=de, operation=op, case=case1, nationality="UA", age_band="18-24")
    findings.victim_log(user=de, operation=op, case=case1, nationality="UA", age_band="14-17")
    v3 = findings.victim_log(user=fr, operation=op, case=case3, age_band="14-17")
    findings.victim_log(user=fr, operation=op, case=case4, nationality="MD")
    findings.victim_log(user=de, operation=op, nationality="RO")
    victims_link_duplicates(user=coordinator, victim=v3, duplicate_of=v1)

    # Suspects: FR's "dima" is DE's "Dima" (merged); DE's second "Dima" is another man.
    s1 = findings.suspect_log(user=de, operation=op, alias="Dima", case=case1)
    s2 = findings.suspect_log(user=fr, operation=op, alias="dima", case=case3)
    findings.suspect_log(user=fr, operation=op, alias="Vlad")
    findings.suspect_log(user=de, operation=op, alias="Dima", case=case2)
    suspects_link_duplicates(user=coordinator, suspect=s2, duplicate_of=s1)

    # Indicators: crypto on two cases; AI-generated advert on the same URL logged by two teams.
    # (get_or_create: a transactional test before this one may have emptied the seeded taxonomy)
    crypto, handler, ai = (Indicator.objects.get_or_create(code=c, defaults={"name": c})[0] for c in
                           ("crypto-only-payment", "accompanied-by-handler", "ai-generated-advert"))
    findings.indicators_set(user=de, finding=case1, indicators=[crypto, handler])
    findings.indicators_set(user=fr, finding=case3, indicators=[crypto])
    findings.indicators_set(user=de, finding=url1_de, indicators=[ai])
    findings.indicators_set(user=fr, finding=url1_fr, indicators=[ai])

    # Another operation's findings never count here, even the same URL and person.
    other = cast.other_operation
    findings.url_log(user=cast.outsider, operation=other, raw_url="https://escortguide.example/ads/1")
    findings.victim_log(user=cast.outsider, operation=other, nationality="UA")


def test_participation_counts_countries_once_and_eu_bodies_as_agencies_not_countries(figures):
    totals = figures["totals"]
    assert (totals["countries"], totals["agencies"], totals["experts"]) == (2, 4, 14)
    assert figures["per_team"]["DE"]["agencies"] == 2 and figures["per_team"]["DE"]["experts"] == 7
    assert figures["per_team"]["EU"]["experts"] == 4
    assert figures["per_team"]["NL"]["experts"] == 3


def test_a_platform_counts_once_checked_and_with_indications_if_any_team_found_them(figures):
    totals = figures["totals"]
    assert totals["platforms_monitored"] == 3  # EscortGuide (twice), DarkMarket, DateMe
    assert totals["platforms_checked"] == 2  # EscortGuide, DarkMarket; DateMe is in progress
    assert totals["platforms_with_indications"] == 1  # FR's clean check does not undo DE's indications
    assert totals["dark_web_platforms_checked"] == 1


def test_platforms_by_category_and_surface(figures):
    b = figures["breakdowns"]
    assert b["platforms_by_category"] == {
        "escort": {"platforms_monitored": 1, "platforms_checked": 1, "platforms_with_indications": 1},
        "dating": {"platforms_monitored": 1, "platforms_checked": 0, "platforms_with_indications": 0},
        "dark_web_market": {"platforms_monitored": 1, "platforms_checked": 1, "platforms_with_indications": 0},
    }
    assert b["platforms_by_surface"] == {
        "surface": {"platforms_monitored": 2, "platforms_checked": 1, "platforms_with_indications": 1},
        "dark": {"platforms_monitored": 1, "platforms_checked": 1, "platforms_with_indications": 0},
    }


def test_check_progress_counts_checks_per_team_and_state(figures):
    assert figures["breakdowns"]["checks_by_state"] == {"planned": 0, "in_progress": 1, "clean": 2,
                                                       "with_indications": 1}
    de, fr = figures["per_team"]["DE"], figures["per_team"]["FR"]
    assert [de[k] for k in ("checks_planned", "checks_in_progress", "checks_clean", "checks_with_indications")] == [
        0, 0, 1, 1]
    assert [fr[k] for k in ("checks_planned", "checks_in_progress", "checks_clean", "checks_with_indications")] == [
        0, 1, 1, 0]
    assert (de["platforms_monitored"], de["platforms_checked"], de["platforms_with_indications"]) == (2, 2, 1)
    assert (fr["platforms_monitored"], fr["platforms_checked"], fr["platforms_with_indications"]) == (2, 1, 0)


def test_a_url_reported_by_two_teams_counts_once(figures):
    assert figures["totals"]["urls"] == 2
    assert figures["per_team"]["DE"]["urls"] == 2
    assert figures["per_team"]["FR"]["urls"] == 1


def test_an_account_is_a_platform_and_handle_counted_once(figures):
    assert figures["totals"]["social_accounts"] == 2  # EscortGuide anna_b (DE and FR), DateMe anna_b
    assert figures["per_team"]["DE"]["social_accounts"] == 1
    assert figures["per_team"]["FR"]["social_accounts"] == 2


def test_a_merged_victim_counts_once_and_as_a_minor_if_any_record_says_so(figures):
    totals, b = figures["totals"], figures["breakdowns"]
    assert totals["victims"] == 4  # {v1, v3}, v2, v4, v5
    assert totals["minor_victims"] == 2  # v2, and {v1, v3} because v3 knows her age
    # The record kept speaks for its group: nationalities add up to the total.
    assert b["victims_by_nationality"] == {"UA": 2, "MD": 1, "RO": 1}
    assert (figures["per_team"]["DE"]["victims"], figures["per_team"]["DE"]["minor_victims"]) == (3, 1)
    assert (figures["per_team"]["FR"]["victims"], figures["per_team"]["FR"]["minor_victims"]) == (2, 1)


def test_a_merged_suspect_counts_once_but_namesakes_do_not_merge(figures):
    assert figures["totals"]["perpetrators"] == 3  # {s1, s2}, Vlad, the other Dima
    assert figures["per_team"]["DE"]["perpetrators"] == 2
    assert figures["per_team"]["FR"]["perpetrators"] == 2


def test_persons_checked_are_accounts_plus_perpetrators(figures):
    assert figures["totals"]["persons_checked"] == 2 + 3
    assert figures["per_team"]["DE"]["persons_checked"] == 1 + 2
    assert figures["per_team"]["FR"]["persons_checked"] == 2 + 2


def test_referred_means_handed_to_an_authority_and_investigations_are_those_opened(figures):
    totals = figures["totals"]
    assert totals["cases"] == 4
    assert totals["cases_referred"] == 3  # case 1, case 2 (now investigated), case 4 (closed after referral)
    assert totals["investigations_opened"] == 1
    de, fr = figures["per_team"]["DE"], figures["per_team"]["FR"]
    assert (de["cases"], de["cases_referred"], de["investigations_opened"]) == (2, 2, 1)
    assert (fr["cases"], fr["cases_referred"], fr["investigations_opened"]) == (2, 1, 0)


def test_an_investigation_counts_after_its_case_is_closed(cast):
    case = cast.case_of(cast.de)
    findings.case_refer(user=cast.de, case=case, referred_to="Staatsanwaltschaft Köln")
    case = findings.case_open_investigation(user=cast.de, case=case)
    opened_at = case.investigation_opened_at
    assert opened_at is not None
    case = findings.case_close(user=cast.de, case=case, reason="no_indication")
    assert (case.status, case.investigation_opened_at) == ("closed", opened_at)  # kept by the closing
    figures = compile_figures(cast.operation)
    assert figures["totals"]["investigations_opened"] == 1
    assert figures["per_team"]["DE"]["investigations_opened"] == 1


def test_indicators_count_once_per_operation_team_and_tag(figures):
    assert figures["totals"]["indicators"] == 3
    assert {row["code"]: (row["cases"], row["urls"]) for row in figures["breakdowns"]["indicators"]} == {
        "crypto-only-payment": (2, 0),
        "accompanied-by-handler": (1, 0),
        "ai-generated-advert": (0, 1),  # one URL, noted by two teams
    }
    assert figures["per_team"]["DE"]["indicators"] == 3
    assert figures["per_team"]["FR"]["indicators"] == 2


def test_focus_tags_follow_the_checks_for_platforms_and_the_case_for_everything_else(figures):
    escort, ukraine = figures["per_focus_tag"][ESCORT], figures["per_focus_tag"][UKRAINE]
    assert (escort["platforms_monitored"], escort["platforms_checked"], escort["platforms_with_indications"]) == (
        1, 1, 1)
    assert (ukraine["platforms_monitored"], ukraine["platforms_checked"]) == (1, 0)
    assert (escort["cases"], escort["cases_referred"], escort["investigations_opened"]) == (2, 1, 0)
    assert (ukraine["cases"], ukraine["cases_referred"]) == (2, 1)
    assert escort["urls"] == 1 and ukraine["urls"] == 1  # the same URL under case 1 and case 3
    assert escort["social_accounts"] == 1 and ukraine["social_accounts"] == 0
    assert (escort["victims"], escort["minor_victims"]) == (2, 2)  # {v1, v3}, v2
    assert (ukraine["victims"], ukraine["minor_victims"]) == (2, 1)  # {v1, v3} through v3, v4
    assert escort["perpetrators"] == 1 and ukraine["perpetrators"] == 1
    assert escort["persons_checked"] == 2 and ukraine["persons_checked"] == 1
    assert escort["indicators"] == 3 and ukraine["indicators"] == 2


def test_the_timeline_counts_every_finding_row_per_hour(figures):
    # 4 cases + 4 suspects + 5 victims + 3 URL rows + 3 account rows, all logged this hour.
    assert [row["findings"] for row in figures["timeline"]] == [19]


def test_figures_are_plain_json_with_every_figure_for_every_team(figures):
    assert json.loads(json.dumps(figures)) == figures
    assert list(figures["totals"]) == list(FIGURES)
    assert set(figures["per_team"]) == {"DE", "FR", "NL", "EU"}
    assert all(set(row) >= set(FIGURES) - {"countries"} for row in figures["per_team"].values())


def test_an_empty_operation_has_zero_of_everything():
    start = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    agency = Agency.objects.create(name="Europol", kind="eu_agency")
    operation = Operation.objects.create(
        code="EMPTY-1", name="Nothing yet", starts_at=start, ends_at=start, lead_agency=agency
    )
    figures = compile_figures(operation)
    assert set(figures["totals"].values()) == {0}
    assert figures["per_team"] == {} and figures["per_focus_tag"] == {} and figures["timeline"] == []
    assert figures["breakdowns"]["indicators"] == []
    assert figures["breakdowns"]["checks_by_state"] == {"planned": 0, "in_progress": 0, "clean": 0,
                                                       "with_indications": 0}
    assert json.loads(json.dumps(figures)) == figures


def test_an_operation_with_tags_and_participants_but_no_findings_lists_them_with_zeros(cast):
    FocusTag.objects.create(operation=cast.operation, name=UKRAINE)
    figures = compile_figures(cast.operation)
    assert figures["per_focus_tag"][UKRAINE] == {key: 0 for key in figures["per_focus_tag"][UKRAINE]}
    assert figures["per_team"]["NL"]["experts"] == 3 and figures["per_team"]["NL"]["urls"] == 0
    assert figures["totals"]["urls"] == 0 and figures["totals"]["countries"] == 1
