"""Canonical forms of what analysts paste, and the defanged form in which URLs are shown.

A URL is stored once per team and operation in canonical form, so the same address pasted
twice — defanged, with another letter case, a default port or a tracking parameter — is
recognised as already known.
"""

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

MAX_URL_LENGTH = 2048

# Analysts paste URLs "defanged" so that nobody clicks them by accident.
_REFANG = [
    (re.compile(r"^h(xx|\*\*|XX)p(s?)", re.I), r"http\2"),
    # "hxxps[://]host", "host\.com", "host [dot] com": other defanged forms seen in shared lists.
    (re.compile(r"\[\s*:\s*/\s*/\s*\]"), "://"),
    (re.compile(r"\s*[\[({]\s*dot\s*[\])}]\s*", re.I), "."),
    (re.compile(r"\\\."), "."),
    (re.compile(r"\[\s*\.\s*\]|\(\s*\.\s*\)|\{\s*\.\s*\}|\[dot\]|\(dot\)|\{dot\}", re.I), "."),
    (re.compile(r"\[\s*:\s*\]"), ":"),
    (re.compile(r"\[\s*/\s*\]"), "/"),
    (re.compile(r"\[at\]|\(at\)", re.I), "@"),
]
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_eid|igshid)$", re.I)
# "mailto:x@y.example", "javascript:…": a scheme. "host:8080/path" is not: a port is digits up to the path.
_BARE_SCHEME = re.compile(r"^([a-z][a-z0-9+-]*):(?!\d+(?:[/?#]|$))", re.I)
_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class InvalidUrl(ValueError):
    """The text is not a web address ActionDay can store; the message says why."""


def refang(text: str) -> str:
    text = text.strip()
    for pattern, replacement in _REFANG:
        text = pattern.sub(replacement, text)
    return text


def canonical_url(raw: str) -> tuple[str, str]:
    """Return (canonical URL, host) for a pasted address, or raise InvalidUrl.

    Lower-case scheme and host, IDNA host, no default port, no fragment, no tracking
    parameters, "/" for an empty path. A missing scheme is taken as https.
    """
    text = refang(raw)
    if not text:
        raise InvalidUrl("empty line")
    if any(c.isspace() for c in text):
        raise InvalidUrl("contains spaces")
    if "://" not in text:
        scheme = _BARE_SCHEME.match(text)
        if scheme:  # "javascript:…", "mailto:…": a scheme, not a host with a port
            raise InvalidUrl(f"scheme “{scheme.group(1).lower()}” is not http or https")
        if "@" in text.split("/", 1)[0]:  # "x@y.example": an e-mail address, not the site y.example
            raise InvalidUrl("an e-mail address, not a web address")
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"not a valid address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidUrl(f"scheme “{scheme}” is not http or https")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidUrl("no host name")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidUrl("host name is not valid") from None
    if not _HOST_RE.match(host) and not _is_ip(host):
        raise InvalidUrl(f"“{host}” is not a host name")
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    url = urlunsplit((scheme, netloc, path, query, ""))
    if len(url) > MAX_URL_LENGTH:
        raise InvalidUrl(f"longer than {MAX_URL_LENGTH} characters")
    return url, host


def _is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host)) and all(int(p) < 256 for p in host.split("."))


def platform_host_candidates(host: str) -> list[str]:
    """The host and each parent domain, without "www.": m.example.com → [m.example.com, example.com]."""
    labels = host.removeprefix("www.").split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def defang(url: str) -> str:
    """The inert display form: hxxps://example[.]com/path — never a live link."""
    if not url:
        return ""
    shown = re.sub(r"^http", "hxxp", url, flags=re.I)
    scheme, sep, rest = shown.partition("://")
    if not sep:
        return shown.replace(".", "[.]")
    host, slash, tail = rest.partition("/")
    return f"{scheme}://{host.replace('.', '[.]')}{slash}{tail}"


def canonical_handle(raw: str) -> str:
    """A social handle as stored: no spaces, no leading @, lower case; a profile URL gives its first path part."""
    text = refang(raw)
    if "://" in text or text.lower().startswith("www."):
        path = urlsplit(text if "://" in text else "https://" + text).path.strip("/")
        text = path.split("/")[0] if path else ""
    text = text.strip().lstrip("@").lower()
    if not text:
        raise ValueError("empty handle")
    if any(c.isspace() for c in text):
        raise ValueError("a handle has no spaces")
    if len(text) > 200:
        raise ValueError("longer than 200 characters")
    return text
