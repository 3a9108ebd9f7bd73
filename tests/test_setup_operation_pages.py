"""Creating an operation and moving its status on pages: who may, what the confirmation says each step locks."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditEvent
from operations.models import Agency, FocusTag, Membership, Operation

from .cast import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    user = make_user("admin")
    user.is_staff = True
    user.save()
    return user


NEW = {"code": "THB-AW-2027", "name": "EMPACT THB action week 2027", "crime_focus": "",
       "starts_at": "2027-11-22T08:00", "ends_at": "2027-11-26T18:00", "new_agency": "Dutch National Police",
       "new_agency_country": "NL", "focus_tags": "Ukrainian refugees\nEscort services\n\nUkrainian refugees"}


def test_an_administrator_creates_a_planned_operation_with_its_lead_agency_and_focus_tags(client, admin):
    client.force_login(admin)
    response = client.post(reverse("setup_operation_new"), NEW)
    assert response.status_code == 302 and response["Location"] == reverse("setup_participants",
                                                                           args=["THB-AW-2027"])
    operation = Operation.objects.get(code="THB-AW-2027")
    assert (operation.status, operation.lead_agency.name, operation.lead_agency.country) == (
        "planned", "Dutch National Police", "NL")
    assert sorted(FocusTag.objects.filter(operation=operation).values_list("name", flat=True)) == [
        "Escort services", "Ukrainian refugees"]
    assert not Membership.objects.filter(operation=operation).exists()  # administrators are not members
    assert AuditEvent.objects.filter(summary__startswith="operation THB-AW-2027 created").exists()


def test_a_holder_of_the_right_becomes_the_lead_coordinator_of_what_they_create(client):
    lead = make_user("lead")
    lead.user_permissions.add(Permission.objects.get(codename="add_operation"))
    agency = Agency.objects.create(name="Dutch National Police", country="NL", kind="police")
    client.force_login(lead)
    client.post(reverse("setup_operation_new"), {**NEW, "new_agency": "", "lead_agency": agency.pk})
    membership = Membership.objects.get(user=lead, operation__code="THB-AW-2027")
    assert (membership.role, membership.team, membership.agency) == ("coordinator", "NL", agency)
    assert client.get(reverse("setup_participants", args=["THB-AW-2027"])).status_code == 200


def test_a_bad_form_keeps_what_was_typed_and_says_why(client, admin):
    client.force_login(admin)
    response = client.post(reverse("setup_operation_new"), {**NEW, "ends_at": "2027-11-01T08:00"})
    assert response.status_code == 400 and "THB-AW-2027" in response.content.decode()
    assert not Operation.objects.filter(code="THB-AW-2027").exists()


def test_an_analyst_may_not_create_operations(client, cast):
    client.force_login(cast.de)
    assert client.post(reverse("setup_operation_new"), NEW).status_code == 403


def test_closing_asks_for_a_confirmation_that_says_what_it_locks(client, cast):
    client.force_login(cast.coordinator)
    page = client.get(reverse("setup_status", args=[cast.operation.code, "closed"])).content.decode()
    assert "read-only for everyone" in page and "retention period" in page
    assert Operation.objects.get(pk=cast.operation.pk).status == "active"
    client.post(reverse("setup_status", args=[cast.operation.code, "closed"]))
    assert Operation.objects.get(pk=cast.operation.pk).status == "closed"
    overview = client.get(reverse("setup_overview", args=[cast.operation.code])).content.decode()
    assert reverse("setup_status", args=[cast.operation.code, "active"]) in overview  # reopen
    assert "Reopen the operation" in overview


def test_reopen_and_archive(client, cast):
    client.force_login(cast.coordinator)
    for target in ("closed", "active", "closed", "archived"):
        client.post(reverse("setup_status", args=[cast.operation.code, target]))
        assert Operation.objects.get(pk=cast.operation.pk).status == target
    assert client.get(reverse("setup_status", args=[cast.operation.code, "active"])).status_code == 404


def test_a_move_that_is_not_open_is_not_found_and_others_get_no_status_page(client, cast):
    client.force_login(cast.coordinator)
    assert client.post(reverse("setup_status", args=[cast.operation.code, "archived"])).status_code == 404
    client.force_login(cast.de)
    assert client.post(reverse("setup_status", args=[cast.operation.code, "closed"])).status_code == 404
    assert Operation.objects.get(pk=cast.operation.pk).status == "active"
