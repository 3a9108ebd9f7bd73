"""The case share form on pages takes a prosecutor's id; its answer never names a user the sender may
not see. Before, withdrawing a share from any user id answered "…no longer shared with admin": every
user name could be listed by counting through ids."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from findings.models import CaseUserObjectPermission

from .api_client import api_as, url
from .cast import make_user

pytestmark = pytest.mark.django_db


def post_share(cast, case, **data):
    client = Client()
    client.force_login(cast.de)
    response = client.post(reverse("case_share", args=[cast.operation.code, case.reference]), data)
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("withdraw", ["", "1"], ids=["share", "withdraw"])
def test_a_user_who_is_no_prosecutor_here_is_not_named(cast, withdraw):
    case = cast.case_of(cast.de)
    admin = get_user_model().objects.create_superuser("rootadmin", "root@test.invalid", "x")
    strangers = [admin, cast.outsider, cast.fr, make_user("unrelated")]
    for stranger in strangers:
        said = " ".join(post_share(cast, case, prosecutor=stranger.pk, withdraw=withdraw))
        assert stranger.username not in said
        assert "No such prosecutor in this operation." in said
        assert not CaseUserObjectPermission.objects.filter(user=stranger, content_object=case).exists()
    unknown = " ".join(post_share(cast, case, prosecutor=10**6, withdraw=withdraw))
    assert "No such prosecutor in this operation." in unknown  # the same answer as for a real user


def test_the_operations_prosecutor_is_shared_with_and_withdrawn_by_name(cast):
    case = cast.case_of(cast.de)
    assert post_share(cast, case, prosecutor=cast.prosecutor.pk) == [
        f"Case {case.reference} is now shared with {cast.prosecutor.username}."]
    assert post_share(cast, case, prosecutor=cast.prosecutor.pk, withdraw="1") == [
        f"Case {case.reference} is no longer shared with {cast.prosecutor.username}."]


def test_the_api_answers_a_stranger_like_a_user_who_does_not_exist(cast):
    case = cast.case_of(cast.de)
    client = api_as(cast.de)
    for name in (cast.outsider.username, "nobody-at-all"):
        response = client.post(url("case-unshare", case.pk), {"prosecutor": name}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == f"{name} is not a prosecutor in this operation."
