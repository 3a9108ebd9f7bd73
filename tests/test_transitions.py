"""Status moves: allowed ones succeed and are audited, the others are refused with a clear error."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from findings import services as findings
from findings.models import Case, DetectedUrl
from operations import services as operations
from platforms import services as platforms

pytestmark = pytest.mark.django_db


def events_about(record):
    return list(
        AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk)).values_list(
            "action", "summary"
        )
    )


def test_a_platform_check_goes_planned_in_progress_checked(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    check = platforms.check_start(user=cast.de, check=check)
    check = platforms.check_finish(user=cast.de, check=check, with_indications=True)
    assert (check.status, check.with_indications, check.checked_by) == ("checked", True, cast.de)
    assert check.started_at <= check.finished_at
    assert events_about(check) == [
        ("collect", f"planned check of {cast.platform}"),
        ("alter", "check started"),
        ("alter", "check finished with indications"),
    ]


def test_a_check_cannot_be_finished_before_it_is_started(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    with pytest.raises(ValidationError, match="cannot move from “Planned” to “Checked”"):
        platforms.check_finish(user=cast.de, check=check, with_indications=False)
    check.refresh_from_db()
    assert check.status == "planned" and check.with_indications is None


def test_a_finished_check_cannot_be_started_again(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    platforms.check_finish(user=cast.de, check=platforms.check_start(user=cast.de, check=check),
                           with_indications=False)
    with pytest.raises(ValidationError, match="from “Checked” to “In progress”"):
        platforms.check_start(user=cast.de, check=check)


def test_another_team_cannot_start_my_check(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    with pytest.raises(PermissionDenied):
        platforms.check_start(user=cast.fr, check=check)


def test_unknown_focus_tag_is_refused_with_the_known_ones(cast):
    from operations.models import FocusTag

    FocusTag.objects.create(operation=cast.operation, name="Ukrainian refugees")
    with pytest.raises(ValidationError, match="Unknown focus tag.*Ukrainian refugees"):
        platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform, focus_tags=["Dogs"])
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform,
                                 focus_tags=["Ukrainian refugees"])
    assert [t.name for t in check.focus_tags.all()] == ["Ukrainian refugees"]


def test_a_case_is_referred_then_investigated_then_closed(cast):
    case = cast.case_of(cast.de)
    case = findings.case_refer(user=cast.de, case=case, referred_to="Staatsanwaltschaft Berlin")
    case = findings.case_open_investigation(user=cast.de, case=case)
    case = findings.case_close(user=cast.de, case=case, reason="no_indication")
    assert case.status == "closed" and case.referred_to == "Staatsanwaltschaft Berlin"
    assert [summary for _, summary in events_about(case)] == [
        "case opened", "case open → referred", "case referred → investigation opened",
        "case investigation opened → closed (No indication of trafficking)",
    ]


def test_a_case_cannot_open_an_investigation_before_referral(cast):
    case = cast.case_of(cast.de)
    with pytest.raises(ValidationError, match="“Open” to “Investigation opened”"):
        findings.case_open_investigation(user=cast.de, case=case)


def test_referral_needs_an_authority(cast):
    with pytest.raises(ValidationError, match="which authority"):
        findings.case_refer(user=cast.de, case=cast.case_of(cast.de), referred_to="  ")


def test_a_closed_case_stays_closed(cast):
    case = findings.case_close(user=cast.de, case=cast.case_of(cast.de), reason="no_indication")
    with pytest.raises(ValidationError):
        findings.case_refer(user=cast.de, case=case, referred_to="X")


def test_operation_lifecycle_and_read_only_when_closed(cast):
    operations.operation_close(user=cast.coordinator, operation=cast.operation)
    cast.operation.refresh_from_db()
    with pytest.raises(PermissionDenied, match="closed: read-only"):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://a.example/")
    with pytest.raises(ValidationError, match="“Closed” to “Planned”"):
        operations._move_operation(user=cast.coordinator, operation=cast.operation, target="planned")
    operations.operation_archive(user=cast.coordinator, operation=cast.operation)
    assert events_about(cast.operation)[-1][1] == "operation closed → archived"


def test_only_coordinators_move_an_operation(cast):
    with pytest.raises(PermissionDenied):
        operations.operation_close(user=cast.de, operation=cast.operation)


def test_h3_needs_its_restrictions_in_words(cast):
    with pytest.raises(ValidationError, match="H3 needs its restrictions"):
        cast.case_of(cast.de, handling_code="H3")
    case = cast.case_of(cast.de, handling_code="H3", handling_restrictions="Only for the Berlin prosecutor.")
    assert case.handling_code == "H3"


def test_the_database_holds_h3_restrictions_too(cast):
    case = cast.case_of(cast.de)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(handling_code="H3", handling_restrictions="")


def test_a_url_is_stored_once_per_team_in_canonical_form(cast):
    first, created = findings.url_log(user=cast.de, operation=cast.operation,
                                      raw_url="hxxps://Escortguide[.]example:443/berlin/anna?utm_source=x#top")
    again, created_again = findings.url_log(user=cast.de2, operation=cast.operation,
                                            raw_url="https://escortguide.example/berlin/anna")
    french, french_created = findings.url_log(user=cast.fr, operation=cast.operation,
                                              raw_url="https://escortguide.example/berlin/anna")
    assert first.url == "https://escortguide.example/berlin/anna"
    assert (created, created_again, french_created) == (True, False, True)
    assert again.pk == first.pk and french.pk != first.pk
    assert first.platform == cast.platform
    with pytest.raises(IntegrityError), transaction.atomic():
        DetectedUrl.objects.create(operation=cast.operation, team="DE", created_by=cast.de, url=first.url,
                                   host=first.host)


@pytest.mark.parametrize("raw", ["", "not a url", "ftp://files.example/x", "https://", "javascript:alert(1)"])
def test_what_is_not_a_web_address_is_refused_with_the_reason(cast, raw):
    with pytest.raises(ValidationError, match="Not a URL"):
        findings.url_log(user=cast.de, operation=cast.operation, raw_url=raw)
    assert not DetectedUrl.objects.exists()


def test_a_stale_case_edit_is_refused_and_loses_nothing(cast):
    case = cast.case_of(cast.de)
    findings.case_update(user=cast.de, case=case, expected_version=1, title="First edit")
    with pytest.raises(findings.EditConflict, match="changed by someone else") as conflict:
        findings.case_update(user=cast.de2, case=case, expected_version=1, title="Second edit")
    assert conflict.value.current.title == "First edit"
    case.refresh_from_db()
    assert (case.title, case.version) == ("First edit", 2)


def test_evidence_content_cannot_be_changed_in_the_database(cast):
    from findings.models import Evidence

    evidence = cast.family_of(cast.de)["evidence"]
    with pytest.raises(IntegrityError.__mro__[1], match="immutable"), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(sha256="0" * 64)
    Evidence.objects.filter(pk=evidence.pk).update(description="relinked is fine")
    evidence.refresh_from_db()
    assert len(evidence.sha256) == 64 and evidence.sha256 != "0" * 64
