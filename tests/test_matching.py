"""Matching: the same selector held by two country teams makes one hit, whoever logged it first."""

import pytest

from audit.models import AuditEvent
from findings import services as findings
from findings.models import Hit, Selector, Suspect
from findings.selector_rows import selectors_refresh, selectors_refresh_later_many
from hits.matching import cross_border_links, match_pending, match_selectors
from operations.models import Membership

from .cast import add_member, make_operation, make_platform

pytestmark = pytest.mark.django_db

NUMBER = "+4915123456789"


def suspect_with(cast, user, notes, operation=None):
    return findings.suspect_log(user=user, operation=operation or cast.operation, alias="Dima", notes=notes)


def test_logging_a_finding_stores_its_selectors_unmatched(cast):
    case = cast.case_of(cast.de)
    suspect = findings.suspect_log(
        user=cast.de, operation=cast.operation, alias="Dima", case=case, notes="Handy 0151 23456789"
    )
    selector = Selector.objects.get(suspect=suspect)
    assert (selector.kind, selector.value, selector.team) == ("phone", NUMBER, "DE")
    assert selector.case_id == case.pk and selector.matched_at is None


def test_the_same_number_logged_by_two_teams_makes_one_hit_for_both(cast):
    german = suspect_with(cast, cast.de, "Handy 0151 23456789")
    french = suspect_with(cast, cast.fr, "tél. +49 151 234 567 89")
    assert match_pending() == 2
    hit = Hit.objects.get()
    assert (hit.kind, hit.value, {hit.team_a, hit.team_b}) == ("phone", NUMBER, {"DE", "FR"})
    assert {hit.selector_a_id, hit.selector_b_id} == {
        Selector.objects.get(suspect=german).pk, Selector.objects.get(suspect=french).pk
    }
    assert hit.operation_id == hit.operation_a_id == hit.operation_b_id == cast.operation.pk
    assert not Selector.objects.filter(matched_at=None).exists()


def test_two_analysts_of_the_same_team_make_no_hit(cast):
    suspect_with(cast, cast.de, "0151 23456789")
    suspect_with(cast, cast.de2, "+49 151 23456789")
    match_pending()
    assert not Hit.objects.exists()


def test_matching_again_adds_no_second_hit_and_no_second_audit_event(cast):
    suspect_with(cast, cast.de, "0151 23456789")
    suspect_with(cast, cast.fr, "+49 151 23456789")
    match_pending()
    Selector.objects.update(matched_at=None)
    match_pending()
    assert match_selectors(selector_ids=list(Selector.objects.values_list("pk", flat=True))) == []
    assert Hit.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="findings.hit", action="combine").count() == 1


def test_a_hit_is_audited_as_a_combination_by_the_system(cast):
    suspect_with(cast, cast.de, "0151 23456789")
    suspect_with(cast, cast.fr, "+49 151 23456789")
    match_pending()
    event = AuditEvent.objects.get(object_type="findings.hit")
    assert (event.action, event.actor_name, event.operation_id) == ("combine", "system", cast.operation.pk)
    assert NUMBER not in event.summary  # the trail names records, never their content


@pytest.mark.parametrize("earlier_first", [True, False], ids=["earlier-logged-first", "later-logged-first"])
def test_a_selector_held_in_an_earlier_operation_hits_and_is_filed_under_the_later_one(cast, earlier_first):
    earlier = make_operation()
    earlier.starts_at = cast.operation.starts_at.replace(year=2025)
    earlier.ends_at = cast.operation.ends_at.replace(year=2025)
    earlier.save()
    romanian = add_member(earlier, Membership.Role.ANALYST, "RO")
    log_old = lambda: suspect_with(cast, romanian, "+49 151 23456789", operation=earlier)  # noqa: E731
    log_new = lambda: suspect_with(cast, cast.de, "0151 23456789")  # noqa: E731
    for log in (log_old, log_new) if earlier_first else (log_new, log_old):
        log()
        match_pending()
    hit = Hit.objects.get()
    assert hit.operation_id == cast.operation.pk
    sides = {(hit.team_a, hit.operation_a_id), (hit.team_b, hit.operation_b_id)}
    assert sides == {("RO", earlier.pk), ("DE", cast.operation.pk)}


def test_an_account_and_a_profile_link_of_another_team_hit_on_the_handle(cast):
    telegram = make_platform("Telegram", "t.me", "messaging")
    findings.account_log(user=cast.de, operation=cast.operation, platform=telegram, handle="@NightQueen_Bookings")
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://t.me/nightqueen_bookings")
    match_pending()
    assert Hit.objects.get().value == "telegram:nightqueen_bookings"


def test_a_wallet_in_a_case_summary_hits_a_wallet_in_a_victims_notes(cast):
    cast.case_of(cast.de, summary="Crypto only: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    findings.victim_log(user=cast.fr, operation=cast.operation, notes="paid 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    match_pending()
    assert Hit.objects.get().value == "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


def test_a_catalogue_platforms_host_is_no_selector_but_an_unknown_host_is(cast):
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/anna")
    other, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://anna-vip-berlin.example/")
    assert set(Selector.objects.filter(url=url).values_list("kind", flat=True)) == {"url"}
    assert set(Selector.objects.filter(url=other).values_list("kind", "value")) == {
        ("url", "https://anna-vip-berlin.example/"), ("url_host", "anna-vip-berlin.example"),
    }


def test_editing_a_text_keeps_unchanged_selectors_and_drops_removed_ones_with_their_hits(cast):
    case = cast.case_of(cast.de, summary="Call 0151 23456789 or write anna@example.com")
    suspect_with(cast, cast.fr, "+49 151 23456789")
    match_pending()
    mail = Selector.objects.get(case=case, kind="email")
    assert Hit.objects.count() == 1
    case = findings.case_update(user=cast.de, case=case, expected_version=case.version, summary="anna@example.com")
    assert Selector.objects.get(case=case, kind="email").pk == mail.pk
    assert not Selector.objects.filter(case=case, kind="phone").exists()
    assert not Hit.objects.exists()


def test_a_selector_follows_its_finding_to_another_case(cast):
    suspect = suspect_with(cast, cast.de, "0151 23456789")
    case = cast.case_of(cast.de)
    findings.link_to_case(user=cast.de, finding=suspect, case=case)
    suspect.refresh_from_db()
    selectors_refresh(finding=suspect)
    assert Selector.objects.get(suspect=suspect).case_id == case.pk


def test_cross_border_links_count_each_pair_of_teams_once_per_selector(cast):
    suspect_with(cast, cast.de, "0151 23456789")
    suspect_with(cast, cast.de2, "+49 151 23456789")  # the same team again: one link, not two
    suspect_with(cast, cast.fr, "+49 151 23456789")
    cast.case_of(cast.coordinator, summary="+49 151 23456789")  # the coordinator's team, NL
    cast.case_of(cast.de, summary="anna@example.com")
    cast.case_of(cast.fr, summary="ANNA@example.com")
    match_pending()
    assert Hit.objects.count() == 2 + 2 + 1 + 1  # DE-FR x2, DE-NL x2, FR-NL, and the e-mail DE-FR
    assert cross_border_links(cast.operation) == 4  # phone DE-FR, DE-NL, FR-NL; e-mail DE-FR
    assert cross_border_links(cast.other_operation) == 0


def test_a_bulk_import_stores_every_new_findings_selectors_and_sends_one_job(cast, django_capture_on_commit_callbacks):
    suspects = [
        Suspect.objects.create(operation=cast.operation, team="FR", created_by=cast.fr, alias=f"S{n}",
                               notes=f"+49 151 2345678{n}")
        for n in range(3)
    ]
    with django_capture_on_commit_callbacks() as callbacks:
        selectors_refresh_later_many(suspects)
    assert Selector.objects.filter(suspect__in=suspects, matched_at=None).count() == 3
    assert len(callbacks) == 1
