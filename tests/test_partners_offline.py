"""Nothing the partners' formats do reaches the network: PyMISP's data classes need no MISP server, and
the OASIS validator checks against the schemas it ships (police networks are closed)."""

import ipaddress
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stix2validator import ValidationOptions, validate_string

from .api_client import api_as, url
from .partners import partners_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network(monkeypatch):
    """Any connection or name lookup beyond this machine fails the test (PostgreSQL and Redis are local)."""
    attempts = []
    connect, lookup = socket.socket.connect, socket.getaddrinfo

    def local(host) -> bool:
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host == "localhost"

    def guarded_connect(sock, address):
        if isinstance(address, tuple) and not local(address[0]):
            attempts.append(address)
            raise OSError("the network is closed in this test")
        return connect(sock, address)

    def guarded_lookup(host, *args, **kwargs):
        if host is not None and not local(host if isinstance(host, str) else host.decode()):
            attempts.append(host)
            raise socket.gaierror("the network is closed in this test")
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    return attempts


def test_exports_validation_and_imports_stay_on_this_machine(cast, no_network):
    scene = partners_scene(cast)
    stix = api_as(cast.de).get(url("case-stix", scene.open_case.pk)).content.decode()
    assert validate_string(stix, ValidationOptions(version="2.1")).is_valid
    misp = api_as(cast.coordinator).get(url("operation-misp", cast.operation.pk))
    assert misp.status_code == 200
    for name, body in (("bundle.json", stix.encode()), ("event.json", misp.content)):
        response = api_as(cast.fr).post(url("operation-watch-lists", cast.operation.pk),
                                        {"file": SimpleUploadedFile(name, body)}, format="multipart")
        assert response.status_code in (200, 201), response.json()
    assert no_network == []
