"""How an identifier is written where a partner's format expects text (names, descriptions, comments):
defanged, so that no address in a report turns into a live link. Observables stay exact."""

import re

from identifiers.canonical import defang
from identifiers.extraction import EMAIL, URL, URL_HOST

KIND_LABELS = {
    "phone": "Phone number", "email": "E-mail address", "wallet": "Crypto wallet", "handle": "Social handle",
    "url_host": "Domain", "url": "URL",
}

# Hosts in any script (bücher.example, пример.рф) and punycode top-level domains (xn--p1ai): an
# internationalised name is as live a link as an ASCII one.
_TLD = r"(?:xn--[a-z0-9-]{2,59}|[^\W\d_]{2,63})"
_IN_TEXT = re.compile(
    r"(?P<url>\bh(?:tt|xx)ps?://[^\s<>\"']+)"
    r"|(?P<email>[\w.+-]+@(?:[\w-]+\.)+" + _TLD + r"(?![\w-]))"
    r"|(?P<host>(?<![\w@./\[-])(?:[\w-]+\.)+" + _TLD + r"(?![\w-]))",
    re.I,
)


def defanged(kind: str, value: str) -> str:
    if kind == URL:
        return defang(value)
    if kind == URL_HOST:
        return value.replace(".", "[.]")
    if kind == EMAIL:
        local, _, domain = value.partition("@")
        return f"{local}@{domain.replace('.', '[.]')}"
    return value


def defang_text(text: str) -> str:
    """Free text with every address in it defanged: hxxps://example[.]com, anna@example[.]com, example[.]com."""

    def one(match):
        if match.group("url"):
            return defang(match.group("url"))
        if match.group("email"):
            return defanged(EMAIL, match.group("email"))
        return match.group("host").replace(".", "[.]")

    return _IN_TEXT.sub(one, text or "")


def label(kind: str, value: str) -> str:
    """"URL hxxps://example[.]com/a", "Phone number +4915123456789"."""
    return f"{KIND_LABELS[kind]} {defanged(kind, value)}"
