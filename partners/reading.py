"""Reading a partner's watch list — a STIX 2.1 bundle, a MISP event (JSON) or a plain list — into
selectors, normalised exactly as the selectors of findings are (``identifiers.extraction``), so that
matching meets them.

Each item of the file (a STIX object, a MISP attribute or object, a line) gives one or more
selectors, or a problem that names the item; items of a kind that carries no identifier ActionDay
matches (a STIX malware object, a MISP file hash, a hash or an IP of a sender) are counted as
ignored, not refused. Nothing here touches the database.
"""

import json
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from identifiers.canonical import InvalidUrl, canonical_url, refang
from identifiers.extraction import (
    EMAIL,
    PHONE,
    SOCIAL_HOSTS,
    URL_HOST,
    WALLET,
    Found,
    email,
    handle_selector,
    phone_e164,
    url_selectors,
)
from identifiers.wallets import wallet
from spreadsheets.reading import MAX_BYTES, Problem

from .models import WatchList

MAX_ITEMS = 100_000
FORMATS = [choice for choice, _ in WatchList.Format.choices]
# The types of ActionDay's own custom observables (partners/stix.py writes them).
PHONE_SCO = "phone-number"
WALLET_SCO = "cryptocurrency-wallet"


class ListRejected(Exception):  # noqa: N818 - the file is refused, with every reason
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        found = f"{len(problems)} problem was" if len(problems) == 1 else f"{len(problems)} problems were"
        super().__init__(f"Nothing was imported: {found} found in the list. Correct it and import it again.")

    def as_list(self) -> list[dict]:
        return [{"line": p.line, "field": p.field, "reason": p.reason} for p in self.problems]


@dataclass
class ListRead:
    format: str
    items: int = 0
    ignored: int = 0
    found: set[Found] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


class _Reader:
    """Collects what each item gives, and every problem with the item it is on."""

    def __init__(self, fmt: str, region: str | None):
        self.read = ListRead(format=fmt)
        self.region = region

    def take(self, where: str, line: int | None, parse, *args) -> None:
        try:
            found = parse(*args)
        except ValueError as exc:
            self.read.items += 1
            self.read.problems.append(Problem(line, where, str(exc)))
            return
        if found:
            self.read.items += 1
            self.read.found |= found
        else:  # a host everybody links to: valid, but no lead (as in a finding)
            self.read.ignored += 1

    def ignore(self) -> None:
        self.read.ignored += 1

    # --- one identifier of each kind --------------------------------------------------------------

    def phone(self, raw) -> set[Found]:
        number = phone_e164(_text(raw), region=self.region)
        if not number:
            raise ValueError(f"“{raw}” is not a valid phone number (give it with its country code, +…)")
        return {Found(PHONE, number)}

    @staticmethod
    def email(raw) -> set[Found]:
        value = email(refang(_text(raw)))
        if not value:
            raise ValueError(f"“{raw}” is not an e-mail address")
        return {Found(EMAIL, value)}

    @staticmethod
    def wallet(raw) -> set[Found]:
        value = wallet(_text(raw))
        if not value:
            raise ValueError(f"“{raw}” is not a Bitcoin, Ethereum, Tron or Monero address (its checksum fails)")
        return {Found(WALLET, value)}

    @staticmethod
    def url(raw) -> set[Found]:
        text = _text(raw)
        try:
            canonical_url(text)
        except InvalidUrl as exc:
            raise ValueError(f"“{raw}” is not a URL: {exc}") from None
        return url_selectors(text)  # a profile link gives its handle or number, as in a finding

    @staticmethod
    def host(raw) -> set[Found]:
        text = _text(raw)
        try:
            _, host = canonical_url(text)
        except InvalidUrl as exc:
            raise ValueError(f"“{raw}” is not a domain: {exc}") from None
        if "/" in text.split("://")[-1].strip("/"):
            raise ValueError(f"“{raw}” is not a domain: it has a path")
        # Only what a finding's URL would give: hosts everybody links to are no lead.
        return {f for f in url_selectors(f"https://{host}/") if f.kind == URL_HOST}

    @staticmethod
    def handle(platform, handle) -> set[Found]:
        key = _platform_key(_text(platform))
        if not key:
            raise ValueError("a handle needs its platform (telegram, instagram, …)")
        selector = handle_selector(key, _text(handle))
        if selector is None:
            raise ValueError(f"“{handle}” is not a handle")
        return {selector}


def _text(raw) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValueError("must be text")
    return str(raw).strip()


def _platform_key(name: str) -> str:
    """The key handle selectors use for a platform named in a list: "telegram" for Telegram or t.me."""
    name = name.lower().removeprefix("www.")
    return SOCIAL_HOSTS.get(name) or slugify(name)


# --- the formats ------------------------------------------------------------------------------------


def guess_format(data: bytes, filename: str = "") -> str:
    head = data[:4096].lstrip().decode("utf-8", "replace")
    if head.startswith("{"):
        compact = re.sub(r"\s+", "", head)
        if '"type":"bundle"' in compact or '"spec_version"' in compact:
            return WatchList.Format.STIX
        return WatchList.Format.MISP
    return WatchList.Format.LIST


def read_list(data: bytes, *, fmt: str = "", filename: str = "", region: str | None = None) -> ListRead:
    """Every selector of the file, or ``ListRejected`` with every problem (the format guessed if not given)."""
    if len(data) > MAX_BYTES:
        raise ListRejected([Problem(None, "", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ListRejected([Problem(None, "", "the file is not UTF-8 text")]) from None
    fmt = fmt or guess_format(data, filename)
    reader = _Reader(fmt, region)
    if fmt == WatchList.Format.LIST:
        _plain_list(reader, text)
    else:
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise ListRejected([Problem(getattr(exc, "lineno", None), "", f"not valid JSON ({exc})")]) from None
        if fmt == WatchList.Format.STIX:
            _stix(reader, document)
        else:
            _misp(reader, document)
    read = reader.read
    if read.items > MAX_ITEMS:
        read.problems.insert(0, Problem(None, "", f"{read.items:,} items; at most {MAX_ITEMS:,} are taken at once"))
    if not read.problems and not read.found:
        read.problems.append(Problem(None, "", "the list holds no identifier ActionDay can match"))
    if read.problems:
        raise ListRejected(read.problems[:1000])
    return read


def _plain_list(reader: _Reader, text: str) -> None:
    """One identifier per line (or a JSON array of strings); blank lines and lines starting with # are skipped."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            values = json.loads(text)
        except ValueError as exc:
            raise ListRejected([Problem(getattr(exc, "lineno", None), "", f"not valid JSON ({exc})")]) from None
        if not isinstance(values, list):
            raise ListRejected([Problem(1, "", "a JSON list is an array of strings")])
        for index, value in enumerate(values):
            reader.take(f"item {index}", None, _one_line, reader, value)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            reader.take("", number, _one_line, reader, line)


# The shapes of the wallet addresses ``identifiers.wallets`` checks: one of these shapes with a failing
# checksum is a broken wallet, and is named as one.
_WALLET_LIKE = re.compile(
    r"0x[0-9a-f]{40}|bc1[0-9a-z]{6,87}|[13T][1-9A-HJ-NP-Za-km-z]{24,34}|[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?",
    re.I,
)
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]{6,}")
_PREFIXED = re.compile(r"([a-z][a-z0-9-]{1,30}):\s*@?([^\s@/]+|[^\s/]+@[^\s/]+)", re.I)
# "tel:+49…", "btc:bc1…" (how ActionDay writes a selector): the prefix says the kind, not a platform.
_KIND_PREFIXES = {"tel": "phone", "phone": "phone", "mailto": "email", "email": "email",
                  "btc": "wallet", "eth": "wallet", "trx": "wallet", "xmr": "wallet"}


def _one_line(reader: _Reader, raw) -> set[Found]:
    """What a line of a plain list is, recognised by its shape and checked as a finding's would be."""
    line = _text(raw)
    if not line:
        raise ValueError("empty")
    prefixed = _PREFIXED.fullmatch(line)
    if prefixed and "://" not in line:
        prefix, rest = prefixed.group(1).lower(), prefixed.group(2)
        if prefix in _KIND_PREFIXES:
            return getattr(reader, _KIND_PREFIXES[prefix])(rest)
        if "@" not in rest:
            return reader.handle(prefix, rest)
    if _WALLET_LIKE.fullmatch(line):
        return reader.wallet(line)
    if "@" in line.replace("[@]", "@") and "/" not in line:
        return reader.email(line)
    if _PHONE_LIKE.fullmatch(line):
        return reader.phone(line)
    refanged = refang(line)
    if "://" in refanged or "/" in refanged:
        return reader.url(line)
    if "." in refanged:
        return reader.host(line)
    raise ValueError(f"“{line}” is not a phone number, e-mail address, wallet, URL, domain or platform:handle")


# --- STIX 2.1 --------------------------------------------------------------------------------------

# (object type, property) → how the value is read; user accounts pair login and platform.
_STIX_VALUES = {
    ("url", "value"): "url",
    ("domain-name", "value"): "host",
    ("ipv4-addr", "value"): "host",
    ("email-addr", "value"): "email",
    (PHONE_SCO, "value"): "phone",
    (WALLET_SCO, "address"): "wallet",
}


def _stix(reader: _Reader, document) -> None:
    if not isinstance(document, dict) or document.get("type") != "bundle" or not isinstance(
        document.get("objects"), list
    ):
        raise ListRejected([Problem(1, "", "a STIX watch list is a bundle: {\"type\": \"bundle\", \"objects\": […]}")])
    for index, obj in enumerate(document["objects"]):
        where = f"objects[{index}]"
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            reader.take(where, None, _refuse, "not a STIX object")
            continue
        kind = obj["type"]
        where = f"objects[{index}] {obj.get('id', kind)}"
        if kind == "indicator":
            _stix_indicator(reader, where, obj)
        elif kind == "user-account":
            reader.take(where, None, reader.handle, obj.get("account_type", ""),
                        obj.get("account_login") or obj.get("user_id") or "")
        elif kind in {k for k, _ in _STIX_VALUES}:
            prop = next(p for k, p in _STIX_VALUES if k == kind)
            reader.take(where, None, getattr(reader, _STIX_VALUES[kind, prop]), obj.get(prop, ""))
        else:
            reader.ignore()


def _refuse(reason):
    raise ValueError(reason)


def _unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] == "'":
        return re.sub(r"\\(.)", r"\1", literal[1:-1])
    return literal


def _stix_indicator(reader: _Reader, where: str, obj: dict) -> None:
    """The identifiers an indicator's STIX pattern compares for equality."""
    if obj.get("pattern_type", "stix") != "stix" or not isinstance(obj.get("pattern"), str):
        reader.ignore()
        return
    # Imported here: the pattern grammar (ANTLR) is only needed when a bundle is read.
    from stix2patterns.exceptions import ParseException
    from stix2patterns.v21.pattern import Pattern

    try:
        comparisons = Pattern(obj["pattern"]).inspect().comparisons
    except ParseException as exc:
        reader.take(where, None, _refuse, f"the pattern cannot be read ({exc})")
        return
    taken = False
    for kind, terms in comparisons.items():
        values = {".".join(path): _unquote(value) for path, op, value in terms if op == "="}
        if kind == "user-account" and "account_login" in values:
            reader.take(where, None, reader.handle, values.get("account_type", ""), values["account_login"])
            taken = True
            continue
        for (sco, prop), parse in _STIX_VALUES.items():
            if sco == kind and prop in values:
                reader.take(where, None, getattr(reader, parse), values[prop])
                taken = True
    if not taken:
        reader.ignore()


# --- MISP ------------------------------------------------------------------------------------------

_MISP_TYPES = {
    "phone-number": "phone", "whatsapp": "phone",
    "email": "email", "email-src": "email", "email-dst": "email", "email-reply-to": "email",
    "url": "url", "link": "url", "uri": "url",
    "domain": "host", "hostname": "host", "ip-dst": "host",
    "btc": "wallet", "xmr": "wallet",
}


def _misp(reader: _Reader, document) -> None:
    # Imported here: PyMISP takes a second to import, and only this reader and the MISP export need it.
    from pymisp import MISPEvent
    from pymisp.exceptions import PyMISPError

    event = MISPEvent()
    try:
        event.load(document)
    except (PyMISPError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ListRejected([Problem(1, "", f"not a MISP event ({exc or type(exc).__name__})")]) from None
    for index, attribute in enumerate(event.attributes):
        _misp_attribute(reader, f"Attribute[{index}] {attribute.type}", attribute)
    for index, obj in enumerate(event.objects):
        where = f"Object[{index}] {obj.name}"
        by_relation = {a.object_relation: a.value for a in obj.attributes}
        if obj.name in ("user-account", "telegram-account") and by_relation.get("username"):
            platform = "telegram" if obj.name == "telegram-account" else by_relation.get("account-type", "")
            reader.take(where, None, reader.handle, platform, by_relation["username"])
            continue
        taken = False
        for attribute in obj.attributes:
            if obj.name == "coin-address" and attribute.object_relation == "address-crypto":
                reader.take(f"{where} {attribute.object_relation}", None, reader.wallet, attribute.value)
                taken = True
            elif attribute.type in _MISP_TYPES:
                _misp_attribute(reader, f"{where} {attribute.object_relation}", attribute)
                taken = True
        if not taken:
            reader.ignore()


def _misp_attribute(reader: _Reader, where: str, attribute) -> None:
    parse = _MISP_TYPES.get(attribute.type)
    if parse is None:
        reader.ignore()
        return
    reader.take(where, None, getattr(reader, parse), attribute.value)
