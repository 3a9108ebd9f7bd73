"""Which addresses a capture may reach: the rule itself, and the egress guard that applies it."""

import ipaddress
import socket
import struct

import pytest

from capture.addresses import AddressPolicy, Origin, Refused, is_public, parse_ip
from capture.egress import Egress, EgressGuard

from .hostile_site import RecordingServer


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "2002:7f00:1::", "64:ff9b::a00:1", "2001:db8::1",
])
def test_non_public_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "0177.0.0.1"])
def test_shorthand_loopback_literals_are_read_as_browsers_read_them(host):
    assert parse_ip(host) == ipaddress.ip_address("127.0.0.1")


def test_a_mapped_ipv6_literal_is_judged_by_its_ipv4_address():
    assert not is_public(parse_ip("[::ffff:127.0.0.1]"))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8000/", "http://2130706433/", "http://[::1]/", "http://10.0.0.8/",
    "http://169.254.169.254/latest/meta-data/", "https://0x7f.1/",
])
def test_private_urls_are_refused(url):
    with pytest.raises(Refused):
        AddressPolicy.build(allow_private=False).check_url(url)


def test_a_name_that_resolves_to_loopback_is_refused():
    # This machine's own name is a real name resolved by the real resolver (/etc/hosts here).
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, None)}
    if any(is_public(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        pytest.skip(f"{name} resolves to a public address here")
    with pytest.raises(Refused, match="non-public"):
        AddressPolicy.build(allow_private=False).check_url(f"http://{name}:8000/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "chrome://version"])
def test_only_http_and_https_are_captured(url):
    with pytest.raises(Refused, match="scheme"):
        AddressPolicy.build(allow_private=True).check_url(url)


def test_allow_private_never_allows_actiondays_own_address():
    policy = AddressPolicy.build(allow_private=True, forbidden_origins=["http://127.0.0.1:8000"])
    policy.check_url("http://127.0.0.1:8001/")
    for url in ("http://127.0.0.1:8000/", "http://2130706433:8000/x", "ws://127.0.0.1:8000/socket"):
        with pytest.raises(Refused, match="own address"):
            policy.check_url(url)


def test_an_own_name_is_forbidden_under_its_addresses_too():
    policy = AddressPolicy.build(allow_private=True, forbidden_origins=["localhost:8000"])
    with pytest.raises(Refused, match="own address"):
        policy.check_url("http://127.0.0.1:8000/")


def test_an_own_origin_without_a_port_forbids_every_port():
    assert Origin.parse("https://ActionDay.example.") == Origin("actionday.example", None)
    policy = AddressPolicy.build(allow_private=True, forbidden_origins=["https://actiondayexample.invalid"],
                                 resolve_names=False)
    with pytest.raises(Refused):
        policy.check_url("http://actiondayexample.invalid:9999/")


def test_through_a_proxy_names_are_not_resolved_here():
    # Resolving would tell our DNS what the investigators look at, and cannot work for .onion.
    policy = AddressPolicy.build(allow_private=False, resolve_names=False)
    assert policy.check_host("someplace2abcdefghij.onion", 80) == []
    with pytest.raises(Refused):
        policy.check_url("http://localhost/")
    with pytest.raises(Refused):
        policy.check_url("http://10.0.0.1/")


def test_egress_parses_proxies_and_never_describes_a_password():
    assert Egress.parse(None).describe() == "direct"
    assert Egress.parse("socks5://127.0.0.1:9050").describe() == "socks5://127.0.0.1:9050"
    http = Egress.parse("http://agent:s3cret@proxy.example:3128")
    assert (http.kind, http.username, http.password) == ("http", "agent", "s3cret")
    assert "s3cret" not in http.describe()
    with pytest.raises(ValueError):
        Egress.parse("ftp://proxy.example")


def socks5_connect(port: int, host: str, target_port: int) -> int:
    """Ask the guard for a connection, as Chromium does; return the SOCKS5 reply code."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x05\x01\x00")
        assert sock.recv(2) == b"\x05\x00"
        name = host.encode()
        sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", target_port))
        return sock.recv(10)[1]


def test_the_guard_refuses_loopback_and_lists_it():
    with RecordingServer() as target:
        with EgressGuard(policy=AddressPolicy.build(allow_private=False), egress=Egress.parse(None)) as guard:
            assert socks5_connect(guard.port, "localhost", target.port) == 2
        assert target.hits == []
        assert guard.blocked == [{"host": "localhost", "port": target.port,
                                  "reason": "localhost is a non-public address (127.0.0.1)"}]


def test_the_guard_connects_to_what_it_checked():
    with RecordingServer() as target:
        policy = AddressPolicy.build(allow_private=True)
        with EgressGuard(policy=policy, egress=Egress.parse(None)) as guard:
            assert socks5_connect(guard.port, "localhost", target.port) == 0
        assert guard.connections[0]["address"] in ("127.0.0.1", "::1")


def test_the_guard_is_not_a_destination_of_itself():
    with EgressGuard(policy=AddressPolicy.build(allow_private=True), egress=Egress.parse(None)) as guard:
        assert socks5_connect(guard.port, "127.0.0.1", guard.port) == 2
