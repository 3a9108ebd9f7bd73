"""What the access rule needs about a user is read once per request, and a change counts from the next.

``operations.access`` keeps the user's memberships and the ids of the cases shared with them on
the user object, which a request loads afresh: these tests count the reads of a whole page, and
check that a share given or withdrawn — and a membership ended — is seen by the next request.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from findings import services as findings
from findings.models import Case, Suspect
from operations.access import forget_access, may_change
from operations.models import Membership

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it."""
    return get_user_model().objects.get(pk=user.pk)


def reads_of(queries, table):
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"].split(" WHERE ")[0]]


def test_a_workspace_page_reads_the_users_memberships_and_shares_once(client, cast):
    french = cast.family_of(cast.fr)["case"]
    findings.case_share_with_team(user=cast.fr, case=french, team="DE")
    cast.family_of(cast.de)
    client.force_login(cast.de)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("workspace", args=[cast.operation.code])).content.decode()
    assert french.reference in html  # the shared case is listed...
    own_memberships = [sql for sql in reads_of(queries, "operations_membership") if '"user_id" =' in sql]
    assert len(own_memberships) == 1  # ...with one read of the memberships for the whole page
    assert len(reads_of(queries, "findings_casegroupobjectpermission")) == 1


def test_a_share_counts_from_the_next_request_and_a_withdrawal_too(cast):
    french = cast.case_of(cast.fr)
    dima = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Dima", case=french)
    assert not Case.objects.visible_to(fresh(cast.de)).filter(pk=french.pk).exists()

    findings.case_share_with_team(user=cast.fr, case=french, team="DE")
    de = fresh(cast.de)
    assert Case.objects.visible_to(de).filter(pk=french.pk).exists()
    assert Suspect.objects.visible_to(de).filter(pk=dima.pk).exists()

    findings.case_unshare_with_team(user=cast.fr, case=french, team="DE")
    de = fresh(cast.de)
    assert not Case.objects.visible_to(de).filter(pk=french.pk).exists()
    assert not Suspect.objects.visible_to(de).filter(pk=dima.pk).exists()


def test_forget_access_makes_the_same_user_object_read_again(cast):
    french = cast.case_of(cast.fr)
    de = fresh(cast.de)
    assert not Case.objects.visible_to(de).filter(pk=french.pk).exists()
    findings.case_share_with_team(user=cast.fr, case=french, team="DE")
    forget_access(de)
    assert Case.objects.visible_to(de).filter(pk=french.pk).exists()


def test_a_member_removed_from_the_operation_sees_and_changes_nothing_from_the_next_request(cast):
    own = cast.case_of(cast.de)
    assert may_change(fresh(cast.de), own)
    Membership.objects.filter(user=cast.de, operation=cast.operation).delete()
    de = fresh(cast.de)
    assert not Case.objects.visible_to(de).filter(pk=own.pk).exists()
    assert not may_change(de, own)


def test_shares_of_the_same_team_in_another_operation_stay_out(cast):
    """The outsider is of team DE in another operation: a case shared with DE here is not theirs."""
    french = cast.case_of(cast.fr)
    findings.case_share_with_team(user=cast.fr, case=french, team="DE")
    assert Case.objects.visible_to(fresh(cast.de)).filter(pk=french.pk).exists()
    assert not Case.objects.visible_to(fresh(cast.outsider)).filter(pk=french.pk).exists()
