"""Pages and API answers carry personal data: none of them may be kept by a browser or a proxy
(``Cache-Control: no-store``). Static files keep their own caching."""

import pytest
from django.test import Client

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def test_pages_are_not_stored(cast):
    family = cast.family_of(cast.de)
    client = Client()
    client.force_login(cast.de)
    op = cast.operation.code
    for address in (f"/operations/{op}/", f"/operations/{op}/cases/{family['case'].reference}/", "/no-such-page/"):
        response = client.get(address)
        assert response.status_code in (200, 404), address
        assert "no-store" in response["Cache-Control"], address


def test_api_answers_are_not_stored(cast):
    family = cast.family_of(cast.de)
    client = api_as(cast.de)
    for response in (client.get(url("suspect-list")), client.get(url("case-detail", family["case"].pk)),
                     client.get(url("case-bundle", family["case"].pk)), client.get(url("case-detail", 10**6))):
        assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_caching():
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
