"""A case or an operation as a STIX 2.1 bundle: valid for the OASIS validator, exact observables,
defanged text, markings from the handling code, and only what may leave."""

import json

import pytest
from stix2validator import ValidationOptions, validate_string

from audit.models import AuditEvent
from findings import services as findings

from .api_client import api_as, url
from .partners import (
    BTC,
    DE_URL,
    FR_URL,
    RESTRICTED_SUSPECT_PHONE,
    SUSPECT_EMAIL,
    SUSPECT_PHONE,
    VICTIM_PHONE,
    XMR,
    partners_scene,
)

pytestmark = pytest.mark.django_db

TLP_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
TLP_RED = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"


def assert_valid(text: str):
    outcome = validate_string(text, ValidationOptions(version="2.1"))
    errors = [str(e) for result in getattr(outcome, "object_results", None) or [outcome] for e in result.errors]
    assert outcome.is_valid and errors == [], errors


def objects_of(bundle, kind):
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_a_case_bundle_passes_the_stix_validator_with_exact_observables(cast):
    scene = partners_scene(cast)
    response = api_as(cast.de).get(url("case-stix", scene.open_case.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    assert_valid(response.content.decode())
    bundle = json.loads(response.content)
    assert {o["value"] for o in objects_of(bundle, "phone-number")} == {SUSPECT_PHONE}
    assert {(o["address"], o["currency"]) for o in objects_of(bundle, "cryptocurrency-wallet")} == {
        (BTC, "BTC"), (XMR, "XMR")}
    assert {o["value"] for o in objects_of(bundle, "email-addr")} == {SUSPECT_EMAIL}
    assert {o["value"] for o in objects_of(bundle, "url")} == {DE_URL}
    assert {o["value"] for o in objects_of(bundle, "domain-name")} == {"escort-ads.example"}
    assert {(o["account_type"], o["account_login"]) for o in objects_of(bundle, "user-account")} == {
        ("telegram", "anna_vip_bookings")}
    # The new observable types come with their extension-definitions.
    definitions = {o["id"]: o for o in objects_of(bundle, "extension-definition")}
    phone = objects_of(bundle, "phone-number")[0]
    assert list(phone["extensions"]) == [d for d in definitions if definitions[d]["name"] == "phone-number"]


def test_every_observable_has_an_indicator_based_on_it_and_the_case_report_holds_them(cast):
    scene = partners_scene(cast)
    bundle = api_as(cast.de).get(url("case-stix", scene.open_case.pk)).json()
    observables = {o["id"] for o in bundle["objects"] if o["type"] in (
        "phone-number", "cryptocurrency-wallet", "email-addr", "url", "domain-name", "user-account")}
    based_on = {r["target_ref"] for r in objects_of(bundle, "relationship") if r["relationship_type"] == "based-on"}
    assert based_on == observables
    assert "[phone-number:value = '+4915123456789']" in {i["pattern"] for i in objects_of(bundle, "indicator")}
    (report,) = objects_of(bundle, "report")
    assert observables <= set(report["object_refs"])
    assert report["name"] == f"ActionDay case {scene.open_case.reference}: Ads on escort-ads[.]example"
    assert {"crypto-only-payment", "Ukrainian refugees", "sexual"} <= set(report["labels"])
    teams = {i["id"]: i["name"] for i in objects_of(bundle, "identity")}
    assert teams[report["created_by_ref"]] == "ActionDay country team DE (Germany)"


def test_names_are_defanged_and_patterns_exact(cast):
    scene = partners_scene(cast)
    bundle = api_as(cast.de).get(url("case-stix", scene.open_case.pk)).json()
    indicator = next(i for i in objects_of(bundle, "indicator") if i["pattern"].startswith("[url:"))
    assert indicator["pattern"] == f"[url:value = '{DE_URL}']"
    assert indicator["name"] == "URL hxxps://escort-ads[.]example/anna?id=7"
    assert "escort-ads.example" not in indicator["description"]


def test_nothing_of_a_victim_leaves_not_even_a_number_written_elsewhere_in_the_case(cast):
    scene = partners_scene(cast)
    text = api_as(cast.de).get(url("case-stix", scene.open_case.pk)).content.decode()
    assert VICTIM_PHONE not in text
    assert scene.victim.code not in text
    assert "Her phone" not in text and "reached on" not in text  # free text never leaves


def test_suspects_of_an_h2_case_stay_and_the_case_is_marked_red(cast):
    scene = partners_scene(cast)
    response = api_as(cast.de).get(url("case-stix", scene.restricted.pk))
    assert_valid(response.content.decode())
    bundle = response.json()
    assert RESTRICTED_SUSPECT_PHONE not in response.content.decode()
    (report,) = objects_of(bundle, "report")
    assert TLP_RED in report["object_marking_refs"]
    statements = {m["id"]: m["definition"]["statement"] for m in objects_of(bundle, "marking-definition")
                  if m.get("definition_type") == "statement"}
    assert any(statements[ref].startswith("ActionDay handling code H2") for ref in report["object_marking_refs"]
               if ref in statements)


def test_an_h3_case_carries_its_restrictions_as_a_statement(cast):
    case = cast.case_of(cast.de, handling_code="H3",
                        handling_restrictions="Only for the Europol AP; see www.police.example")
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://h3-site.example/x", case=case)
    response = api_as(cast.de).get(url("case-stix", case.pk))
    assert_valid(response.content.decode())
    bundle = response.json()
    url_object = objects_of(bundle, "url")[0]
    assert TLP_RED in url_object["object_marking_refs"]
    statements = [m["definition"]["statement"] for m in objects_of(bundle, "marking-definition")
                  if m.get("definition_type") == "statement"]
    assert "ActionDay handling code H3 — other restrictions: Only for the Europol AP; see www[.]police[.]example" \
        in statements


def test_h0_and_h1_are_amber(cast):
    scene = partners_scene(cast)
    bundle = api_as(cast.de).get(url("case-stix", scene.open_case.pk)).json()
    assert TLP_AMBER in objects_of(bundle, "report")[0]["object_marking_refs"]
    assert all(TLP_AMBER in o["object_marking_refs"] for o in objects_of(bundle, "indicator"))


def test_an_operation_bundle_is_valid_and_holds_what_the_user_may_see(cast):
    scene = partners_scene(cast)
    response = api_as(cast.fr).get(url("operation-stix", cast.operation.pk))
    assert response.status_code == 200
    assert_valid(response.content.decode())
    bundle = response.json()
    # FR sees both URLs (shared with the operation) but none of DE's cases or suspects.
    assert {o["value"] for o in objects_of(bundle, "url")} == {DE_URL, FR_URL}
    assert objects_of(bundle, "report") == [] and objects_of(bundle, "phone-number") == []
    (grouping,) = objects_of(bundle, "grouping")
    assert grouping["context"] == "suspicious-activity"
    assert scene.open_case.reference not in response.content.decode()


def test_a_coordinators_operation_bundle_holds_every_case_but_no_victim_or_restricted_suspect(cast):
    scene = partners_scene(cast)
    response = api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk))
    assert_valid(response.content.decode())
    text = response.content.decode()
    bundle = json.loads(text)
    assert {r["name"].split(":")[0] for r in objects_of(bundle, "report")} == {
        f"ActionDay case {scene.open_case.reference}", f"ActionDay case {scene.restricted.reference}"}
    assert SUSPECT_PHONE in text
    assert VICTIM_PHONE not in text and RESTRICTED_SUSPECT_PHONE not in text


def test_the_operation_export_takes_the_list_filters(cast):
    partners_scene(cast)
    bundle = api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk), {"team": "FR"}).json()
    assert {o["value"] for o in objects_of(bundle, "url")} == {FR_URL}
    bundle = api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk), {"no_case": "true"}).json()
    assert {o["value"] for o in objects_of(bundle, "url")} == {FR_URL}


def test_an_unknown_filter_or_a_bad_value_is_refused_with_its_name(cast):
    response = api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk), {"colour": "red"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["colour"]
    response = api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk), {"created_after": "soon"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["created_after"]
    case = cast.case_of(cast.de)
    assert api_as(cast.de).get(url("case-stix", case.pk), {"x": "1"}).status_code == 400


def test_a_case_the_user_may_not_see_is_not_found(cast):
    case = cast.case_of(cast.de)
    assert api_as(cast.fr).get(url("case-stix", case.pk)).status_code == 404
    assert api_as(cast.outsider).get(url("operation-stix", cast.operation.pk)).status_code == 404


def test_every_export_is_recorded_as_a_disclosure(cast):
    scene = partners_scene(cast)
    api_as(cast.de).get(url("case-stix", scene.open_case.pk))
    event = AuditEvent.objects.filter(action="disclose").latest("id")
    assert (event.actor, event.object_type, event.object_id) == (cast.de, "findings.case", str(scene.open_case.pk))
    assert event.summary.startswith("case exported as a STIX 2.1 bundle")
    api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk))
    events = AuditEvent.objects.filter(action="disclose", object_type="operations.operation")
    assert sorted(events.values_list("team", flat=True)) == ["DE", "FR"]


def test_the_same_identifiers_keep_their_ids_from_one_export_to_the_next(cast):
    scene = partners_scene(cast)
    ids = [{o["id"] for o in api_as(cast.de).get(url("case-stix", scene.open_case.pk)).json()["objects"]}
           for _ in range(2)]
    assert ids[0] == ids[1]
