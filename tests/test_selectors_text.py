"""E-mail addresses, handles and URLs are read from free text, defanged or not; look-alikes are not."""

import pytest

from identifiers.extraction import EMAIL, HANDLE, PHONE, URL, URL_HOST, Found, handle_selector, selectors_in_text


def test_an_email_address_is_stored_in_lower_case_also_when_defanged():
    assert selectors_in_text("Write to Anna.VIP@Example.com") == {Found(EMAIL, "anna.vip@example.com")}
    assert selectors_in_text("anna.vip [at] example [.] com") == {Found(EMAIL, "anna.vip@example.com")}


@pytest.mark.parametrize("text", ["anna@", "@anna", "anna@localhost", "user@@example.com", "mail me at anna dot com"])
def test_a_half_address_is_not_an_email(text):
    assert {f for f in selectors_in_text(text) if f.kind == EMAIL} == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Telegram: @NightQueen_Bookings", "telegram:nightqueen_bookings"),
        ("tg @nightqueen_bookings", "telegram:nightqueen_bookings"),
        ("https://t.me/nightqueen_bookings", "telegram:nightqueen_bookings"),
        ("t.me/s/nightqueen_bookings", "telegram:nightqueen_bookings"),
        ("IG: @anna.vip22", "instagram:anna.vip22"),
        ("www.instagram.com/anna.vip22/", "instagram:anna.vip22"),
        ("https://www.tiktok.com/@dancer_22/video/123", "tiktok:dancer_22"),
        ("https://twitter.com/escort_berlin/status/1", "x:escort_berlin"),
        ("https://x.com/escort_berlin", "x:escort_berlin"),
        ("https://www.facebook.com/profile.php?id=100012345678", "facebook:id:100012345678"),
    ],
)
def test_a_handle_is_stored_per_platform(text, value):
    assert Found(HANDLE, value) in selectors_in_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://t.me/joinchat/AAAAAEk2",  # an invite, not a user
        "https://www.instagram.com/p/Cxyz123/",  # a post
        "https://twitter.com/search?q=escort",
        "Telegram: @abc",  # shorter than Telegram allows
        "we talked on instagram about the @ sign",
    ],
)
def test_site_pages_and_impossible_handles_are_not_handles(text):
    assert {f for f in selectors_in_text(text) if f.kind == HANDLE} == set()


def test_an_account_handle_and_a_profile_link_meet_on_the_same_value():
    assert handle_selector("telegram", "@NightQueen_Bookings") == Found(HANDLE, "telegram:nightqueen_bookings")


def test_a_whatsapp_link_gives_the_phone_number():
    assert selectors_in_text("wa.me/4915123456789") == {Found(PHONE, "+4915123456789")}


def test_a_url_gives_its_canonical_form_and_host_also_when_defanged():
    found = selectors_in_text("advert at hxxps://www.Escortguide-EU[.]example/berlin/anna-22?utm_source=x#top.")
    assert found == {
        Found(URL, "https://www.escortguide-eu.example/berlin/anna-22"),
        Found(URL_HOST, "escortguide-eu.example"),
    }


def test_an_onion_address_is_a_url():
    onion = "hydrabzr3xq7demoxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
    assert Found(URL_HOST, onion) in selectors_in_text(f"market {onion}/listing/1")


def test_hosts_everybody_links_to_are_not_selectors():
    found = selectors_in_text("https://etherscan.io/tx/0x01 and https://bit.ly/3xYz")
    assert {f for f in found if f.kind == URL_HOST} == set()


def test_a_plain_sentence_has_no_selectors():
    text = "The victim, 22, arrived on 12.03.2026 by bus; 3 other women share the flat (rent 450 EUR)."
    assert selectors_in_text(text, region="DE") == set()
