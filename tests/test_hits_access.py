"""A hit tells the other team only which team holds the selector, its type and the operation —
never the other team's records, on the hit pages or through any finding's ``visible_to``."""

import re

import pytest
from django.urls import reverse

from evidence.services import evidence_attach
from findings import services as findings
from findings.models import Case, DetectedUrl, Evidence, Hit, PossibleVictim, Selector, SocialAccount, Suspect
from hits.matching import match_pending
from operations.models import Membership
from platforms.models import PlatformCheck

from .cast import PNG, add_member, make_operation

pytestmark = pytest.mark.django_db

MODELS = [PlatformCheck, Case, Suspect, PossibleVictim, DetectedUrl, SocialAccount, Evidence, Selector]


@pytest.fixture
def german_lead(cast):
    """The German team's unshared case with a suspect whose number the French team also logs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = cast.case_of(cast.de, title="Berlin ring around Kurfuerstenstrasse", summary="Secret summary")
    suspect = findings.suspect_log(
        user=cast.de, operation=cast.operation, alias="Dimitri Geheimname", case=case, notes="Handy 0151 23456789"
    )
    victim = findings.victim_log(user=cast.de, operation=cast.operation, case=case, notes="same 0151 23456789")
    evidence_attach(user=cast.de, finding=case, upload=SimpleUploadedFile("shot.png", PNG))
    return {"case": case, "suspect": suspect, "victim": victim}


def visible(user):
    return {model: set(model.objects.visible_to(user).values_list("pk", flat=True)) for model in MODELS}


def french_hit(cast, match=True):
    case = cast.case_of(cast.fr, title="Paris adverts")
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="D.", case=case, notes="+49 151 23456789")
    if match:
        match_pending()
    return case


def test_a_hit_changes_nothing_that_any_user_can_see_of_findings(cast, german_lead):
    users = [cast.de, cast.fr, cast.coordinator, cast.prosecutor, cast.outsider]
    french_hit(cast, match=False)
    before = {user.pk: visible(user) for user in users}
    match_pending()
    assert Hit.objects.count() == 2  # the German suspect and victim both carry the number
    for user in users:
        assert visible(user) == before[user.pk], user
    for model in (Case, Suspect, PossibleVictim, Evidence, Selector):
        assert not model.objects.visible_to(cast.fr).filter(operation=cast.operation, team="DE").exists()


def test_the_other_teams_inbox_shows_team_type_and_operation_but_none_of_their_data(cast, german_lead, client):
    french_hit(cast)
    client.force_login(cast.fr)
    page = client.get(reverse("hits:inbox", args=[cast.operation.code])).content.decode()
    assert "Germany (DE)" in page and cast.operation.code in page and "+4915123456789" in page
    case, suspect, victim = german_lead["case"], german_lead["suspect"], german_lead["victim"]
    for secret in (case.reference, case.title, "Secret summary", suspect.alias, victim.code):
        assert secret not in page, secret
    # The German side says only team, operation and answer: not even whether it is a suspect or a victim.
    german_sides = re.findall(r'<p class="hit-side hit-other">(.*?)</p>', page, re.S)
    assert len(german_sides) == 2
    for side in german_sides:
        assert "Germany (DE)" in side and "<a" not in side
        assert "Suspect" not in side and "victim" not in side and "Case" not in side
    for name, record in (("suspect", suspect), ("victim", victim)):
        assert f"/findings/{name}/{record.pk}/" not in page
        assert f"{name}:{record.pk}" not in page


def test_once_the_owner_shares_from_the_hit_the_other_team_sees_the_case(cast, german_lead, client):
    french_hit(cast)
    hit = Hit.objects.get(selector_a__suspect=german_lead["suspect"])
    client.force_login(cast.de)
    client.post(reverse("hits:share", args=[cast.operation.code, hit.pk]))
    assert Case.objects.visible_to(cast.fr).filter(pk=german_lead["case"].pk).exists()
    client.force_login(cast.fr)
    page = client.get(reverse("hits:inbox", args=[cast.operation.code]) + "?status=all").content.decode()
    assert german_lead["suspect"].alias in page


def test_answering_for_your_own_side_never_opens_the_other_teams_case(cast, german_lead, client):
    french_case = french_hit(cast)
    hit = Hit.objects.filter(selector_a__suspect=german_lead["suspect"]).get()
    client.force_login(cast.fr)
    client.post(reverse("hits:share", args=[cast.operation.code, hit.pk]))
    assert Case.objects.visible_to(cast.de).filter(pk=french_case.pk).exists()  # FR shared its own case
    assert not Case.objects.visible_to(cast.fr).filter(pk=german_lead["case"].pk).exists()


def test_a_prosecutor_and_a_member_of_another_operation_see_no_hit(cast, german_lead, client):
    french_hit(cast)
    assert not Hit.objects.visible_to(cast.prosecutor).exists()
    assert not Hit.objects.visible_to(cast.outsider).exists()
    assert Hit.objects.visible_to(cast.coordinator).count() == 2
    hit = Hit.objects.first()
    client.force_login(cast.prosecutor)
    assert client.get(reverse("hits:inbox", args=[cast.operation.code])).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(reverse("hits:inbox", args=[cast.operation.code])).status_code == 404
    assert client.post(reverse("hits:share", args=[cast.other_operation.code, hit.pk])).status_code == 404
    assert client.get(reverse("hits:inbox", args=[cast.other_operation.code])).context["rows"] == []


def test_a_finding_filter_cannot_probe_another_teams_records(cast, german_lead, client):
    french_hit(cast)
    client.force_login(cast.fr)
    url = reverse("hits:inbox", args=[cast.operation.code])
    assert client.get(url + f"?finding=suspect:{german_lead['suspect'].pk}").status_code == 404
    assert client.get(url + "?finding=suspect:999999").status_code == 404


def test_a_hit_on_an_earlier_operation_reaches_both_teams_and_no_third(cast):
    earlier = make_operation()
    earlier.starts_at = cast.operation.starts_at.replace(year=2025)
    earlier.ends_at = cast.operation.ends_at.replace(year=2025)
    earlier.save()
    french_then = add_member(earlier, Membership.Role.ANALYST, "FR")
    german_then = add_member(earlier, Membership.Role.ANALYST, "DE")
    findings.suspect_log(user=french_then, operation=earlier, alias="D.", notes="+49 151 23456789")
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", notes="0151 23456789")
    match_pending()
    hit = Hit.objects.get()
    for user in (cast.de, cast.fr, french_then, cast.coordinator):  # FR now and FR then both hold a side
        assert list(Hit.objects.visible_to(user)) == [hit], user
    for user in (german_then, cast.prosecutor, cast.outsider):
        assert not Hit.objects.visible_to(user).exists(), user
