"""A case or an operation as a MISP event: it loads into PyMISP's MISPEvent and back without loss, with
the MISP types, tags and distribution the handling code gives, and only what may leave."""

import json

import pytest
from pymisp import MISPEvent

from audit.models import AuditEvent
from findings import services as findings

from .api_client import api_as, url
from .partners import BTC, DE_URL, FR_URL, RESTRICTED_SUSPECT_PHONE, SUSPECT_PHONE, VICTIM_PHONE, XMR, partners_scene

pytestmark = pytest.mark.django_db


def loaded(response) -> MISPEvent:
    event = MISPEvent()
    event.load(response.content.decode())
    return event


def assert_round_trip(response):
    exported = json.loads(response.content)
    event = loaded(response)
    assert json.loads(event.to_json()) == exported["Event"]


def values(event, kind):
    return {a.value for a in event.attributes if a.type == kind}


def test_a_case_event_loads_into_pymisp_and_back_without_loss(cast):
    scene = partners_scene(cast)
    response = api_as(cast.de).get(url("case-misp", scene.open_case.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="actionday-{scene.open_case.reference}.misp.json"'
    assert_round_trip(response)


def test_identifiers_take_the_matching_misp_types_and_objects(cast):
    scene = partners_scene(cast)
    event = loaded(api_as(cast.de).get(url("case-misp", scene.open_case.pk)))
    assert values(event, "phone-number") == {SUSPECT_PHONE}
    assert values(event, "url") == {DE_URL}
    assert values(event, "domain") == {"escort-ads.example"}
    assert values(event, "email") == {"dima@escort-mail.example"}
    wallets = {(o.get_attributes_by_relation("symbol")[0].value, a.type, a.value)
               for o in event.objects if o.name == "coin-address"
               for a in o.attributes if a.object_relation != "symbol"}
    assert wallets == {("BTC", "btc", BTC), ("XMR", "xmr", XMR)}
    (account,) = [o for o in event.objects if o.name == "user-account"]
    assert {a.object_relation: a.value for a in account.attributes} == {
        "username": "anna_vip_bookings", "account-type": "telegram"}


def test_tags_and_distribution_come_from_the_case(cast):
    scene = partners_scene(cast)
    event = loaded(api_as(cast.de).get(url("case-misp", scene.open_case.pk)))
    tags = {t.name for t in event.tags}
    assert {"tlp:amber", 'actionday:handling-code="H0"', 'actionday:focus-tag="Ukrainian refugees"',
            'actionday:indicator="crypto-only-payment"', 'actionday:exploitation-type="sexual"'} <= tags
    assert int(event.distribution) == 1  # this community only
    url_attribute = next(a for a in event.attributes if a.type == "url")
    assert 'actionday:indicator="crypto-only-payment"' in {t.name for t in url_attribute.tags}
    assert event.info == f"ActionDay case {scene.open_case.reference}: Ads on escort-ads[.]example"


def test_an_h2_case_is_red_and_stays_in_the_organisation_without_its_suspect(cast):
    scene = partners_scene(cast)
    response = api_as(cast.de).get(url("case-misp", scene.restricted.pk))
    assert_round_trip(response)
    event = loaded(response)
    assert "tlp:red" in {t.name for t in event.tags}
    assert int(event.distribution) == 0
    assert RESTRICTED_SUSPECT_PHONE not in response.content.decode()


def test_nothing_of_a_victim_leaves(cast):
    scene = partners_scene(cast)
    text = api_as(cast.coordinator).get(url("operation-misp", cast.operation.pk)).content.decode()
    assert VICTIM_PHONE not in text and scene.victim.code not in text and "Her phone" not in text


def test_an_operation_event_round_trips_and_takes_the_strictest_code(cast):
    partners_scene(cast)
    response = api_as(cast.coordinator).get(url("operation-misp", cast.operation.pk))
    assert_round_trip(response)
    event = loaded(response)
    assert values(event, "url") == {DE_URL, FR_URL}
    assert "tlp:red" in {t.name for t in event.tags} and int(event.distribution) == 0
    fr_url = next(a for a in event.attributes if a.value == FR_URL)
    assert "tlp:amber" in {t.name for t in fr_url.tags}  # not in a case: H0's marking


def test_a_misp_export_is_recorded_as_a_disclosure(cast):
    scene = partners_scene(cast)
    api_as(cast.de).get(url("case-misp", scene.open_case.pk))
    event = AuditEvent.objects.filter(action="disclose").latest("id")
    assert (event.object_type, event.object_id) == ("findings.case", str(scene.open_case.pk))
    assert event.summary.startswith("case exported as a MISP event")


def test_a_prosecutor_exports_only_the_cases_shared_with_them(cast):
    scene = partners_scene(cast)
    assert api_as(cast.prosecutor).get(url("case-misp", scene.open_case.pk)).status_code == 404
    findings.case_share_with_prosecutor(user=cast.de, case=scene.open_case, prosecutor=cast.prosecutor)
    response = api_as(cast.prosecutor).get(url("case-misp", scene.open_case.pk))
    assert response.status_code == 200 and SUSPECT_PHONE in response.content.decode()
