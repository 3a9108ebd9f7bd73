"""The team's platform checklist: plan, start, finish with or without indications, focus tags."""

import pytest
from django.urls import reverse

from operations.models import FocusTag, Operation
from platforms import services as platforms
from platforms.models import PlatformCheck

from .cast import make_platform

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(name, cast, *args):
    return reverse(name, args=[cast.operation.code, *args])


@pytest.fixture
def tags(cast):
    return [FocusTag.objects.create(operation=cast.operation, name=n) for n in ("Escort services", "Refugees")]


def test_analyst_plans_and_starts_a_check_in_one_step(client, cast, tags):
    client.force_login(cast.de)
    response = client.post(url("platform_check_plan", cast), {"platform": cast.platform.pk, "start": "on",
                                                              "focus_tags": ["Escort services"]}, headers=HTMX)
    assert response.status_code == 200
    check = PlatformCheck.objects.get(team="DE")
    assert check.status == "in_progress" and check.checked_by == cast.de
    assert [t.name for t in check.focus_tags.all()] == ["Escort services"]
    assert "check started" in response.content.decode()
    assert 'id="checklist"' in response.content.decode()  # the partial htmx swaps in


def test_finishing_with_indications_records_outcome_and_focus_tags(client, cast, tags):
    check = platforms.check_start(user=cast.de, check=platforms.check_plan(
        user=cast.de, operation=cast.operation, platform=cast.platform))
    client.force_login(cast.de)
    prefix = f"c{check.pk}"
    client.post(url("platform_check_finish", cast, check.pk), {
        f"{prefix}-with_indications": "1", f"{prefix}-focus_tags": ["Refugees"], f"{prefix}-note": "3 adverts",
    })
    check.refresh_from_db()
    assert (check.status, check.with_indications, check.note) == ("checked", True, "3 adverts")
    assert [t.name for t in check.focus_tags.all()] == ["Refugees"]


def test_finishing_without_indications(client, cast):
    check = platforms.check_start(user=cast.de, check=platforms.check_plan(
        user=cast.de, operation=cast.operation, platform=cast.platform))
    client.force_login(cast.de)
    client.post(url("platform_check_finish", cast, check.pk), {f"c{check.pk}-with_indications": "0"})
    check.refresh_from_db()
    assert (check.status, check.with_indications) == ("checked", False)
    page = client.get(url("platform_checklist", cast)).content.decode()
    assert "Checked, no indications" in page


def test_finishing_without_saying_the_outcome_is_refused_with_a_reason(client, cast):
    check = platforms.check_start(user=cast.de, check=platforms.check_plan(
        user=cast.de, operation=cast.operation, platform=cast.platform))
    client.force_login(cast.de)
    response = client.post(url("platform_check_finish", cast, check.pk), {}, headers=HTMX)
    assert "Say whether indications were found." in response.content.decode()
    check.refresh_from_db()
    assert check.status == "in_progress"


def test_checklist_shows_my_team_and_other_teams_separately(client, cast):
    dating = make_platform(name="SugarMatch", domain="sugarmatch.example", category="dating")
    platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    platforms.check_plan(user=cast.fr, operation=cast.operation, platform=dating)
    client.force_login(cast.de)
    html = client.get(url("platform_checklist", cast)).content.decode()
    mine, others = html.split("Other teams' checks")
    assert "<strong>EscortGuide</strong>" in mine and "<strong>SugarMatch</strong>" not in mine
    assert "<td>SugarMatch</td><td>FR</td>" in others and "EscortGuide" not in others


def test_other_team_cannot_start_my_check(client, cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    client.force_login(cast.fr)
    response = client.post(url("platform_check_start", cast, check.pk))
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.status == "planned"


def test_starting_twice_is_refused_with_the_reason(client, cast):
    check = platforms.check_start(user=cast.de, check=platforms.check_plan(
        user=cast.de, operation=cast.operation, platform=cast.platform))
    client.force_login(cast.de)
    response = client.post(url("platform_check_start", cast, check.pk), follow=True)
    assert "cannot move from" in response.content.decode()


def test_closed_operation_hides_the_forms_and_refuses_posts(client, cast):
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    client.force_login(cast.de)
    html = client.get(url("platform_checklist", cast)).content.decode()
    assert "Add to the checklist" not in html and "read-only" in html
    response = client.post(url("platform_check_plan", cast), {"platform": cast.platform.pk})
    assert response.status_code == 403
    assert not PlatformCheck.objects.exists()


def test_prosecutor_cannot_plan_checks(client, cast):
    client.force_login(cast.prosecutor)
    assert client.get(url("platform_checklist", cast)).status_code == 403
    response = client.post(url("platform_check_plan", cast), {"platform": cast.platform.pk})
    assert response.status_code == 403
    assert not PlatformCheck.objects.exists()
