"""Which addresses a capture may reach.

A captured page is a suspect's page: whatever it asks the browser to fetch is an attack until
shown otherwise. It must not reach the worker's own network (loopback, private ranges,
link-local, cloud metadata at 169.254.169.254, …) and never ActionDay itself, whose addresses
the caller passes as ``forbidden_origins``. ``allow_private`` exists for the tests, which
capture their own loopback site; it never lifts the ban on ActionDay's own addresses.

The same policy is asked twice: by the browser's request interception (``check_url``, which
sees URLs and so can list what a page tried) and by the egress guard at connection time
(``check_connect``, which sees the address actually connected to, so a name that changes its
answer between the two looks — DNS rebinding — or a redirect, which Playwright's routing does
not show, is still caught).
"""

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The address may not be reached; the message says why, for the manifest and the user."""


def is_public(address: IPAddress) -> bool:
    """True for an address that is reachable on the public internet and nothing else.

    IPv6 forms that carry an IPv4 address inside them (mapped, 6to4, Teredo, NAT64) are judged
    by the IPv4 address they lead to: ``::ffff:127.0.0.1`` is loopback.
    """
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo and address.teredo[1])
        if embedded is None and address in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


def parse_ip(host: str) -> IPAddress | None:
    """The address a host string stands for when it is an address literal, else None.

    Browsers read ``2130706433``, ``0x7f.1`` and ``127.1`` as 127.0.0.1 (the WHATWG URL
    standard's IPv4 parser); so does ``inet_aton``, used here for those shorthand forms.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class Origin:
    """One entry of the forbidden list: a host (name or address) and a port, or every port."""

    host: str
    port: int | None

    @classmethod
    def parse(cls, text: str) -> "Origin":
        # "http://actionday.example:8000", "actionday.example:8000", "10.0.0.5", "[::1]:8000".
        # Without an explicit port the whole host is forbidden: that is the safe reading.
        parts = urlsplit(text if "://" in text else f"//{text}")
        if not parts.hostname:
            raise ValueError(f"not a host or origin: {text!r}")
        return cls(host=normalise_host(parts.hostname), port=parts.port)

    def matches(self, host: str, port: int) -> bool:
        return self.host == host and (self.port is None or self.port == port)


def normalise_host(host: str) -> str:
    host = host.strip("[]").rstrip(".").lower()
    address = parse_ip(host)
    if address is not None:
        return str(address)
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@dataclass
class AddressPolicy:
    """The rule for one capture.

    ``resolve_names`` is False when the capture goes out through a proxy (an HTTP proxy or
    Tor): then the egress resolves names, and resolving them here as well would tell our own
    DNS resolver which sites the investigators are looking at (and cannot work for .onion).
    """

    allow_private: bool = False
    forbidden_origins: list[Origin] = field(default_factory=list)
    resolve_names: bool = True
    _resolved: dict[str, list[IPAddress]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, *, allow_private: bool, forbidden_origins=(), resolve_names: bool = True) -> "AddressPolicy":
        origins = [o if isinstance(o, Origin) else Origin.parse(o) for o in forbidden_origins]
        # ActionDay's own host is forbidden under every name and address it answers to.
        for origin in list(origins):
            if parse_ip(origin.host) is None:
                try:
                    addresses = resolve(origin.host)
                except Refused:
                    continue
                origins += [Origin(host=str(a), port=origin.port) for a in addresses]
        return cls(allow_private=allow_private, forbidden_origins=origins, resolve_names=resolve_names)

    def forbid(self, origin: str) -> None:
        self.forbidden_origins.append(Origin.parse(origin))

    def check_url(self, url: str) -> None:
        """Raise Refused unless the browser may fetch ``url``."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise Refused(f"scheme {scheme or 'none'!r} is not captured")
        if not parts.hostname:
            raise Refused("no host in the address")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise Refused("invalid port") from None
        self.check_host(parts.hostname, port)

    def check_host(self, host: str, port: int) -> list[IPAddress]:
        """Raise Refused unless ``host:port`` may be reached; return the addresses to connect to.

        Without name resolution (a proxy egress) a name comes back with no addresses: the
        egress connects to it.
        """
        host = normalise_host(host)
        self._check_forbidden(host, port)
        literal = parse_ip(host)
        if literal is not None:
            addresses = [literal]
        elif not self.resolve_names:
            if not self.allow_private and (host == "localhost" or host.endswith(".localhost")):
                raise Refused(f"{host} is this machine")
            return []
        else:
            if host not in self._resolved:
                self._resolved[host] = resolve(host)
            addresses = self._resolved[host]
        for address in addresses:
            self._check_forbidden(str(address), port)
            if not self.allow_private and not is_public(address):
                raise Refused(f"{host} is a non-public address ({address})")
        return addresses

    def check_connect(self, address: IPAddress, port: int) -> None:
        """The last look, at the address a connection is about to be opened to."""
        self._check_forbidden(str(address), port)
        if not self.allow_private and not is_public(address):
            raise Refused(f"non-public address {address}")

    def _check_forbidden(self, host: str, port: int) -> None:
        for origin in self.forbidden_origins:
            if origin.matches(host, port):
                raise Refused(f"{host}:{port} is ActionDay's own address")


def resolve(host: str) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"{host} does not resolve ({error})") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses
