"""A page that does not exist — or that the access rule hides — is the site's own 404 page, in the site's
layout, and every page carries the site's icon."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_sites_own_404_page(client, cast):
    client.force_login(cast.de)
    response = client.get("/operations/NO-SUCH-OPERATION/workspace/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1 id=\"not-found-h\">Page not found</h1>" in html
    assert 'class="topbar"' in html and cast.de.username in html  # the site's layout, signed in
    assert f'href="{reverse("home")}"' in html


@override_settings(DEBUG=False)
def test_another_operations_case_is_the_same_404(client, cast):
    case = cast.case_of(cast.fr)
    client.force_login(cast.outsider)
    response = client.get(reverse("case_detail", args=[cast.operation.code, case.reference]))
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_every_page_carries_the_icon_and_the_old_address_leads_to_it(client, cast):
    client.force_login(cast.de)
    html = client.get(reverse("workspace", args=[cast.operation.code])).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == "/static/favicon.svg"
