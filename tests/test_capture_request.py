"""Who may have a page captured, and who sees a capture: the rule of the URL it documents.

Only who may change the URL (its team, the operation's coordinators) asks for a capture; whoever
sees the URL's case sees its captures; loopback and private addresses are refused unless allowed.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evidence.capturing import (
    capture_request,
    capture_retry,
    captures_of,
    captures_request_for_case,
    captures_request_for_check,
    forbidden_origins,
)
from evidence.models import Capture
from findings import services as findings
from findings.models import DetectedUrl
from operations.access import forget_access
from operations.models import Operation
from platforms import services as platforms

pytestmark = pytest.mark.django_db

ADDRESS = "https://escortguide.example/ad/77"


def url_of(user, operation, address=ADDRESS, case=None):
    url, _ = findings.url_log(user=user, operation=operation, raw_url=address, case=case)
    return url


def test_the_urls_team_and_the_coordinators_may_have_it_captured(cast):
    url = url_of(cast.de, cast.operation)
    mine = capture_request(user=cast.de, url=url)
    assert (mine.status, mine.team, mine.created_by, mine.address) == ("queued", "DE", cast.de, url.url)
    mine.status = "failed"
    mine.save()
    theirs = capture_request(user=cast.coordinator, url=url)
    assert theirs.team == "DE" and theirs.created_by == cast.coordinator


@pytest.mark.parametrize("who", ["fr", "prosecutor", "outsider"])
def test_others_may_not_have_a_url_captured(cast, who):
    url = url_of(cast.de, cast.operation)
    with pytest.raises(PermissionDenied):
        capture_request(user=getattr(cast, who), url=url)
    assert not Capture.objects.exists()


def test_nothing_is_captured_in_a_closed_operation(cast):
    url = url_of(cast.de, cast.operation)
    Operation.objects.filter(pk=cast.operation.pk).update(status="closed")
    url.refresh_from_db()
    with pytest.raises(PermissionDenied, match="read-only"):
        capture_request(user=cast.de, url=url)


def test_asking_twice_while_a_capture_is_under_way_queues_one(cast):
    url = url_of(cast.de, cast.operation)
    assert capture_request(user=cast.de, url=url) == capture_request(user=cast.de2, url=url)
    assert Capture.objects.count() == 1


@pytest.mark.parametrize("address", ["http://127.0.0.1:8000/admin", "http://10.0.0.5/", "http://100.64.0.1/",
                                     "http://169.254.169.254/latest/meta-data/", "http://192.168.0.1:8080/"])
def test_loopback_and_private_addresses_are_refused(cast, address):
    url = url_of(cast.de, cast.operation, address)
    with pytest.raises(ValidationError, match="not captured"):
        capture_request(user=cast.de, url=url)
    assert not Capture.objects.exists()


def test_private_addresses_are_allowed_by_the_setting_but_actiondays_own_never(cast, settings):
    settings.CAPTURE_ALLOW_PRIVATE = True
    capture_request(user=cast.de, url=url_of(cast.de, cast.operation, "http://127.0.0.1:9999/"))
    own = url_of(cast.de, cast.operation, "http://127.0.0.1:8000/operations/")
    with pytest.raises(ValidationError, match="ActionDay's own address"):
        capture_request(user=cast.de, url=own, own_origin="http://127.0.0.1:8000")


def test_actiondays_own_names_are_forbidden_to_the_browser(settings):
    settings.ALLOWED_HOSTS = ["actionday.example.eu", ".police.example", "127.0.0.1", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.actionday.example.eu"]
    settings.CAPTURE_OWN_ORIGINS = ["web:8000"]
    origins = forbidden_origins("https://actionday.example.eu")
    assert {"actionday.example.eu", "police.example", "web:8000", "https://actionday.example.eu",
            "127.0.0.1", "localhost"} <= set(origins)
    settings.CAPTURE_ALLOW_PRIVATE = True
    origins = forbidden_origins("http://127.0.0.1:8000")
    assert "127.0.0.1" not in origins and "http://127.0.0.1:8000" in origins  # the test site's port stays open


def test_a_case_capture_queues_every_url_of_the_case(cast):
    case = cast.case_of(cast.de)
    first = url_of(cast.de, cast.operation, "https://a.example/1", case=case)
    second = url_of(cast.de, cast.operation, "https://b.example/2", case=case)
    url_of(cast.de, cast.operation, "https://elsewhere.example/")

    captures = captures_request_for_case(user=cast.de, case=case)
    assert [c.url for c in captures] == [first, second]


def test_a_case_without_urls_says_so(cast):
    with pytest.raises(ValidationError, match="no URL"):
        captures_request_for_case(user=cast.de, case=cast.case_of(cast.de))


def test_a_platform_check_logs_its_addresses_as_urls_and_captures_them(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    captures = captures_request_for_check(user=cast.de, check=check,
                                          addresses="hxxps://escortguide[.]example/ad/1\n\nhttps://escortguide.example/ad/2")
    assert [c.address for c in captures] == ["https://escortguide.example/ad/1", "https://escortguide.example/ad/2"]
    assert all(c.platform_check == check and c.url.team == "DE" for c in captures)
    assert list(captures_of(cast.de, platform_check=check)) == captures[::-1]


def test_one_bad_line_refuses_the_whole_list_and_logs_nothing(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    with pytest.raises(ValidationError) as refusal:
        captures_request_for_check(user=cast.de, check=check,
                                   addresses="https://escortguide.example/ad/1\nhttp://192.168.1.1/\nnot an address")
    assert any("Line 2" in m for m in refusal.value.messages) and any("Line 3" in m for m in refusal.value.messages)
    assert not DetectedUrl.objects.exists() and not Capture.objects.exists()


def test_another_team_may_not_capture_from_a_check_it_does_not_own(cast):
    check = platforms.check_plan(user=cast.de, operation=cast.operation, platform=cast.platform)
    with pytest.raises(PermissionDenied):
        captures_request_for_check(user=cast.fr, check=check, addresses=ADDRESS)


def test_a_capture_is_seen_by_whoever_sees_the_urls_case(cast):
    case = cast.case_of(cast.de)
    url = url_of(cast.de, cast.operation, case=case)
    capture = capture_request(user=cast.de, url=url)

    assert capture in Capture.objects.visible_to(cast.de2) and capture in Capture.objects.visible_to(cast.coordinator)
    for outsider in (cast.fr, cast.prosecutor, cast.outsider):
        assert capture not in Capture.objects.visible_to(outsider)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    forget_access(cast.fr)
    forget_access(cast.prosecutor)
    assert capture in Capture.objects.visible_to(cast.fr) and capture in Capture.objects.visible_to(cast.prosecutor)


def test_a_capture_follows_its_url_to_another_case(cast):
    case, other = cast.case_of(cast.de), cast.case_of(cast.de, title="Another lead")
    url = url_of(cast.de, cast.operation, case=case)
    capture = capture_request(user=cast.de, url=url)
    findings.link_to_case(user=cast.de, finding=url, case=other)
    assert list(captures_of(cast.de, case=other)) == [capture] and not captures_of(cast.de, case=case).exists()


def test_only_a_failed_capture_is_retried(cast):
    capture = capture_request(user=cast.de, url=url_of(cast.de, cast.operation))
    with pytest.raises(ValidationError, match="failed"):
        capture_retry(user=cast.de, capture=capture)
    Capture.objects.filter(pk=capture.pk).update(status="failed", reason="no answer", attempts=3)
    capture.refresh_from_db()
    with pytest.raises(PermissionDenied):
        capture_retry(user=cast.fr, capture=capture)
    capture = capture_retry(user=cast.de, capture=capture)
    assert (capture.status, capture.reason, capture.attempts) == ("queued", "", 0)
