"""Coordinators manage who is in their operation: add a person, change role or team, remove — the access
follows at the next request; an operation keeps a coordinator."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from operations.models import Membership

pytestmark = pytest.mark.django_db


def people(cast):
    return reverse("setup_people", args=[cast.operation.code])


def member(cast, user):
    return reverse("setup_member", args=[cast.operation.code, Membership.objects.get(user=user).pk])


def test_a_coordinator_adds_a_new_person_who_gets_an_account_without_password(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(people(cast), {"email": "Lena@Police.example", "name": "Lena Berg", "role": "analyst",
                                          "team": "SE"})
    assert response.status_code == 302
    user = get_user_model().objects.get(email="lena@police.example")
    assert (user.username, user.get_full_name(), user.has_usable_password()) == (
        "lena@police.example", "Lena Berg", False)
    assert Membership.objects.get(user=user).team == "SE"
    assert "no link sent yet" in client.get(people(cast)).content.decode()


def test_changing_role_or_team_takes_effect_at_the_next_request(client, cast):
    case = cast.case_of(cast.fr)
    analyst = client.__class__()
    analyst.force_login(cast.de)
    detail = reverse("case_detail", args=[cast.operation.code, case.reference])
    assert analyst.get(detail).status_code == 404
    client.force_login(cast.coordinator)
    client.post(member(cast, cast.de), {"role": "analyst", "team": "FR"})
    assert analyst.get(detail).status_code == 200


def test_a_removed_member_loses_access_at_the_next_request(client, cast):
    analyst = client.__class__()
    analyst.force_login(cast.de)
    workspace = reverse("workspace", args=[cast.operation.code])
    assert analyst.get(workspace).status_code == 200
    client.force_login(cast.coordinator)
    client.post(member(cast, cast.de), {"remove": "1"})
    assert analyst.get(workspace).status_code == 404


def test_the_last_coordinator_stays(client, cast):
    client.force_login(cast.coordinator)
    page = client.post(member(cast, cast.coordinator), {"remove": "1"}, follow=True).content.decode()
    assert "last coordinator" in page
    client.post(member(cast, cast.coordinator), {"role": "analyst", "team": "NL"})
    assert Membership.objects.get(user=cast.coordinator).role == "coordinator"


def test_an_analyst_manages_no_one(client, cast):
    client.force_login(cast.de)
    assert client.post(member(cast, cast.fr), {"remove": "1"}).status_code == 404
    assert Membership.objects.filter(user=cast.fr).exists()
