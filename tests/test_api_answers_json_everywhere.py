"""Every address under /api/ answers in the API's error shape (JSON), whatever is in it: a line break
(%0A) escaped the API's catch-all and got the site's HTML page; a server error got an HTML page too."""

import pytest
from django.test import Client

from findings.api import CaseViewSet

from .api_client import api_as

pytestmark = pytest.mark.django_db

ODD_ADDRESSES = [
    "/api/v1/x%0Ay/", "/api/%0A", "/api/v1/cases/1%0A/", "/api/v1/cases/%0A/", "/api/v1/%0D%0A/",
    "/api/v1/cases/1/%0Abundle/", "/api/v1/nothing-here/", "/api/v2/", "/api/v1/cases/1/bundle/%0A",
]


@pytest.mark.parametrize("address", ODD_ADDRESSES)
def test_an_address_under_the_api_is_answered_as_json(cast, address):
    response = api_as(cast.de).get(address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_a_server_error_under_the_api_is_answered_as_json(cast, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(CaseViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.de)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert "a bug" not in response.content.decode()


def test_a_page_that_is_not_found_is_our_own_page_without_debug_details(cast):
    client = Client()
    client.force_login(cast.de)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html and "ActionDay" in html
    assert "URLconf" not in html and "Traceback" not in html
