"""Nothing but logging in before the second factor: every URL pattern of the pages and the API, tried
with a session that has passed only the password. API tokens: only with a confirmed authenticator."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import two_factor
from api.auth import may_have_token
from findings.models import DetectedUrl

from .api_client import api_as, url
from .cast import PASSWORD, make_user, password_only_login, totp_code
from .url_samples import url_patterns

pytestmark = pytest.mark.django_db

# Reachable before the second factor (besides static files, served before any of this).
OPEN = {"login", "logout", "signup", "two_factor_verify", "two_factor_enrol", "healthz"}


def sample_values(cast, family):
    return {"code": cast.operation.code, "kind": "case", "pk": family["case"].pk,
            "reference": family["case"].reference}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_password_only_session_reaches_nothing_but_the_login_and_two_factor_pages(cast, method):
    family = cast.family_of(cast.de)
    secret_words = [family["case"].title, family["case"].reference, "Dima", family["suspect"].alias]
    client = Client()
    password_only_login(client, cast.coordinator)  # the coordinator could see everything once verified
    wrong, tried = [], 0
    for pattern in url_patterns():
        if pattern.name in OPEN:
            continue
        path = pattern.sample(**sample_values(cast, family))
        response = getattr(client, method)(path)
        tried += 1
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        leaked = [w for w in secret_words if w in body]
        api = pattern.is_api and pattern.name not in ("api:docs", "api:redoc")
        if api:
            refused = response.status_code == 403 and '"two_factor_required"' in body
        else:
            refused = response.status_code == 302 and response["Location"].startswith("/two-factor/verify/")
        if not refused or leaked:
            wrong.append((pattern.name, path, response.status_code, leaked))
    assert tried > 150  # every pattern of the site, not a sample
    assert wrong == []
    assert "_auth_user_id" in client.session  # still the password-only session: it was never logged out


def test_the_login_and_two_factor_pages_and_healthz_are_reachable_before(cast):
    client = Client()
    password_only_login(client, cast.de)
    assert client.get("/two-factor/verify/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)  # 503 only when Redis is away
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_page_asked_for_before_the_second_factor_is_where_the_user_lands_after_it(cast):
    client = Client()
    password_only_login(client, cast.de)
    workspace = f"/operations/{cast.operation.code}/workspace/?kind=url"
    response = client.get(workspace)
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/verify/?next=%2Foperations%2F" + cast.operation.code + (
        "%2Fworkspace%2F%3Fkind%3Durl"
    )
    verified = client.post(response["Location"], {"code": totp_code(cast.de)})
    assert verified.status_code == 302 and verified["Location"] == workspace
    assert client.get(workspace).status_code == 200


def test_an_htmx_request_before_the_second_factor_sends_the_whole_tab_to_verification(cast):
    client = Client()
    password_only_login(client, cast.de)
    workspace = f"/operations/{cast.operation.code}/workspace/"
    response = client.post(f"{workspace}log/url/", {"url": "https://escortguide.example/x"},
                           HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{workspace}")
    assert response["HX-Redirect"] == "/two-factor/verify/?next=%2Foperations%2F" + cast.operation.code + (
        "%2Fworkspace%2F"
    )
    assert not DetectedUrl.objects.exists()


def test_a_user_without_an_authenticator_is_sent_to_enrolment_after_the_password(cast):
    user = make_user(second_factor=False)
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/two-factor/enrol/")
    assert b"Set up two-factor login" in response.content


def test_the_api_opened_in_a_browser_sends_it_to_verification_too(cast):
    client = Client()
    password_only_login(client, cast.de)
    response = client.get(url("case-list"), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/verify/?next=%2Fapi%2Fv1%2Fcases%2F"


def test_the_api_refuses_an_unverified_session_even_without_the_middleware(cast, settings):
    # Belt and braces: the API's own session authentication asks for the second factor too.
    enforcing = "accounts.middleware.SecondFactorRequiredMiddleware"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != enforcing]
    cast.family_of(cast.de)
    client = Client()
    password_only_login(client, cast.de)
    response = client.get(url("case-list"))
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    client.force_login(cast.de)  # both factors
    assert len(client.get(url("case-list")).json()["results"]) == 1


def test_a_verified_session_reaches_the_api(cast):
    cast.family_of(cast.de)
    client = Client()
    client.force_login(cast.de)
    assert client.get(url("case-list")).status_code == 200


def test_a_token_request_needs_no_code_of_its_own(cast):
    cast.family_of(cast.de)
    response = api_as(cast.de).get(url("case-list"))  # no session, no code: the token stands for both factors
    assert response.status_code == 200 and len(response.json()["results"]) == 1


def test_only_a_user_with_a_confirmed_authenticator_may_hold_a_token(cast):
    newcomer = make_user(second_factor=False)
    assert not may_have_token(newcomer)
    two_factor.enrolment_device(user=newcomer)  # scanned, but never confirmed with a code
    assert not may_have_token(newcomer)
    two_factor.recovery_codes_generate(user=newcomer)  # recovery codes are not an authenticator
    assert not may_have_token(newcomer)
    assert may_have_token(cast.de)


def test_a_token_of_a_user_without_an_authenticator_is_refused(cast):
    newcomer = make_user(second_factor=False)
    key = Token.objects.create(user=newcomer).key
    response = Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "This account may not use API tokens."


def test_removing_the_authenticator_cuts_off_the_tokens_issued_before(cast):
    key = Token.objects.create(user=cast.de).key
    assert Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    TOTPDevice.objects.filter(user=cast.de).delete()  # an administrator resets the second factor
    assert Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
