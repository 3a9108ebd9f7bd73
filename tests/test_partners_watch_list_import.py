"""Watch lists in: a plain list, a STIX 2.1 bundle or a MISP event becomes selectors of the importing
team, normalised as findings' are; all or nothing with every problem named; the same list twice adds
nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from findings.models import Selector
from operations.models import Operation
from partners.models import WatchList, WatchListEntry

from .api_client import api_as, url
from .partners import BTC, SUSPECT_EMAIL, SUSPECT_PHONE, XMR, partners_scene

pytestmark = pytest.mark.django_db

PLAIN = f"""# from the Romanian unit
0151 23456789
+33 6 12 34 56 78
{BTC}
eth:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
Dima@Escort-Mail.example
telegram:@Anna_VIP
hxxps://escort-ads[.]example/anna
shady-site.example
t.me
"""


def send(user, operation, text, name="", **extra):
    data = {"file": SimpleUploadedFile("list.txt", text.encode() if isinstance(text, str) else text), **extra}
    if name:
        data["name"] = name
    return api_as(user).post(url("operation-watch-lists", operation.pk), data, format="multipart")


def held(team="DE"):
    return set(Selector.objects.filter(team=team, watch_list_entry__isnull=False).values_list("kind", "value"))


def test_a_plain_list_becomes_selectors_of_the_team_normalised_as_findings_are(cast):
    response = send(cast.de, cast.operation, PLAIN, name="RO partner list")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["format"], body["items"], body["ignored"]) == ("RO partner list", "list", 8, 1)
    assert held() == {
        ("phone", "+4915123456789"),  # read with the team's country, as a German analyst's note is
        ("phone", "+33612345678"),
        ("wallet", f"btc:{BTC}"),
        ("wallet", "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("email", "dima@escort-mail.example"),
        ("handle", "telegram:anna_vip"),
        ("url", "https://escort-ads.example/anna"), ("url_host", "escort-ads.example"),
        ("url_host", "shady-site.example"),
    }
    assert body["created"] == 9
    watch_list = WatchList.objects.get(pk=body["watch_list"])
    assert (watch_list.team, watch_list.entry_count, watch_list.created_by) == ("DE", 9, cast.de)
    # Not findings: no case, suspect, victim, URL or account behind them; unmatched until the job runs.
    assert not Selector.objects.filter(team="DE").exclude(case=None, suspect=None, victim=None, url=None,
                                                          account=None).exists()
    assert not Selector.objects.filter(team="DE", matched_at__isnull=False).exists()
    event = AuditEvent.objects.get(action="collect", object_type="partners.watchlist")
    assert (event.actor, event.object_id, event.team) == (cast.de, str(watch_list.pk), "DE")


def test_one_bad_item_and_nothing_is_saved_with_every_problem_named(cast):
    broken_wallet = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"  # the genesis address, last character changed
    response = send(cast.de, cast.operation, f"+49 151 23456789\nnot an identifier\n{broken_wallet}\n")
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert [row["line"] for row in rows] == [2, 3]
    assert "checksum" in rows[1]["reason"]
    assert not WatchList.objects.exists() and not Selector.objects.exists()


def test_the_same_list_twice_adds_nothing(cast):
    assert send(cast.de, cast.operation, PLAIN).status_code == 201
    again = send(cast.de, cast.operation, PLAIN)
    assert again.status_code == 200
    assert (again.json()["watch_list"], again.json()["created"], again.json()["existing"]) == (None, 0, 9)
    assert WatchList.objects.count() == 1 and WatchListEntry.objects.count() == 9
    # A longer list adds only what is new; another team's list is its own.
    assert send(cast.de, cast.operation, PLAIN + "+40 721 234 567\n").json()["created"] == 1
    assert send(cast.fr, cast.operation, "+49 151 23456789\n").json()["created"] == 1
    assert ("phone", "+4915123456789") in held("FR")


def test_an_actionday_stix_export_imports_back_as_a_watch_list(cast):
    scene = partners_scene(cast)
    bundle = api_as(cast.de).get(url("case-stix", scene.open_case.pk)).content
    response = send(cast.fr, cast.operation, bundle, name="From DE")
    assert response.status_code == 201, response.json()
    assert response.json()["format"] == "stix"
    assert {("phone", SUSPECT_PHONE), ("wallet", f"btc:{BTC}"), ("wallet", f"xmr:{XMR}"),
            ("email", SUSPECT_EMAIL), ("handle", "telegram:anna_vip_bookings")} <= held("FR")


def test_a_stix_bundle_from_elsewhere_is_read_by_its_observables_and_patterns(cast):
    bundle = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--a932fcc6-e032-476c-826f-cb970a5a1ade",
         "pattern": "[domain-name:value = 'escort-ads.example'] OR [email-addr:value = 'X@Mail.example']",
         "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
         "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"},
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--b932fcc6-e032-476c-826f-cb970a5a1ade",
         "pattern": "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", "pattern_type": "stix",
         "valid_from": "2026-01-01T00:00:00Z", "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"},
        {"type": "user-account", "spec_version": "2.1", "id": "user-account--0d5b424b-93b8-5cd8-ac36-306e1789d63c",
         "account_login": "Anna_VIP", "account_type": "Telegram"},
        {"type": "malware", "spec_version": "2.1", "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
         "name": "x", "is_family": False, "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"},
    ]}
    response = send(cast.de, cast.operation, json.dumps(bundle))
    assert response.status_code == 201, response.json()
    assert (response.json()["items"], response.json()["ignored"]) == (3, 2)
    assert held() == {("url_host", "escort-ads.example"), ("email", "x@mail.example"), ("handle", "telegram:anna_vip")}


def test_a_stix_item_that_cannot_be_read_is_named(cast):
    bundle = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
        {"type": "url", "id": "url--1", "value": "not a url"},
        {"type": "indicator", "id": "indicator--2", "pattern": "[url:value = ", "pattern_type": "stix"},
    ]}
    response = send(cast.de, cast.operation, json.dumps(bundle), format="stix")
    assert response.status_code == 400
    assert [row["field"] for row in response.json()["rows"]] == ["objects[0] url--1", "objects[1] indicator--2"]


def test_an_actionday_misp_export_and_a_misp_event_from_elsewhere_import(cast):
    scene = partners_scene(cast)
    event = api_as(cast.de).get(url("case-misp", scene.open_case.pk)).content
    response = send(cast.fr, cast.operation, event)
    assert response.status_code == 201, response.json()
    assert response.json()["format"] == "misp"
    assert {("phone", SUSPECT_PHONE), ("wallet", f"xmr:{XMR}"), ("handle", "telegram:anna_vip_bookings")} <= held("FR")
    other = {"Event": {"info": "partner", "Attribute": [
        {"type": "phone-number", "value": "+40 721 234 567", "category": "Person"},
        {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e", "category": "Payload delivery"},
    ], "Object": [{"name": "coin-address", "meta-category": "financial", "Attribute": [
        {"object_relation": "address-crypto", "type": "text", "value": "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"},
        {"object_relation": "symbol", "type": "text", "value": "TRX"}]}]}}
    response = send(cast.de, cast.operation, json.dumps(other))
    assert response.status_code == 201, response.json()
    assert held() == {("phone", "+40721234567"), ("wallet", "trx:TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")}
    assert response.json()["ignored"] == 1


def test_who_may_import(cast):
    assert send(cast.prosecutor, cast.operation, PLAIN).status_code == 403
    assert send(cast.outsider, cast.operation, PLAIN).status_code == 404
    cast.operation.status = Operation.Status.CLOSED
    cast.operation.save()
    assert send(cast.de, cast.operation, PLAIN).status_code == 403
    assert not Selector.objects.exists()


def test_a_field_the_import_does_not_take_is_refused(cast):
    response = send(cast.de, cast.operation, PLAIN, colour="red")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["colour"]
    response = send(cast.de, cast.operation, PLAIN, format="csv")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["format"]
    assert not Selector.objects.exists()


def test_the_lists_are_seen_by_their_team_and_the_coordinators_only(cast):
    send(cast.de, cast.operation, PLAIN, name="DE list")
    names = lambda user: [w["name"] for w in api_as(user).get(url("watch-list-list")).json()["results"]]  # noqa: E731
    assert names(cast.de) == ["DE list"] and names(cast.coordinator) == ["DE list"]
    assert names(cast.fr) == [] and names(cast.prosecutor) == []
