"""A team's platform checklist: plan, start and finish the monitoring of a platform."""

from django.db import transaction
from django.utils import timezone

import audit
from operations.access import require_change, require_log_in
from operations.services import focus_tags_named
from operations.transitions import require_move

from .models import Platform, PlatformCheck

CHECK_MOVES = {
    PlatformCheck.Status.PLANNED: {PlatformCheck.Status.IN_PROGRESS},
    PlatformCheck.Status.IN_PROGRESS: {PlatformCheck.Status.CHECKED},
    PlatformCheck.Status.CHECKED: set(),
}


def check_plan(*, user, operation, platform: Platform, focus_tags=None) -> PlatformCheck:
    """Put a platform on the user's team checklist (once; planning it again returns the same check)."""
    membership = require_log_in(user, operation)
    tags = focus_tags_named(operation, focus_tags)
    with transaction.atomic():
        check, created = PlatformCheck.objects.get_or_create(
            operation=operation, team=membership.team, platform=platform, defaults={"created_by": user}
        )
        if created:
            check.focus_tags.set(tags)
            audit.record(actor=user, action="collect", obj=check, summary=f"planned check of {platform}")
    return check


def check_start(*, user, check: PlatformCheck) -> PlatformCheck:
    require_change(user, check)
    with transaction.atomic():
        check = PlatformCheck.objects.select_for_update().get(pk=check.pk)
        require_move(check, PlatformCheck.Status.IN_PROGRESS, CHECK_MOVES)
        check.status = PlatformCheck.Status.IN_PROGRESS
        check.started_at = timezone.now()
        check.checked_by = user
        check.save()
        audit.record(actor=user, action="alter", obj=check, summary="check started")
    return check


def check_finish(*, user, check: PlatformCheck, with_indications: bool, focus_tags=None, note="") -> PlatformCheck:
    """Finish a check; ``with_indications`` says whether signs of trafficking were found."""
    require_change(user, check)
    tags = focus_tags_named(check.operation, focus_tags) if focus_tags is not None else None
    with transaction.atomic():
        check = PlatformCheck.objects.select_for_update().get(pk=check.pk)
        require_move(check, PlatformCheck.Status.CHECKED, CHECK_MOVES)
        check.status = PlatformCheck.Status.CHECKED
        check.with_indications = bool(with_indications)
        check.finished_at = timezone.now()
        check.checked_by = check.checked_by or user
        if tags is not None:
            check.focus_tags.set(tags)
        if note:
            check.note = note
        check.save()
        audit.record(
            actor=user,
            action="alter",
            obj=check,
            summary="check finished " + ("with indications" if check.with_indications else "without indications"),
        )
    return check
