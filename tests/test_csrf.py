"""CSRF: every URL pattern of the pages and the API refuses a POST, PUT, PATCH or DELETE of a signed-in
browser that lacks the CSRF token, before anything changes — and every form the pages show carries
the token (or is sent by htmx, which adds it)."""

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve

from findings.models import DetectedUrl

from .api_client import api_as, url
from .cast import make_user
from .url_samples import url_patterns

pytestmark = pytest.mark.django_db

# Exempt from the CSRF check, each with its reason.
EXEMPT = {
    # The API's catch-all 404 (api/base.py, not_found): it answers "not found" to any method and changes nothing.
    "api/^[\\s\\S]*$",
}
COUNTED = ["findings.Case", "findings.Suspect", "findings.PossibleVictim", "findings.DetectedUrl",
           "findings.SocialAccount", "findings.Evidence", "platforms.PlatformCheck", "reports.Report",
           "operations.Operation", "auth.User", "authtoken.Token", "audit.AuditEvent"]


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def browser_of(user) -> Client:
    """A signed-in browser (both factors) whose requests are CSRF-checked, as a real browser's are."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def is_csrf_refusal(response) -> bool:
    body = response.content.decode(errors="replace")
    return response.status_code == 403 and ("CSRF verification failed" in body or "CSRF Failed" in body)


def refused_for_want_of_the_token(client, method, path, response) -> bool:
    """A bare 403 (DRF's HTML pages say only "403 Forbidden"): it was the CSRF check if the same
    request with the token is not refused."""
    if response.status_code != 403:
        return False
    return getattr(client, method)(path, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value).status_code != 403


def forged(client, method, path, api):
    """What another site can make the user's browser send: the cookies, never the token."""
    if api:
        response = getattr(client, method)(path, '{"title": "changed"}', content_type="application/json")
        if response.status_code != 415:
            return response  # else an upload endpoint, which takes multipart only
    if method == "post":
        return client.post(path, {"title": "changed", "password": "x", "url": "https://x.example/"})
    return getattr(client, method)(path, "title=changed", content_type="application/x-www-form-urlencoded")


def test_every_url_pattern_refuses_unsafe_methods_without_the_csrf_token(cast):
    family = cast.family_of(cast.de)
    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    coordinator, administrator = browser_of(cast.coordinator), browser_of(admin)
    for client in (coordinator, administrator):
        client.get("/two-factor/recovery-codes/")  # the browser holds the CSRF cookie, as after any page
        assert "csrftoken" in client.cookies
    values = {"code": cast.operation.code, "kind": "case", "pk": family["case"].pk,
              "reference": family["case"].reference, "object_id": cast.de.pk, "id": cast.de.pk}
    before = counts()
    not_refused, tried = [], 0
    for pattern in url_patterns():
        if pattern.name in EXEMPT or pattern.route in EXEMPT:
            continue
        path = pattern.sample(**values)
        client = administrator if pattern.route.startswith("admin/") else coordinator
        for method in ("post", "put", "patch", "delete"):
            response = forged(client, method, path, pattern.is_api)
            tried += 1
            if is_csrf_refusal(response) or refused_for_want_of_the_token(client, method, path, response):
                continue
            # A view that takes only POST may say so (405) before its own CSRF check: nothing ran.
            if method != "post" and response.status_code == 405:
                continue
            not_refused.append((pattern.name, method.upper(), path, response.status_code))
    assert tried > 600  # every pattern, four methods
    assert not_refused == [], not_refused
    assert counts() == before  # nothing was written, not even an audit event
    assert coordinator.get(f"/operations/{cast.operation.code}/").status_code == 200  # logout was refused too


def test_the_same_form_with_its_token_goes_through(cast):
    client = browser_of(cast.de)
    workspace = f"/operations/{cast.operation.code}/workspace/"
    client.get(workspace)  # sets the CSRF cookie, as the page does for the browser
    token = client.cookies["csrftoken"].value
    response = client.post(f"{workspace}log/url/", {"url": "https://escortguide.example/ad/1",
                                                    "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert DetectedUrl.objects.filter(url="https://escortguide.example/ad/1").exists()


def test_an_htmx_request_carries_the_token_in_its_header(cast):
    client = browser_of(cast.de)
    workspace = f"/operations/{cast.operation.code}/workspace/"
    page = client.get(workspace).content.decode()
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
    response = client.post(f"{workspace}log/url/", {"url": "https://escortguide.example/ad/2"},
                           HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert DetectedUrl.objects.filter(url="https://escortguide.example/ad/2").exists()


def test_a_script_with_a_token_needs_no_csrf_token(cast):
    # Browsers never send an Authorization header by themselves: a token cannot be ridden by another site.
    response = api_as(cast.de).post(url("suspect-list"), {"operation": cast.operation.pk, "alias": "Dima"},
                                    format="json")
    assert response.status_code == 201


# --- every form the pages show ------------------------------------------------------------------

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_HX_UNSAFE = re.compile(r'\bhx-(post|put|patch|delete)="([^"]+)"')


def _page_key(path):
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if any(word in (match.url_name or "") for word in ("download", "export", "logout")):
        return None
    return match.route, match.kwargs.get("kind")


def _pages(client, start):
    """The pages reachable from ``start`` by following links, one of each kind."""
    queue, seen = [start], set()
    while queue and len(seen) < 60:
        path = queue.pop(0)
        key = _page_key(path)
        if key is None or key in seen:
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        yield path, text
        for href in re.findall(r'href="([^"#]+)"', text):
            href = html.unescape(href)
            if href.startswith("/") and not href.startswith(("/static/", "/api/", "/admin/")):
                queue.append(href)


@pytest.mark.parametrize("role", ["de", "coordinator", "prosecutor"])
def test_every_form_on_the_pages_carries_the_token_and_posts_where_it_is_checked(cast, role):
    user = getattr(cast, role)
    cast.family_of(cast.de)
    case = cast.case_of(cast.de)
    from findings import services

    services.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    client = browser_of(user)
    start = f"/operations/{cast.operation.code}/"
    forms, unprotected = [], []
    for path, text in _pages(client, start):
        htmx_token = 'hx-headers=\'{"X-CSRFToken": "' in text
        for attrs, body in _FORM.findall(text):
            attributes = dict(_ATTR.findall(attrs))
            unsafe_hx = _HX_UNSAFE.search(attrs)
            if attributes.get("method", "get").lower() != "post" and not unsafe_hx:
                continue
            action = unsafe_hx.group(2) if unsafe_hx else attributes.get("action") or path
            action = urljoin(path, html.unescape(action))
            forms.append(action)
            if "csrfmiddlewaretoken" not in body and not (unsafe_hx and htmx_token):
                unprotected.append((path, action))
        for _, action in _HX_UNSAFE.findall(text):
            forms.append(urljoin(path, html.unescape(action)))
    assert len(forms) >= (2 if role == "prosecutor" else 8)  # the pages were really read
    assert unprotected == []
    before = counts()
    accepted = [a for a in sorted(set(forms)) if not is_csrf_refusal(browser_of(user).post(a, {"title": "x"}))]
    assert accepted == []
    assert counts() == before
