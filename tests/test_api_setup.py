"""A script sets an operation up through the API alone: create it, import its participants (dry run, then
for real), focus tags, the catalogue, members, sign-up links, and its status moves."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from operations.models import Membership, Operation
from platforms.models import Platform

from .api_client import api_as, url
from .cast import make_user
from .edition import COORDINATOR, as_csv, as_xlsx, edition_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    user = make_user("admin")
    user.is_staff = True
    user.save()
    return api_as(user)


def created(admin, cast):
    answer = admin.post(url("operation-list"), {
        "code": "THB-AW-2027", "name": "Action week 2027", "starts_at": "2027-11-22T08:00:00Z",
        "ends_at": "2027-11-26T18:00:00Z", "lead_agency": cast.operation.lead_agency.pk,
        "focus_tags": ["Ukrainian refugees"]}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_an_administrator_creates_and_fills_an_operation(admin, cast):
    operation = created(admin, cast)
    assert (operation["status"], operation["focus_tags"], operation["membership"]) == (
        "planned", ["Ukrainian refugees"], None)
    participants = url("operation-participants", operation["id"])
    data = as_xlsx(edition_rows())
    dry = admin.post(participants, {"file": SimpleUploadedFile("p.xlsx", data), "dry_run": "true"})
    assert dry.status_code == 200 and dry.json()["counts"]["people"] == 76
    assert not Membership.objects.filter(operation_id=operation["id"]).exists()
    done = admin.post(participants, {"file": SimpleUploadedFile("p.xlsx", data)}).json()
    assert (done["dry_run"], done["counts"]["new_memberships"]) == (False, 76)
    again = admin.post(participants, {"file": SimpleUploadedFile("p.xlsx", data)}).json()
    assert again["counts"]["changes"] == 0


def test_a_refused_file_lists_each_line(admin, cast):
    operation = created(admin, cast)
    rows = edition_rows()
    rows[0][5] = "chief"
    answer = admin.post(url("operation-participants", operation["id"]),
                        {"file": SimpleUploadedFile("p.csv", as_csv(rows))})
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_file"
    assert answer.json()["rows"] == [{"line": 2, "field": "role", "reason": answer.json()["rows"][0]["reason"]}]
    assert "chief" in answer.json()["rows"][0]["reason"]


def test_members_are_listed_changed_and_removed_by_the_coordinator(cast):
    client = api_as(cast.coordinator)
    listed = client.get(url("membership-list"), {"operation": cast.operation.pk}).json()["results"]
    assert {m["username"] for m in listed} >= {cast.de.username} and all(m["signed_up"] for m in listed)
    de = Membership.objects.get(user=cast.de)
    changed = client.patch(url("membership-detail", de.pk), {"team": "AT"}, format="json").json()
    assert (changed["team"], changed["role"]) == ("AT", "analyst")
    assert client.delete(url("membership-detail", de.pk)).status_code == 204
    assert not Membership.objects.filter(pk=de.pk).exists()
    assert api_as(cast.de).get(url("membership-list")).json()["results"] == []


def test_a_new_member_gets_a_link_by_mail_or_in_a_list(cast, smtp_mailbox, django_capture_on_commit_callbacks):
    client = api_as(cast.coordinator)
    added = client.post(url("membership-list"), {"operation": cast.operation.pk, "email": "eva@police.example",
                                                 "name": "Eva Lind", "role": "analyst", "team": "SE"}, format="json")
    assert added.status_code == 201 and added.json()["signed_up"] is False
    links = client.post(url("operation-sign-up-links", cast.operation.pk), {"delivery": "list"}, format="json").json()
    assert [link["email"] for link in links["links"]] == ["eva@police.example"]
    with django_capture_on_commit_callbacks(execute=True):  # the mails leave when the request commits
        mailed = client.post(url("operation-sign-up-links", cast.operation.pk), {"delivery": "email"}, format="json")
    assert mailed.status_code == 202 and mailed.json()["issued"] == 1
    assert [m["To"] for m in smtp_mailbox.wait_for(1)] == ["eva@police.example"]


def test_focus_tags_and_the_catalogue_through_the_api(admin, cast):
    operation = created(admin, cast)
    tag = admin.post(url("focus-tag-list"), {"operation": operation["id"], "name": "Escort services"},
                     format="json").json()
    renamed = admin.patch(url("focus-tag-detail", tag["id"]), {"name": "Escort agencies"}, format="json").json()
    assert renamed["name"] == "Escort agencies"
    imported = admin.post(url("focus-tag-import-file"), {
        "operation": operation["id"], "file": SimpleUploadedFile("t.csv", b"name\nLabour exploitation\n")}).json()
    assert imported["added"] == ["Labour exploitation"]
    catalogue = admin.post(url("platform-catalogue-import"), {"file": SimpleUploadedFile(
        "c.csv", b"name,category,surface,domains\nBadoo,dating,surface,badoo.com\n")}).json()
    assert catalogue["platforms"][0]["state"] == "new" and Platform.objects.filter(name="Badoo").exists()


def test_status_moves_and_reopen_through_the_api(cast):
    client = api_as(cast.coordinator)
    assert client.post(url("operation-close", cast.operation.pk)).json()["status"] == "closed"
    assert client.post(url("operation-reopen", cast.operation.pk)).json()["status"] == "active"
    assert Operation.objects.get(pk=cast.operation.pk).closed_at is None


def test_an_analyst_sets_nothing_up(cast):
    client = api_as(cast.de)
    assert client.post(url("operation-participants", cast.operation.pk),
                       {"file": SimpleUploadedFile("p.csv", as_csv(edition_rows()[:2]))}).status_code == 404
    assert client.post(url("operation-sign-up-links", cast.operation.pk), {"delivery": "list"},
                       format="json").status_code == 404
    refused = client.post(url("operation-list"), {
        "code": "X-1", "name": "Mine", "starts_at": "2027-11-22T08:00:00Z", "ends_at": "2027-11-26T18:00:00Z",
        "lead_agency": cast.operation.lead_agency.pk}, format="json")
    assert refused.status_code == 403 and not Operation.objects.filter(code="X-1").exists()
    assert not Membership.objects.filter(user__email=COORDINATOR).exists()


def test_a_platform_is_added_and_changed_through_the_api(admin):
    added = admin.post(url("platform-list"), {"name": "Vinted", "category": "marketplace",
                                              "domains": ["vinted.com", "https://www.vinted.fr/"]}, format="json")
    assert added.status_code == 201 and sorted(added.json()["domains"]) == ["vinted.com", "vinted.fr"]
    changed = admin.patch(url("platform-detail", added.json()["id"]), {"surface": "dark", "domains": ["vinted.com"]},
                          format="json").json()
    assert (changed["surface"], changed["domains"], changed["category"]) == ("dark", ["vinted.com"], "marketplace")


def test_an_analyst_adds_no_platform(cast):
    refused = api_as(cast.de).post(url("platform-list"), {"name": "X", "category": "forum"}, format="json")
    assert refused.status_code == 403 and not Platform.objects.filter(name="X").exists()
