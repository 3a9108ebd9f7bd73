"""Log in, log out, and the landing page that sends each user to their operations."""

import pytest

from operations.models import Membership

from .cast import PASSWORD, add_member, make_operation, make_user, totp_code

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_wrong_password_is_refused_with_a_message(client, cast):
    response = client.post("/login/", {"username": cast.de.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"did not match" in response.content
    assert "_auth_user_id" not in client.session


def test_member_of_one_operation_lands_on_it(client, cast):
    response = client.post("/login/", {"username": cast.de.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/two-factor/verify/")  # the second factor first
    response = client.post("/two-factor/verify/", {"code": totp_code(cast.de), "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/operations/{cast.operation.code}/"
    assert cast.operation.name.encode() in response.content
    assert b"Germany" in response.content


def test_member_of_several_operations_chooses_among_them(client):
    user = make_user()
    first, second = make_operation(), make_operation()
    for operation in (first, second):
        Membership.objects.create(user=user, operation=operation, role="analyst", team="FR")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert first.code.encode() in response.content and second.code.encode() in response.content


def test_user_without_operation_is_told_so(client):
    client.force_login(make_user())
    response = client.get("/")
    assert b"not a member of any operation" in response.content


def test_operation_page_of_another_operation_is_not_found(client, cast):
    client.force_login(cast.outsider)
    response = client.get(f"/operations/{cast.operation.code}/")
    assert response.status_code == 404
    assert cast.operation.name.encode() not in response.content


def test_logout_ends_the_session(client, cast):
    client.force_login(cast.fr)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused(client, cast):
    client.force_login(cast.fr)
    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_coordinator_page_names_the_role(client):
    operation = make_operation()
    user = add_member(operation, "coordinator", "NL")
    client.force_login(user)
    response = client.get(f"/operations/{operation.code}/")
    assert b"coordinator" in response.content
