"""Exports stay valid whatever was logged: handles in other scripts, internationalised and very long URLs,
wallets of every chain ActionDay reads, quotes in a title, and a case with nothing in it. Every bundle
passes the OASIS validator with no error, every MISP event loads into PyMISP and back without loss, and
what went out as an observable comes back exact when a partner returns it as a watch list."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from findings import services as findings
from findings.models import Selector

from .api_client import api_as, url
from .cast import make_platform
from .partners import BTC, XMR

pytestmark = pytest.mark.django_db

LEGACY_BTC = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
TRX = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"
WALLETS = {f"btc:{BTC}", f"btc:{LEGACY_BTC}", f"eth:{ETH.lower()}", f"trx:{TRX}", f"xmr:{XMR}"}
IDN_URL = "https://bücher-escort.example/profil/анна?ort=köln"
LONG_URL = "https://escort-ads.example/search?" + "&".join(f"q{i}=value{i}" for i in range(120))
QUOTED_URL = "https://escort-ads.example/o'brien/a\\b"
HANDLES = {"telegram:анна_vip", "instagram:josé.müller", "telegram:株式会社"}


def assert_valid(text: str):
    outcome = validate_string(text, ValidationOptions(version="2.1"))
    errors = [str(e) for result in getattr(outcome, "object_results", None) or [outcome] for e in result.errors]
    assert outcome.is_valid and errors == [], errors


def assert_misp_round_trip(text: str) -> MISPEvent:
    event = MISPEvent()
    event.load(text)
    assert json.loads(event.to_json()) == json.loads(text)["Event"]
    return event


@pytest.fixture
def odd_case(cast):
    case = cast.case_of(cast.de, title='O\'Brien\'s "VIP" ads on bücher-escort.example — 株式会社')
    telegram = make_platform(name="Telegram", domain="t.me", category="messaging")
    instagram = make_platform(name="Instagram", domain="instagram.com", category="social")
    for platform, handle in [(telegram, "@Анна_VIP"), (instagram, "josé.müller"), (telegram, "株式会社")]:
        findings.account_log(user=cast.de, operation=cast.operation, platform=platform, handle=handle, case=case)
    for raw in (IDN_URL, LONG_URL, QUOTED_URL):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url=raw, case=case)
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Wallets", case=case,
                         notes=f"Paid to {BTC}, {LEGACY_BTC}, {ETH}, {TRX} and {XMR}.")
    return case


def test_the_odd_inputs_are_logged_as_the_selectors_the_exports_carry(cast, odd_case):
    values = set(Selector.objects.filter(case=odd_case).values_list("value", flat=True))
    assert WALLETS | HANDLES <= values
    assert any(v.startswith("https://xn--") or "bücher" in v for v in values)


def test_a_case_of_odd_inputs_is_a_valid_bundle_with_every_identifier_exact(cast, odd_case):
    response = api_as(cast.de).get(url("case-stix", odd_case.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert_valid(text)
    objects = json.loads(text)["objects"]
    wallets = {f"{o['currency'].lower()}:{o['address']}" for o in objects if o["type"] == "cryptocurrency-wallet"}
    assert wallets == WALLETS
    accounts = {f"{o['account_type']}:{o['account_login']}" for o in objects if o["type"] == "user-account"}
    assert accounts == HANDLES
    urls = {o["value"] for o in objects if o["type"] == "url"}
    assert LONG_URL in urls and any("o'brien" in u for u in urls)
    (report,) = [o for o in objects if o["type"] == "report"]
    assert report["name"].endswith('O\'Brien\'s "VIP" ads on bücher-escort[.]example — 株式会社')


def test_a_case_of_odd_inputs_is_a_misp_event_that_round_trips(cast, odd_case):
    response = api_as(cast.de).get(url("case-misp", odd_case.pk))
    assert response.status_code == 200
    event = assert_misp_round_trip(response.content.decode())
    addresses = {a.value for o in event.objects if o.name == "coin-address" for a in o.attributes
                 if a.object_relation != "symbol"}
    assert addresses == {w.partition(":")[2] for w in WALLETS}
    relations = {a.object_relation for o in event.objects if o.name == "coin-address" for a in o.attributes}
    assert {"address", "address-crypto", "address-xmr", "symbol"} == relations
    usernames = {a.value for o in event.objects if o.name == "user-account" for a in o.attributes
                 if a.object_relation == "username"}
    assert usernames == {h.partition(":")[2] for h in HANDLES}
    assert LONG_URL in {a.value for a in event.attributes if a.type == "url"}


def test_an_operation_of_odd_inputs_exports_valid_in_both_formats(cast, odd_case):
    client = api_as(cast.coordinator)
    assert_valid(client.get(url("operation-stix", cast.operation.pk)).content.decode())
    assert_misp_round_trip(client.get(url("operation-misp", cast.operation.pk)).content.decode())


def test_an_empty_case_and_an_empty_operation_export_valid(cast):
    case = cast.case_of(cast.de, title="Nothing found yet")
    client = api_as(cast.de)
    stix = client.get(url("case-stix", case.pk)).content.decode()
    assert_valid(stix)
    (report,) = [o for o in json.loads(stix)["objects"] if o["type"] == "report"]
    assert len(report["object_refs"]) == 1  # the team's identity: STIX wants at least one reference
    assert_misp_round_trip(client.get(url("case-misp", case.pk)).content.decode())
    # FR may see nothing of DE's case: an operation export with nothing in it.
    fr = api_as(cast.fr)
    assert_valid(fr.get(url("operation-stix", cast.operation.pk)).content.decode())
    assert_misp_round_trip(fr.get(url("operation-misp", cast.operation.pk)).content.decode())


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_what_went_out_comes_back_exact_as_a_partners_watch_list(cast, odd_case, fmt):
    exported = api_as(cast.de).get(url(f"case-{fmt}", odd_case.pk)).content
    upload = SimpleUploadedFile(f"partner.{fmt}.json", exported)
    response = api_as(cast.fr).post(url("operation-watch-lists", cast.operation.pk), {"file": upload},
                                    format="multipart")
    assert response.status_code == 201, response.json()
    returned = set(Selector.objects.filter(team="FR").values_list("value", flat=True))
    sent = set(Selector.objects.filter(case=odd_case).values_list("value", flat=True))
    assert WALLETS | HANDLES <= returned
    assert sent == returned


def test_a_street_address_logged_on_a_case_stays_out_of_both_formats(cast):
    case = cast.case_of(cast.de, title="Flat above the bakery")
    findings.location_log(user=cast.de, operation=cast.operation, address="Hauptstraße 12", city="Kehl",
                          country="DE", case=case)
    assert Selector.objects.filter(case=case, kind=Selector.Kind.LOCATION).exists()
    client = api_as(cast.de)
    for name in ("case-stix", "case-misp"):
        text = client.get(url(name, case.pk)).content.decode()
        assert "Hauptstra" not in text and "Kehl" not in text, name
    assert_valid(client.get(url("case-stix", case.pk)).content.decode())
    operation = api_as(cast.coordinator).get(url("operation-stix", cast.operation.pk)).content.decode()
    assert_valid(operation)
    assert "Hauptstra" not in operation
