"""API tokens: issued to a signed-in user, used by scripts, replaced and revoked; sessions keep CSRF."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from api import auth as api_defaults

from .api_client import url

pytestmark = pytest.mark.django_db


def csrf_client(user, operation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(f"/operations/{operation.code}/import/")  # a page with a form: sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_a_signed_in_user_gets_a_token_that_works_for_scripts(cast):
    client, csrf = csrf_client(cast.de, cast.operation)
    response = client.post(url("token"), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    key = response.json()["token"]
    assert Token.objects.get(user=cast.de).key == key
    script = Client()
    listed = script.get(url("operation-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert listed.status_code == 200
    assert [o["code"] for o in listed.json()["results"]] == [cast.operation.code]


def test_a_new_token_replaces_the_old_one(cast):
    client, csrf = csrf_client(cast.de, cast.operation)
    old = client.post(url("token"), content_type="application/json", HTTP_X_CSRFTOKEN=csrf).json()["token"]
    new = client.post(url("token"), content_type="application/json", HTTP_X_CSRFTOKEN=csrf).json()["token"]
    assert old != new
    assert Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_a_revoked_token_stops_working(cast):
    key = Token.objects.create(user=cast.de).key
    response = Client().delete(url("token"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 204
    assert Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_session_writes_need_the_csrf_token(cast):
    client, csrf = csrf_client(cast.de, cast.operation)
    body = f'{{"operation": {cast.operation.pk}, "alias": "Dima"}}'
    without = client.post(url("suspect-list"), body, content_type="application/json")
    assert without.status_code == 403
    assert "CSRF" in without.json()["detail"]
    with_token = client.post(url("suspect-list"), body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert with_token.status_code == 201


def test_who_may_not_have_a_token_gets_none_and_cannot_use_an_old_one(cast, monkeypatch):
    key = Token.objects.create(user=cast.de).key
    monkeypatch.setattr(api_defaults, "may_have_token", lambda user: user != cast.de)
    client, csrf = csrf_client(cast.de, cast.operation)
    assert client.post(url("token"), content_type="application/json", HTTP_X_CSRFTOKEN=csrf).status_code == 403
    refused = Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "This account may not use API tokens."
    other = Token.objects.create(user=cast.fr).key
    assert Client().get(url("case-list"), HTTP_AUTHORIZATION=f"Token {other}").status_code == 200


def test_anonymous_gets_no_token(cast):
    response = Client().post(url("token"))
    assert response.status_code == 401
    assert not Token.objects.exists()
