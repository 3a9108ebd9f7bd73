"""Writes to operations and memberships: validated, saved and audited in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import audit

from .access import forget_access, is_coordinator, require_change
from .countries import COUNTRY_NAMES
from .models import FocusTag, Membership, Operation
from .transitions import require_move

OPERATION_MOVES = {
    Operation.Status.PLANNED: {Operation.Status.ACTIVE},
    Operation.Status.ACTIVE: {Operation.Status.CLOSED},
    Operation.Status.CLOSED: {Operation.Status.ARCHIVED, Operation.Status.ACTIVE},
    Operation.Status.ARCHIVED: set(),
}


def _require_operation_manager(user, operation):
    if not (user.is_staff or is_coordinator(user, operation)):
        raise PermissionDenied("Only the operation's coordinators or an administrator may do this.")


def _move_operation(*, user, operation: Operation, target: str) -> Operation:
    _require_operation_manager(user, operation)
    with transaction.atomic():
        operation = Operation.objects.select_for_update().get(pk=operation.pk)
        if operation.erased_at is not None and target == Operation.Status.ACTIVE:
            raise ValidationError(f"Operation {operation.code}'s personal data was erased: it cannot be reopened.")
        previous = require_move(operation, target, OPERATION_MOVES)
        operation.status = target
        # The retention period (retention/services.py) runs from the closing; reopening stops it.
        if target == Operation.Status.CLOSED or (target == Operation.Status.ARCHIVED and not operation.closed_at):
            operation.closed_at = timezone.now()
        elif target == Operation.Status.ACTIVE:
            operation.closed_at = None
        operation.save(update_fields=["status", "closed_at"])
        audit.record(
            actor=user,
            action="alter",
            obj=operation,
            operation=operation,
            summary=f"operation {Operation.Status(previous).label.lower()} → {Operation.Status(target).label.lower()}",
        )
    return operation


def operation_start(*, user, operation: Operation) -> Operation:
    return _move_operation(user=user, operation=operation, target=Operation.Status.ACTIVE)


def operation_close(*, user, operation: Operation) -> Operation:
    """Closing makes every finding of the operation read-only."""
    return _move_operation(user=user, operation=operation, target=Operation.Status.CLOSED)


def operation_archive(*, user, operation: Operation) -> Operation:
    return _move_operation(user=user, operation=operation, target=Operation.Status.ARCHIVED)


def membership_add(*, by, operation: Operation, user, role: str, team: str, agency=None) -> Membership:
    """Add a user to an operation (or change their role and team). Admins and coordinators only."""
    _require_operation_manager(by, operation)
    if role not in Membership.Role.values:
        raise ValidationError(f"Unknown role {role!r}.")
    if team not in COUNTRY_NAMES:
        raise ValidationError(f"Unknown country team {team!r}.")
    with transaction.atomic():
        membership, created = Membership.objects.update_or_create(
            user=user, operation=operation, defaults={"role": role, "team": team, "agency": agency}
        )
        audit.record(
            actor=by,
            action="alter",
            obj=membership,
            operation=operation,
            team=team,
            summary=f"{'added' if created else 'updated'} member {user.get_username()} as {role} of team {team}",
        )
    forget_access(user)
    return membership


def team_record_delete(*, user, record) -> None:
    """Remove a record a team logged in error (a finding, a platform check): the rule, then the trail."""
    require_change(user, record)
    with transaction.atomic():
        audit.record(actor=user, action="erase", obj=record, summary=f"{record._meta.verbose_name} deleted")
        record.delete()


def focus_tags_named(operation: Operation, names) -> list[FocusTag]:
    """The operation's focus tags with these names; an unknown name is a clear error, not a new tag."""
    wanted = {n.strip() for n in names or [] if n and n.strip()}
    tags = list(FocusTag.objects.filter(operation=operation, name__in=wanted))
    unknown = wanted - {t.name for t in tags}
    if unknown:
        known = ", ".join(operation.focus_tags.values_list("name", flat=True)) or "none"
        raise ValidationError(f"Unknown focus tag(s): {', '.join(sorted(unknown))}. This operation has: {known}.")
    return tags
