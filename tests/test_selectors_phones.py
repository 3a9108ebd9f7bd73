"""Phone numbers come out in E.164 whatever way a team wrote them, read in the team's own country."""

import pytest

from identifiers.extraction import PHONE, Found, phone_e164, phone_region, selectors_in_text


@pytest.mark.parametrize(
    ("team", "written", "e164"),
    [
        ("DE", "0151 23456789", "+4915123456789"),
        ("DE", "0151/23456789", "+4915123456789"),
        ("DE", "+49 151 23456789", "+4915123456789"),
        ("DE", "0049 151 2345 6789", "+4915123456789"),
        ("FR", "06 12 34 56 78", "+33612345678"),
        ("FR", "06.12.34.56.78", "+33612345678"),
        ("FR", "+33 (0)6 12 34 56 78", "+33612345678"),
        ("RO", "0721 234 567", "+40721234567"),
        ("DE", "+40 721 234 567", "+40721234567"),
        ("NL", "06-12345678", "+31612345678"),
        ("NL", "+31 6 1234 5678", "+31612345678"),
        ("IT", "347 123 4567", "+393471234567"),
        ("ES", "612 34 56 78", "+34612345678"),
        ("PL", "512 345 678", "+48512345678"),
    ],
)
def test_a_number_written_in_a_national_format_is_stored_in_e164(team, written, e164):
    assert selectors_in_text(f"Call {written} after 8 pm.", region=phone_region(team)) == {Found(PHONE, e164)}
    assert phone_e164(written, region=phone_region(team)) == e164


def test_the_same_number_from_two_teams_gives_the_same_value():
    german = selectors_in_text("Handy: 0151 23456789", region=phone_region("DE"))
    french = selectors_in_text("tél. +49 151 234 567 89", region=phone_region("FR"))
    assert german == french == {Found(PHONE, "+4915123456789")}


def test_a_national_number_is_read_in_the_teams_country():
    # "06 12 34 56 78" is a French mobile for the French team, and no valid number for the Dutch one.
    assert selectors_in_text("06 12 34 56 78", region="FR") == {Found(PHONE, "+33612345678")}
    assert Found(PHONE, "+33612345678") not in selectors_in_text("06 12 34 56 78", region="NL")


def test_eu_bodies_have_no_default_region_and_need_the_country_code():
    assert phone_region("EU") is None
    assert selectors_in_text("0151 23456789", region=phone_region("EU")) == set()
    assert selectors_in_text("+49 151 23456789", region=phone_region("EU")) == {Found(PHONE, "+4915123456789")}


@pytest.mark.parametrize(
    "text",
    [
        "Seen on 23.11.2026 at 10:30",
        "Seen on 2026-11-23, 08:15",
        "IBAN DE89 3704 0044 0532 0130 00",
        "IBAN NL91ABNA0417164300",
        "Reference 1234567",
        "0151 2345",  # too short
        "Order 4711 of 12 items for 99.95 EUR",
        "+49 000 00000000",  # not a valid number
    ],
)
def test_dates_amounts_ibans_and_short_numbers_are_not_phone_numbers(text):
    assert {f for f in selectors_in_text(text, region="DE") if f.kind == PHONE} == set()


def test_digits_of_a_wallet_are_not_read_as_a_phone_number():
    found = selectors_in_text("pay 0x52908400098527886E0F7030069857D2E4169EE7", region="DE")
    assert {f.kind for f in found} == {"wallet"}
