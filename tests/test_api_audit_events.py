"""audit-events: auditors read the whole trail, coordinators their operations' events, nobody else any."""

import pytest
from django.contrib.auth.models import Group, Permission

from audit.models import AuditEvent
from findings import services as findings

from .api_client import api_as, url
from .cast import make_user

pytestmark = pytest.mark.django_db


def auditor():
    user = make_user()
    group, _ = Group.objects.get_or_create(name="Auditors")
    group.permissions.add(Permission.objects.get(codename="view_auditevent", content_type__app_label="audit"))
    user.groups.add(group)
    return user


def listed(user, **params):
    response = api_as(user).get(url("audit-event-list"), {"page_size": 500, **params})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_an_auditor_reads_the_whole_trail(cast):
    cast.family_of(cast.de)
    assert listed(auditor()) == set(AuditEvent.objects.values_list("id", flat=True))


def test_a_coordinator_reads_the_events_of_their_operation_only(cast):
    cast.family_of(cast.de)
    mine = set(AuditEvent.objects.filter(operation_id=cast.operation.pk).values_list("id", flat=True))
    assert mine
    findings.case_create(
        user=cast.outsider, operation=cast.other_operation, title="Elsewhere", exploitation_type="labour"
    )
    elsewhere = AuditEvent.objects.filter(operation_id=cast.other_operation.pk).latest("seq")
    assert listed(cast.coordinator) == mine
    assert api_as(cast.coordinator).get(url("audit-event-detail", elsewhere.pk)).status_code == 404


@pytest.mark.parametrize("role", ["de", "fr", "prosecutor", "outsider"])
def test_analysts_and_prosecutors_read_no_event(cast, role):
    cast.family_of(cast.de)
    event = AuditEvent.objects.filter(operation_id=cast.operation.pk).first()
    assert listed(getattr(cast, role)) == set()
    assert api_as(getattr(cast, role)).get(url("audit-event-detail", event.pk)).status_code == 404


def test_events_carry_their_chain_and_filter_by_object(cast):
    case = cast.family_of(cast.de)["case"]
    response = api_as(cast.coordinator).get(
        url("audit-event-list"), {"object_type": "findings.case", "object_id": str(case.pk)}
    )
    rows = response.json()["results"]
    assert rows and all(r["object_id"] == str(case.pk) for r in rows)
    newest = AuditEvent.objects.get(pk=rows[0]["id"])
    assert (rows[0]["hash"], rows[0]["prev_hash"]) == (newest.hash, newest.prev_hash)
    assert [r["seq"] for r in rows] == sorted((r["seq"] for r in rows), reverse=True)
