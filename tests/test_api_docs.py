"""The API documents itself: an OpenAPI 3 schema, Swagger UI and ReDoc from our own static files."""

import re

import pytest
import yaml
from django.test import Client

from findings import services as findings

from .api_client import api_as
from .cast import browser_login, build_cast

RESOURCES = [
    "operations", "agencies", "platforms", "platform-checks", "cases", "suspects", "victims", "urls",
    "social-accounts", "evidence", "audit-events",
]


@pytest.mark.django_db
def test_the_schema_documents_every_resource_and_its_errors(cast):
    response = api_as(cast.de).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in paths, resource
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, f"{method} {path}"
            if "{" in path:
                assert "404" in codes, f"{method} {path}"
            if method in ("post", "patch", "delete"):
                assert "400" in codes, f"{method} {path}"
    assert "409" in paths["/api/v1/cases/{id}/"]["patch"]["responses"]
    header = [p for p in paths["/api/v1/suspects/"]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    assert header and header[0]["in"] == "header"


@pytest.mark.django_db
def test_the_schema_is_for_signed_in_users(cast):
    assert Client().get("/api/schema/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, asset",
    [("/api/docs/", "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
     ("/api/redoc/", "/api/redoc/redoc.standalone.js")],
)
def test_the_documentation_pages_load_nothing_from_outside_and_run_no_inline_script(cast, page, asset):
    client = Client()
    assert client.get(page).status_code == 302  # to the login page
    client.force_login(cast.de)
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert asset in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


@pytest.mark.django_db
def test_the_redoc_bundle_points_nowhere_outside(client):
    bundle = client.get("/api/redoc/redoc.standalone.js")
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("application/javascript")
    content = b"".join([bundle.content])
    assert b"cdn.redoc.ly" not in content and b'href:"https://redocly.com' not in content


@pytest.mark.django_db
def test_the_browsable_api_shows_finding_addresses_defanged_never_as_links(cast):
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/ad/77")
    client = Client()
    client.force_login(cast.de)
    response = client.get("/api/v1/urls/", HTTP_ACCEPT="text/html")
    html = response.content.decode()
    assert response.status_code == 200
    assert "hxxps://escortguide[.]example/ad/77" in html
    assert 'href="https://escortguide' not in html and 'href="http://escortguide' not in html


@pytest.mark.django_db
def test_the_browsable_api_draws_the_forms_of_the_inputs(cast):
    case = cast.case_of(cast.de)
    client = Client()
    client.force_login(cast.de)
    listing = client.get("/api/v1/cases/", HTTP_ACCEPT="text/html").content.decode()
    detail = client.get(f"/api/v1/cases/{case.pk}/", HTTP_ACCEPT="text/html").content.decode()
    assert "&quot;exploitation_type&quot;" in listing  # the raw form of a new case
    assert "&quot;version&quot;" in detail  # the raw form of a change


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path, ready", [("/api/docs/", ".swagger-ui .info"), ("/api/redoc/", "h1")])
def test_swagger_ui_and_redoc_render_from_our_own_files(live_server, page, path, ready):
    cast = build_cast()
    browser_login(page, live_server, cast.de, next_path=path)
    page.wait_for_selector(ready, timeout=20000)
    assert "ActionDay API" in page.content()
    # the `page` fixture fails the test if anything was requested from another host
