"""Writes to operations, their participants, memberships and focus tags: validated, saved and audited in
one transaction. The pages and API that call them for setting an operation up are the setup app's."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import audit

from .access import (
    forget_access,
    may_create_operations,
    require_change,
    require_create_operations,
    require_manage,
    require_set_up,
)
from .countries import COUNTRY_NAMES, EU_BODIES
from .models import Agency, FocusTag, Membership, Operation, Participation
from .transitions import require_move

OPERATION_MOVES = {
    Operation.Status.PLANNED: {Operation.Status.ACTIVE},
    Operation.Status.ACTIVE: {Operation.Status.CLOSED},
    Operation.Status.CLOSED: {Operation.Status.ARCHIVED, Operation.Status.ACTIVE},
    Operation.Status.ARCHIVED: set(),
}


def _move_operation(*, user, operation: Operation, target: str) -> Operation:
    require_manage(user, operation)
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
    require_manage(by, operation)
    if role not in Membership.Role.values:
        raise ValidationError(f"Unknown role {role!r}.")
    if team not in COUNTRY_NAMES:
        raise ValidationError(f"Unknown country team {team!r}.")
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(user=user, operation=operation).first()
        if current is not None:
            _keep_a_coordinator(current, role=role)
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


def operation_reopen(*, user, operation: Operation) -> Operation:
    """Closed by mistake: active again, writable again (the retention period stops running)."""
    return _move_operation(user=user, operation=operation, target=Operation.Status.ACTIVE)


def operation_create(*, user, code: str, name: str, starts_at, ends_at, lead_agency: Agency,
                     crime_focus: str = "", focus_tags=()) -> Operation:
    """A new operation, planned. A creator who is not an administrator becomes its coordinator, for the lead
    agency — its lead coordinator, who then sets it up."""
    require_create_operations(user)
    operation = Operation(code=code.strip(), name=name.strip(), starts_at=starts_at, ends_at=ends_at,
                          lead_agency=lead_agency, crime_focus=crime_focus.strip() or Operation._meta.get_field(
                              "crime_focus").default)
    operation.full_clean()
    names = _tag_names(focus_tags)
    with transaction.atomic():
        operation.save()
        FocusTag.objects.bulk_create(FocusTag(operation=operation, name=n) for n in names)
        tags = f" with {len(names)} focus tags" if names else ""
        audit.record(actor=user, action="alter", obj=operation, operation=operation,
                     summary=f"operation {operation.code} created{tags}")
        if not user.is_staff:
            membership = Membership.objects.create(user=user, operation=operation, role=Membership.Role.COORDINATOR,
                                                   team=lead_agency.country or EU_BODIES, agency=lead_agency)
            audit.record(actor=user, action="alter", obj=membership, operation=operation,
                         summary="lead coordinator: the operation's creator")
    forget_access(user)
    return operation


def participation_set(*, by, operation: Operation, agency: Agency, experts: int) -> Participation:
    """The agency's typed number of experts in the operation (it takes part from now on)."""
    require_set_up(by, operation)
    if experts < 0:
        raise ValidationError("A number of experts is 0 or more.")
    with transaction.atomic():
        participation, created = Participation.objects.get_or_create(
            operation=operation, agency=agency, defaults={"experts": experts})
        if not created and participation.experts == experts:
            return participation
        participation.experts = experts
        participation.save(update_fields=["experts"])
        audit.record(actor=by, action="alter", obj=participation, operation=operation,
                     summary=f"{'agency joined with' if created else 'number of experts set to'} {experts} experts")
    return participation


def membership_remove(*, by, membership: Membership) -> None:
    """Take a user out of an operation: their access ends with their next request. An operation keeps at
    least one coordinator."""
    operation = membership.operation
    require_manage(by, operation)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _keep_a_coordinator(membership, role=None)
        audit.record(actor=by, action="alter", obj=membership, operation=operation, team=membership.team,
                     summary=f"removed member: user {membership.user_id}, {membership.role} of team {membership.team}")
        membership.delete()
    forget_access(membership.user)


def _keep_a_coordinator(membership: Membership, *, role) -> None:
    if membership.role != Membership.Role.COORDINATOR or role == Membership.Role.COORDINATOR:
        return
    others = Membership.objects.filter(operation_id=membership.operation_id, role=Membership.Role.COORDINATOR)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError("This is the operation's last coordinator: make someone else coordinator first.")


# --- focus tags ----------------------------------------------------------------------------------


def _tag_names(names) -> list[str]:
    cleaned = []
    for name in names or []:
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > 80:
            raise ValidationError(f"A focus tag has at most 80 characters: “{name[:40]}…”.")
        if name.casefold() not in {n.casefold() for n in cleaned}:
            cleaned.append(name)
    return cleaned


def focus_tags_add(*, by, operation: Operation, names) -> list[FocusTag]:
    """Add these focus tags to the operation; names it has already (in any letter case) are left as they are.
    Returns the tags added."""
    require_set_up(by, operation)
    known = {t.casefold() for t in operation.focus_tags.values_list("name", flat=True)}
    new = [FocusTag(operation=operation, name=n) for n in _tag_names(names) if n.casefold() not in known]
    with transaction.atomic():
        FocusTag.objects.bulk_create(new)
        for tag in new:
            audit.record(actor=by, action="alter", obj=tag, operation=operation, summary=f"focus tag added: {tag.name}")
    return new


def focus_tag_rename(*, by, tag: FocusTag, name: str) -> FocusTag:
    """Rename a tag: the checks and cases that carry it carry the new name."""
    require_set_up(by, tag.operation)
    (name,) = _tag_names([name]) or [""]
    if not name:
        raise ValidationError("A focus tag needs a name.")
    if FocusTag.objects.filter(operation=tag.operation, name__iexact=name).exclude(pk=tag.pk).exists():
        raise ValidationError(f"The operation has a focus tag “{name}” already.")
    with transaction.atomic():
        previous, tag.name = tag.name, name
        tag.save(update_fields=["name"])
        audit.record(actor=by, action="alter", obj=tag, operation=tag.operation_id,
                     summary=f"focus tag renamed: {previous} → {name}")
    return tag


def focus_tag_remove(*, by, tag: FocusTag) -> None:
    """Remove a tag no check or case carries (one in use would take its figures with it: rename it instead)."""
    require_set_up(by, tag.operation)
    used = tag.checks.count() + tag.cases.count()
    if used:
        raise ValidationError(f"“{tag.name}” is on {used} checks and cases: rename it rather than remove it.")
    with transaction.atomic():
        audit.record(actor=by, action="alter", obj=tag, operation=tag.operation_id,
                     summary=f"focus tag removed: {tag.name}")
        tag.delete()


def agency_ensure(*, by, name: str, country: str, kind: str = "") -> Agency:
    """The agency of this name and country, added to the reference data when it is new."""
    if not may_create_operations(by):
        raise PermissionDenied("Only an administrator, or who creates operations, adds agencies.")
    name = " ".join(name.split())
    if country and country not in COUNTRY_NAMES:
        raise ValidationError(f"Unknown country {country!r}.")
    with transaction.atomic():
        agency = Agency.objects.filter(name__iexact=name, country=country).first()
        if agency is None:
            agency = Agency(name=name, country=country,
                            kind=kind or (Agency.Kind.POLICE if country else Agency.Kind.EU_AGENCY))
            agency.full_clean()
            agency.save()
            audit.record(actor=by, action="alter", obj=agency, summary="agency added")
    return agency
