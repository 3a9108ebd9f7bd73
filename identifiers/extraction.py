"""Identifiers in a finding that another team may hold too, read out of fields and free text.

Extraction and normalisation only — no database. Each identifier comes out in one canonical
form, so that the same phone number written "0151 23456789" by the German team and
"+49 151 234 567 89" by the French team is one value:

- phone numbers in E.164 (``+4915123456789``), read with the team's country as default region;
- e-mail addresses in lower case;
- crypto wallets, accepted only when their checksum holds, as ``chain:address`` (``btc:``,
  ``eth:`` lower case, ``trx:``, ``xmr:``);
- social handles as ``platform:handle`` (``telegram:nightqueen_bookings``);
- canonical URLs and their hosts (``identifiers.canonical``).

Checksums keep random strings out: a 34-character word that merely looks like a Bitcoin
address is not one unless its base58check digest matches.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import phonenumbers

from .canonical import InvalidUrl, canonical_url
from .wallets import wallet

PHONE = "phone"
EMAIL = "email"
WALLET = "wallet"
HANDLE = "handle"
URL_HOST = "url_host"
URL = "url"

MAX_VALUE_LENGTH = 512  # Selector.value


@dataclass(frozen=True, order=True)
class Found:
    """One selector: its kind (a ``Selector.Kind`` value) and normalised value."""

    kind: str
    value: str


_WALLET_CANDIDATES = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"0[xX][0-9a-fA-F]{40}"
    r"|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}"
    r"|[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?"
    r"|[13T][1-9A-HJ-NP-Za-km-z]{24,34}"
    r")(?![0-9A-Za-z])"
)


# --- phone numbers -----------------------------------------------------------------------------


def phone_region(team: str) -> str | None:
    """The default region for a team's numbers: its country, or none for EU bodies."""
    team = (team or "").upper()
    return team if team in phonenumbers.SUPPORTED_REGIONS else None


def phone_e164(raw: str, *, region: str | None = None) -> str | None:
    """A phone number in E.164, or None when it is not a valid number (for the default region)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phones_in(text: str, *, region: str | None = None) -> set[str]:
    """Every valid phone number in a text, in E.164. Dates, times and IBANs are not taken."""
    found = set()
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        found.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found


# --- e-mail ------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?![\w-])",
    re.I,
)


def email(raw: str) -> str | None:
    text = raw.strip().lower()
    match = _EMAIL.fullmatch(text)
    return match.group(0) if match and ".." not in text else None


# --- social handles ----------------------------------------------------------------------------

# Host → the platform key used in handle selectors. Catalogue platforms are keyed by the same
# names (see ``platform_key``), so an account logged on "Telegram" meets a t.me link.
SOCIAL_HOSTS = {
    "t.me": "telegram", "telegram.me": "telegram", "telegram.dog": "telegram",
    "instagram.com": "instagram", "tiktok.com": "tiktok", "x.com": "x", "twitter.com": "x",
    "facebook.com": "facebook", "fb.com": "facebook", "vk.com": "vk", "onlyfans.com": "onlyfans",
    "snapchat.com": "snapchat", "reddit.com": "reddit", "youtube.com": "youtube", "threads.net": "threads",
}
_HANDLE_RULES = {
    "telegram": r"[a-z][a-z0-9_]{4,31}",
    "instagram": r"[a-z0-9._]{1,30}",
    "tiktok": r"[a-z0-9._]{2,24}",
    "x": r"[a-z0-9_]{1,15}",
    "facebook": r"[a-z0-9.]{5,50}|id:\d{5,20}",
    "vk": r"[a-z0-9_.]{2,32}",
    "onlyfans": r"[a-z0-9_.-]{3,30}",
    "snapchat": r"[a-z][a-z0-9._-]{2,14}",
    "reddit": r"[a-z0-9_-]{3,20}",
    "youtube": r"[a-z0-9._-]{3,30}",
    "threads": r"[a-z0-9._]{1,30}",
    "skype": r"[a-z][a-z0-9._:,-]{5,31}",
    "kik": r"[a-z0-9._]{6,20}",
    "wickr": r"[a-z0-9._-]{3,32}",
    "threema": r"[a-z0-9*]{8}",
}
# First path segments that are site pages, not profiles.
_NOT_PROFILES = {
    "telegram": {"joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "iv", "c", "s", "login"},
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts", "tv", "direct", "about", "legal"},
    "x": {"i", "home", "search", "intent", "share", "hashtag", "explore", "settings", "messages", "notifications",
          "login", "signup", "tos", "privacy"},
    "facebook": {"groups", "pages", "events", "watch", "marketplace", "sharer", "sharer.php", "share", "login",
                 "help", "photo.php", "story.php", "permalink.php", "hashtag", "gaming", "reel", "policies"},
    "vk": {"wall", "feed", "away.php", "search", "video", "photo", "audio", "im", "login"},
    "tiktok": {"discover", "tag", "music", "search", "foryou", "login"},
    "reddit": {"r", "search", "login"},
    "youtube": {"watch", "results", "playlist", "shorts", "embed", "feed"},
}
# Words that introduce a handle in free text ("telegram: @anna_vip", "IG @anna.vip").
_TEXT_PLATFORMS = {
    "telegram": "telegram", "tg": "telegram", "instagram": "instagram", "insta": "instagram", "ig": "instagram",
    "tiktok": "tiktok", "snapchat": "snapchat", "snap": "snapchat", "onlyfans": "onlyfans", "twitter": "x",
    "skype": "skype", "kik": "kik", "wickr": "wickr", "threema": "threema", "vk": "vk",
}
_TEXT_HANDLE = re.compile(
    r"(?<![\w@])(" + "|".join(sorted(_TEXT_PLATFORMS, key=len, reverse=True)) + r")\s*(?::\s*@?|@)\s*([\w.*-]{1,64})",
    re.I,
)


def handle_selector(platform: str, handle: str, *, strict: bool = False) -> Found | None:
    """The selector of a handle on a platform (key as in ``SOCIAL_HOSTS``, or a catalogue name slug).

    ``strict`` applies the platform's own rule for handles, for what is read from free text and
    links; a handle an analyst logged on an account is taken as they wrote it (already canonical).
    """
    handle = handle.strip().lstrip("@").lower().rstrip(".")
    if not handle or not platform or any(c.isspace() for c in handle):
        return None
    if strict:
        rule = _HANDLE_RULES.get(platform)
        if rule is None or not re.fullmatch(rule, handle):
            return None
    value = f"{platform}:{handle}"
    return Found(HANDLE, value) if len(value) <= MAX_VALUE_LENGTH else None


def _profile_selector(url: str, host: str) -> Found | None:
    """A handle (or a WhatsApp number) named by a profile link such as t.me/anna_vip."""
    bare = host.removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    platform = SOCIAL_HOSTS.get(bare)
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if bare == "wa.me" and segments:
        number = phone_e164("+" + segments[0].lstrip("+"))
        return Found(PHONE, number) if number else None
    if platform is None or not segments:
        return None
    first = segments[0].lower()
    if platform == "facebook" and first == "profile.php":
        ids = parse_qs(parts.query).get("id")
        return handle_selector(platform, f"id:{ids[0]}", strict=True) if ids else None
    if platform == "telegram" and first == "s" and len(segments) > 1:
        first = segments[1].lower()
    elif platform == "tiktok":
        if not first.startswith("@"):
            return None
        first = first[1:]
    elif platform == "reddit" and first in ("user", "u") and len(segments) > 1:
        first = segments[1].lower()
    elif platform == "youtube":
        if not first.startswith("@"):
            return None
        first = first[1:]
    elif platform == "snapchat" and first == "add" and len(segments) > 1:
        first = segments[1].lower()
    if first in _NOT_PROFILES.get(platform, ()) or first.startswith("+"):
        return None
    return handle_selector(platform, first, strict=True)


# --- URLs --------------------------------------------------------------------------------------


def url_selectors(raw: str) -> set[Found]:
    """What a URL gives: the handle or number of a profile link, else the canonical URL and its host."""
    try:
        url, host = canonical_url(raw)
    except InvalidUrl:
        return set()
    profile = _profile_selector(url, host)
    if profile is not None:
        return {profile}
    found = set()
    site = host.removeprefix("www.")
    if not _is_common_host(site):
        found.add(Found(URL_HOST, site))
    if len(url) <= MAX_VALUE_LENGTH:  # longer URLs are matched by their host only
        found.add(Found(URL, url))
    return found


# Hosts that everybody links to: a match on them says nothing about a lead. Catalogue platforms
# are left out as well, by the caller (``findings.selector_rows``), which knows the catalogue.
COMMON_HOSTS = {
    *SOCIAL_HOSTS, "wa.me", "whatsapp.com", "google.com", "maps.google.com", "goo.gl", "bit.ly", "t.co",
    "etherscan.io", "tronscan.org", "blockchair.com", "blockchain.com", "mempool.space", "xmrchain.net",
    "web.archive.org", "archive.org", "archive.ph",
}


def _is_common_host(host: str) -> bool:
    return any(host == common or host.endswith("." + common) for common in COMMON_HOSTS)


_URL_IN_TEXT = re.compile(
    r"(?:\bh(?:tt|xx)ps?://|\bwww\.|(?<![\w.@/-])(?:"
    + "|".join(re.escape(h) for h in sorted([*SOCIAL_HOSTS, "wa.me"], key=len, reverse=True))
    + r")/|(?<![\w.@/-])[a-z2-7]{16,56}\.onion\b)[^\s<>\"'`]*",
    re.I,
)
# "[.]", "(dot)", "[at]", "hxxp": how investigators write addresses that nobody should click.
_TEXT_REFANG = [
    (re.compile(r"\s*[\[({]\s*(?:\.|dot)\s*[\])}]\s*", re.I), "."),
    (re.compile(r"\s*[\[({]\s*(?:@|at)\s*[\])}]\s*", re.I), "@"),
    (re.compile(r"\[\s*:\s*/\s*/\s*\]"), "://"),
    (re.compile(r"\bh(?:xx|XX|\*\*)p(s?)://", re.I), r"http\1://"),
]
# IBAN-shaped runs are masked before phones are read: their digit groups can look like numbers.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")


def _refang_text(text: str) -> str:
    for pattern, replacement in _TEXT_REFANG:
        text = pattern.sub(replacement, text)
    return text


def _masked(text: str, spans) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def selectors_in_text(text: str, *, region: str | None = None) -> set[Found]:
    """Every selector written in a free text, read with ``region`` as the default phone region.

    What one reader has taken is blanked out for the readers after it, so that the digits of a
    wallet, a URL, an e-mail address or an IBAN are not read again as a phone number.
    """
    if not text or not text.strip():
        return set()
    text = _refang_text(text)
    found: set[Found] = set()
    # Wallets are read from the whole text: an explorer link carries the address in its path.
    wallet_spans = []
    for match in _WALLET_CANDIDATES.finditer(text):
        value = wallet(match.group(0))
        if value:
            found.add(Found(WALLET, value))
        wallet_spans.append(match.span())
    taken = []
    for match in _EMAIL.finditer(text):
        value = email(match.group(0))
        if value:
            found.add(Found(EMAIL, value))
        taken.append(match.span())
    for match in _URL_IN_TEXT.finditer(_masked(text, taken)):
        found |= url_selectors(match.group(0).rstrip(".,;:!?)]}"))
        taken.append(match.span())
    for match in _TEXT_HANDLE.finditer(_masked(text, taken)):
        selector = handle_selector(_TEXT_PLATFORMS[match.group(1).lower()], match.group(2), strict=True)
        if selector:
            found.add(selector)
            taken.append(match.span())
    rest = _masked(text, taken + wallet_spans)
    rest = _masked(rest, [m.span() for m in _IBAN.finditer(rest)])
    found |= {Found(PHONE, number) for number in phones_in(rest, region=region)}
    return found
