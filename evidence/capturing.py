"""Page captures asked for by people: of one URL finding, of every URL of a case, of a list of
addresses met while checking a platform. Each becomes a queued ``Capture`` and one job on the
``capture`` queue (jobs/schedule.py); evidence/capture_job.py runs it.

Who may ask: whoever may change the URL's record (its team's analysts, the operation's
coordinators), as for attaching evidence to it by hand. Who sees a capture: whoever sees the URL's
case (``Capture.objects.visible_to``), as for the URL's evidence files.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

import audit
from api.base import StateConflict
from capture import AddressPolicy, Refused
from findings.models import Case, DetectedUrl, Evidence
from findings.services import url_log
from identifiers.canonical import InvalidUrl, canonical_url
from jobs import enqueue_on_commit
from operations.access import may_change, require_change
from platforms.models import PlatformCheck

from .models import Capture

# Addresses taken at once from a platform check: one paste of a results page, not a crawl.
MAX_ADDRESSES = 50
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]", "::1"}


def forbidden_origins(own_origin: str = "") -> list[str]:
    """ActionDay's own addresses, which a captured page must never reach.

    Every name the site answers to (ALLOWED_HOSTS, without a port: all its ports), the trusted
    origins, ``CAPTURE_OWN_ORIGINS``, and the address the capture was asked from. The loopback
    names ALLOWED_HOSTS always holds are left to the private-address rule, which refuses them — but
    where private addresses are allowed (the tests' own site on loopback), forbidding all of
    loopback would forbid that site too; then only ActionDay's own loopback origin, with its port,
    is forbidden (the address the capture was asked from).
    """
    origins = [*settings.CAPTURE_OWN_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS]
    if own_origin:
        origins.append(own_origin)
    for host in settings.ALLOWED_HOSTS:
        host = host.removeprefix("*").lstrip(".")
        if not host or (settings.CAPTURE_ALLOW_PRIVATE and host.lower() in LOOPBACK_NAMES):
            continue
        origins.append(host)
    return [origin.replace("://*.", "://") for origin in origins]


def _require_capturable(address: str, own_origin: str) -> None:
    """Refuse at once what the worker would refuse: another scheme, a literal non-public address,
    ActionDay itself. Names are not resolved here (the worker resolves them, or its proxy does)."""
    try:
        AddressPolicy.build(
            allow_private=settings.CAPTURE_ALLOW_PRIVATE, forbidden_origins=forbidden_origins(own_origin),
            resolve_names=False,
        ).check_url(address)
    except (Refused, ValueError) as refusal:
        raise ValidationError(f"This address is not captured: {refusal}.") from None


def _queue(*, user, url: DetectedUrl, own_origin: str, platform_check=None) -> Capture:
    pending = Capture.objects.pending().filter(url=url).first()
    if pending is not None:
        return pending  # a double click, or the case's capture already covers it
    capture = Capture(operation=url.operation, team=url.team, created_by=user, url=url, address=url.url,
                      own_origin=own_origin[:300], platform_check=platform_check)
    capture.full_clean()
    capture.save()
    audit.record(actor=user, action="collect", obj=capture, summary="page capture requested")
    enqueue_on_commit("evidence.capture_page", capture.pk)
    return capture


def capture_request(*, user, url: DetectedUrl, own_origin: str = "") -> Capture:
    """Queue a capture of the URL finding's page; a capture of it already under way is returned instead."""
    require_change(user, url)
    _require_capturable(url.url, own_origin)
    with transaction.atomic():
        return _queue(user=user, url=url, own_origin=own_origin)


def captures_request_for_case(*, user, case: Case, own_origin: str = "") -> list[Capture]:
    """Queue a capture of every URL of the case that ``user`` may change."""
    require_change(user, case)
    urls = [u for u in DetectedUrl.objects.visible_to(user).filter(case=case).order_by("created_at", "pk")
            if may_change(user, u)]
    if not urls:
        raise ValidationError("The case has no URL that you may capture.")
    refused = []
    for url in urls:
        try:
            _require_capturable(url.url, own_origin)
        except ValidationError as error:
            refused.append(error)
    if refused:
        raise ValidationError(refused)
    with transaction.atomic():
        return [_queue(user=user, url=url, own_origin=own_origin) for url in urls]


def captures_request_for_check(*, user, check: PlatformCheck, addresses: str, own_origin: str = "") -> list[Capture]:
    """Log each address (one a line) as a URL of the user's team and queue its capture.

    Every line is checked first: one bad line refuses the whole list, with the line named, and
    nothing is logged.
    """
    require_change(user, check)
    lines = [line.strip() for line in addresses.splitlines() if line.strip()]
    if not lines:
        raise ValidationError("Give at least one address to capture.")
    if len(lines) > MAX_ADDRESSES:
        raise ValidationError(f"At most {MAX_ADDRESSES} addresses at a time ({len(lines)} given).")
    problems = []
    for number, line in enumerate(lines, start=1):
        try:
            canonical, _host = canonical_url(line)
            _require_capturable(canonical, own_origin)
        except InvalidUrl as error:
            problems.append(f"Line {number}: not a URL: {error}.")
        except ValidationError as error:
            problems.append(f"Line {number}: {error.messages[0]}")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        captures = []
        for line in dict.fromkeys(lines):
            url, _created = url_log(user=user, operation=check.operation, raw_url=line)
            captures.append(_queue(user=user, url=url, own_origin=own_origin, platform_check=check))
        return list(dict.fromkeys(captures))


def capture_retry(*, user, capture: Capture) -> Capture:
    """Queue a failed capture again (whoever may change its URL)."""
    if capture.url is None:
        raise StateConflict("The URL of this capture was deleted; it cannot be captured again.")
    require_change(user, capture.url)
    if capture.status != Capture.Status.FAILED:
        raise StateConflict("Only a failed capture can be retried.")
    with transaction.atomic():
        requeued = Capture.objects.filter(pk=capture.pk, status=Capture.Status.FAILED).update(
            status=Capture.Status.QUEUED, progress=0, reason="", attempts=0, claimed_at=None
        )
        if requeued:
            audit.record(actor=user, action="collect", obj=capture, summary="page capture requested again")
            enqueue_on_commit("evidence.capture_page", capture.pk)
    capture.refresh_from_db()
    return capture


# --- reading --------------------------------------------------------------------------------------


def captures_of(user, *, case: Case | None = None, url: DetectedUrl | None = None, platform_check=None):
    """The captures ``user`` sees of a case's URLs, of one URL, or asked for from a platform check; newest first."""
    query = Q(pk__in=[])
    if case is not None:
        query |= Q(url__case=case)
    if url is not None:
        query |= Q(url=url)
    if platform_check is not None:
        query |= Q(platform_check=platform_check)
    return Capture.objects.visible_to(user).filter(query).with_files().order_by("-created_at", "-pk")


def may_capture(user, record) -> bool:
    """Whether the capture button shows on this URL, case or platform check."""
    if not may_change(user, record):
        return False
    if isinstance(record, Case):
        return DetectedUrl.objects.filter(case=record).exists()
    return True


def screenshot_of(user, operation, capture_id):
    """The screenshot evidence of a capture ``user`` sees, or None alike for "none" and "not yours"."""
    capture = Capture.objects.visible_to(user).in_operation(operation).with_files().filter(pk=capture_id).first()
    if capture is None or capture.status != Capture.Status.DONE or capture.screenshot is None:
        return None
    # The file's own rule too: an evidence row moved to another case on its own keeps that case's rule.
    return Evidence.objects.visible_to(user).filter(pk=capture.screenshot.pk).first()
