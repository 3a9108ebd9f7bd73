"""The case page moves a case on — refer (to an authority), open an investigation, close (with a reason) —
for whom the rule allows, and each move shows in its timeline."""

import pytest
from django.urls import reverse

from operations import services as operations

pytestmark = pytest.mark.django_db


def move(client, cast, case, follow=False, **data):
    return client.post(reverse("case_move", args=[cast.operation.code, case.reference]), data, follow=follow)


def page(client, cast, case) -> str:
    return client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).content.decode()


def test_the_team_refers_opens_an_investigation_and_closes_its_case_and_the_timeline_says_so(cast, client):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    assert 'id="case-moves"' in page(client, cast, case)
    move(client, cast, case, move="referred", referred_to="Staatsanwaltschaft Berlin")
    move(client, cast, case, move="investigation_opened")
    move(client, cast, case, move="closed", reason="investigation_concluded")
    case.refresh_from_db()
    assert (case.status, case.referred_to, case.close_reason) == ("closed", "Staatsanwaltschaft Berlin",
                                                                    "investigation_concluded")
    html = page(client, cast, case)
    timeline = html[html.index('id="timeline"'):]
    assert "Staatsanwaltschaft Berlin" in html[:html.index('id="timeline"')]  # on the case, not in the trail
    for words in ("case open → referred", "case referred → investigation opened",  # people's words (issue 16)
                  "case investigation opened → closed (Investigation concluded)"):
        assert words in timeline
    assert 'id="case-moves"' not in html  # a closed case has no move left


def test_a_referral_needs_an_authority_and_other_needs_a_note(cast, client):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    refused = move(client, cast, case, move="referred", referred_to=" ", follow=True).content.decode()
    assert "Say which authority the case is referred to." in refused
    refused = move(client, cast, case, move="closed", reason="other", follow=True).content.decode()
    assert "Say in a note why the case is closed." in refused
    case.refresh_from_db()
    assert case.status == "open"
    move(client, cast, case, move="closed", reason="other", note="Duplicate of a national file")
    case.refresh_from_db()
    assert (case.status, case.close_note) == ("closed", "Duplicate of a national file")


def test_the_coordinator_may_move_any_case_another_team_may_not(cast, client):
    case = cast.case_of(cast.de)
    from findings import services as findings

    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    client.force_login(cast.fr)
    assert 'id="case-moves"' not in page(client, cast, case)
    assert move(client, cast, case, move="referred", referred_to="Parquet de Paris").status_code == 403
    client.force_login(cast.coordinator)
    move(client, cast, case, move="referred", referred_to="Parquet de Paris")
    case.refresh_from_db()
    assert case.status == "referred"


def test_no_move_in_a_closed_operation(cast, client):
    case = cast.case_of(cast.de)
    operations.operation_close(user=cast.coordinator, operation=cast.operation)
    client.force_login(cast.de)
    assert 'id="case-moves"' not in page(client, cast, case)
    assert move(client, cast, case, move="closed", reason="no_indication").status_code == 403
