"""The team that holds a selector answers a hit: share its case in one click, or decline with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from findings import services as findings
from findings.models import Case, Hit
from hits.matching import match_pending
from hits.services import hit_decline, hit_share
from operations.services import operation_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit(cast):
    german = cast.case_of(cast.de, summary="Handler phone 0151 23456789")
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="D.", notes="+49 151 23456789")
    match_pending()
    hit = Hit.objects.get()
    hit.german_case = german
    return hit


def german_side(hit):
    return "a" if hit.team_a == "DE" else "b"


def test_sharing_from_the_hit_shares_the_case_with_the_other_team_and_is_audited(cast, hit, client):
    client.force_login(cast.de)
    response = client.post(reverse("hits:share", args=[cast.operation.code, hit.pk]))
    assert response.status_code == 302
    hit.refresh_from_db()
    side = german_side(hit)
    assert getattr(hit, f"answer_{side}") == Hit.Answer.SHARED and getattr(hit, f"answered_at_{side}")
    assert Case.objects.visible_to(cast.fr).filter(pk=hit.german_case.pk).exists()
    assert AuditEvent.objects.filter(action="disclose", object_type="findings.case", object_id=str(hit.german_case.pk),
                                     summary="case shared with team FR").exists()
    assert AuditEvent.objects.filter(action="disclose", object_type="findings.hit", object_id=str(hit.pk),
                                     actor=cast.de).exists()


def test_declining_keeps_the_case_closed_records_the_reason_and_is_audited(cast, hit, client):
    client.force_login(cast.de)
    inbox = client.get(reverse("hits:inbox", args=[cast.operation.code])).content.decode()
    assert "name no one" in inbox  # the reason outlives erasure in the audit trail
    client.post(reverse("hits:decline", args=[cast.operation.code, hit.pk]), {"reason": "Covert measure running"})
    hit.refresh_from_db()
    side = german_side(hit)
    assert getattr(hit, f"answer_{side}") == Hit.Answer.DECLINED
    assert getattr(hit, f"reason_{side}") == "Covert measure running"
    assert not Case.objects.visible_to(cast.fr).filter(pk=hit.german_case.pk).exists()
    event = AuditEvent.objects.get(object_type="findings.hit", actor=cast.de)
    assert (event.action, event.justification) == ("combine", "Covert measure running")


def test_a_decline_needs_a_reason(cast, hit, client):
    client.force_login(cast.de)
    response = client.post(reverse("hits:decline", args=[cast.operation.code, hit.pk]), {"reason": "  "}, follow=True)
    assert "Say why you decline" in response.content.decode()
    hit.refresh_from_db()
    assert hit.answer_a == hit.answer_b == Hit.Answer.OPEN


def test_only_the_holding_team_answers_for_its_side(cast, hit):
    with pytest.raises(PermissionDenied):
        hit_share(user=cast.coordinator, hit=hit)  # team NL holds no side of a DE-FR hit
    with pytest.raises(PermissionDenied):
        hit_decline(user=cast.prosecutor, hit=hit, reason="no")
    hit_decline(user=cast.fr, hit=hit, reason="Our suspect is a different person")
    hit.refresh_from_db()
    french, german = ("a", "b") if hit.team_a == "FR" else ("b", "a")
    assert getattr(hit, f"answer_{french}") == Hit.Answer.DECLINED
    assert getattr(hit, f"answer_{german}") == Hit.Answer.OPEN


def test_a_finding_without_a_case_cannot_be_shared_until_it_is_linked(cast, hit):
    with pytest.raises(ValidationError, match="not linked to a case"):
        hit_share(user=cast.fr, hit=hit)  # the French selector sits on a suspect without a case


def test_a_hit_is_answered_once_both_teams_have_answered(cast, hit):
    assert list(Hit.objects.open()) == [hit]
    hit_share(user=cast.de, hit=hit)
    assert list(Hit.objects.open()) == [hit] and not Hit.objects.answered().exists()
    hit_decline(user=cast.fr, hit=hit, reason="Not the same person")
    assert list(Hit.objects.answered()) == [hit] and not Hit.objects.open().exists()


def test_a_closed_operations_case_is_not_shared_from_a_hit(cast, hit):
    operation_close(user=cast.coordinator, operation=cast.operation)
    with pytest.raises(PermissionDenied):
        hit_share(user=cast.de, hit=hit)
