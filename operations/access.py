"""The access rule — the one choke point for who sees and who changes a finding.

Every page, API view, export, statistics drill-down and PDF builder reads findings through
``Model.objects.visible_to(user)`` and asks ``may_change(user, record)`` before a write.
No view filters by team by hand. The other gates sit here too: ``Operation.objects.coordinated_by(user)``
and ``is_coordinator`` (the coordinators of an operation), ``audit_events_visible_to`` (who reads which
part of the audit trail); ``Report.objects.visible_to`` (reports/models.py) is built from them.

The rule (DESIGN.md):

1. A member sees everything of their own country team in the operations they belong to.
2. Coordinators of an operation see everything in it.
3. Other teams of the same operation see a record only if it is shared. Platform checks,
   detected URLs and social accounts are shared with the operation by default; cases,
   suspects, victims and evidence only when their case is shared with the team (a
   django-guardian group permission) — sharing a case shares what hangs off it.
4. Prosecutors see the cases shared with them by name (a guardian user permission), with
   what hangs off those cases, and nothing else; they never write.
5. Analysts change their own team's records, coordinators anything in their operation;
   closed and archived operations are read-only.

Guardian holds only the explicit shares, a few rows per case; the country-team part is a
plain filter on the indexed (operation, team) columns.

This module imports no model of its own app: the models build their querysets from it. It reads a
user's memberships through ``user.memberships`` and asks a finding model for its case's shares
(``TeamOwned.shared_case_ids``), so the rule needs no import of the findings app above it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from audit.models import AuditEvent

from .choices import READ_ONLY_STATUSES, OperationStatus, Role

VIEW_CASE = "view_case"
AUDITOR_PERMISSION = "audit.view_auditevent"


def team_group_name(team: str) -> str:
    """The guardian group that stands for one country team when a case is shared with it."""
    return f"team:{team}"


@dataclass
class Reach:
    """What one user's memberships open up, grouped by role."""

    coordinated: set[int] = field(default_factory=set)
    analyst_ops_by_team: dict[str, set[int]] = field(default_factory=dict)
    prosecuted: set[int] = field(default_factory=set)

    @property
    def analyst_ops(self) -> set[int]:
        return set().union(*self.analyst_ops_by_team.values()) if self.analyst_ops_by_team else set()


def _kept(user, key, load):
    """``load()``, read once per user object and kept on it, as Django keeps permissions there
    (``user._perm_cache``). ``request.user`` lives for one request and a job loads its own user,
    so the six to ten checks of a page (every ``visible_to``, ``may_change``, the navigation) cost
    one query each for the memberships and the shares, and a request sees one consistent answer.
    Code that changes memberships or shares and then asks again about the *same* user object
    calls ``forget_access(user)`` first (``operations.services`` does for memberships).
    """
    kept = user.__dict__.setdefault("_actionday_access", {})
    if key not in kept:
        kept[key] = load()
    return kept[key]


def forget_access(user) -> None:
    """Forget what ``_kept`` holds for this user object: the next check reads the database again."""
    user.__dict__.pop("_actionday_access", None)


def memberships_of(user) -> dict:
    """The user's memberships by operation id, each with its operation."""
    if not user.is_authenticated:
        return {}
    return _kept(user, "memberships", lambda: {
        m.operation_id: m for m in user.memberships.select_related("operation")
    })


def reach_of(user) -> Reach:
    reach = Reach()
    for operation_id, membership in memberships_of(user).items():
        if membership.role == Role.COORDINATOR:
            reach.coordinated.add(operation_id)
        elif membership.role == Role.ANALYST:
            reach.analyst_ops_by_team.setdefault(membership.team, set()).add(operation_id)
        elif membership.role == Role.PROSECUTOR:
            reach.prosecuted.add(operation_id)
    return reach


def cases_shared_with_team(user, model, team: str, operation_ids) -> list[int]:
    """The ids of the cases of ``operation_ids`` shared with ``team`` (``user`` is an analyst of it).

    A list of ids rather than a subquery: building the guardian subquery into every query costs
    Django about a millisecond each time, several times a page; the ids cost one small query.
    Only the user's operations: a team's shares of every operation of every year would make a
    long list of ids that no query of theirs can use.
    """
    return _kept(user, ("shared with team", team, frozenset(operation_ids)), lambda: model.shared_case_ids(
        operation_ids=operation_ids, group_name=team_group_name(team),
    ))


def cases_shared_with_user(user, model, operation_ids) -> list[int]:
    """The ids of the cases of ``operation_ids`` shared with ``user`` by name (a prosecutor)."""
    return _kept(user, ("shared with user", frozenset(operation_ids)), lambda: model.shared_case_ids(
        operation_ids=operation_ids, user=user,
    ))


@dataclass(frozen=True)
class Part:
    """One reason to see a row: it is in one of ``operation_ids`` and, when given, of ``team`` or
    hanging off one of the cases ``case_ids`` (none: every row of those operations)."""

    operation_ids: frozenset
    team: str | None = None
    case_ids: tuple | None = None

    def q(self, case_path) -> Q:
        if self.team is not None:
            return Q(operation_id__in=self.operation_ids, team=self.team)
        if self.case_ids is not None:
            return Q(operation_id__in=self.operation_ids, **{f"{case_path}__in": self.case_ids})
        return Q(operation_id__in=self.operation_ids)

    def sql(self, case_column: str | None) -> tuple[str, list]:
        """The same condition as SQL on the model's table, for the one hand-written read of the
        workspace list (findings/workspace.py, ``_newest_sql``); a test checks that both agree."""
        if self.team is not None:
            return "operation_id = ANY(%s) AND team = %s", [sorted(self.operation_ids), self.team]
        if self.case_ids is not None:
            return f"operation_id = ANY(%s) AND {case_column} = ANY(%s)", [sorted(self.operation_ids),
                                                                           list(self.case_ids)]
        return "operation_id = ANY(%s)", [sorted(self.operation_ids)]


def visibility_rule_parts(model, user) -> list[Part]:
    """The rule for ``model`` as a list of parts; a row is visible if it meets any of them.

    Each part is one reason to see a row (coordinating the operation, being of the row's team,
    a share with the team or with the prosecutor). ``visibility_filter`` is their OR; the
    workspace list reads each part on its own, which lets PostgreSQL walk one index per part
    newest-first and stop after a page, instead of skipping the rows of every other team.
    """
    if not user.is_authenticated:
        return []
    reach = reach_of(user)
    case_path = model.case_path  # "pk" for Case, "case_id" for what hangs off a case, None otherwise
    parts = []
    if reach.coordinated:
        parts.append(Part(frozenset(reach.coordinated)))
    if reach.analyst_ops_by_team and model.shared_with_operation:
        parts.append(Part(frozenset(reach.analyst_ops)))  # their own team's records are among them
    else:
        for team, operation_ids in reach.analyst_ops_by_team.items():
            parts.append(Part(frozenset(operation_ids), team=team))
            if case_path:
                shared = cases_shared_with_team(user, model, team, operation_ids)
                if shared:
                    parts.append(Part(frozenset(operation_ids), case_ids=tuple(shared)))
    if reach.prosecuted and case_path:
        shared = cases_shared_with_user(user, model, reach.prosecuted)
        if shared:
            parts.append(Part(frozenset(reach.prosecuted), case_ids=tuple(shared)))
    return parts


def visibility_parts(model, user) -> list[Q]:
    """``visibility_rule_parts`` as Q objects, one per part."""
    return [part.q(model.case_path) for part in visibility_rule_parts(model, user)]


def visibility_filter(model, user) -> Q:
    """The Q object that keeps exactly the rows of ``model`` that ``user`` may see."""
    q = Q(pk__in=[])
    for part in visibility_parts(model, user):
        q |= part
    return q


def change_filter(user) -> Q:
    """The Q object that keeps exactly the records ``may_change`` lets ``user`` change (rule 5).

    Coordinators: every record of the operations they coordinate; analysts: their own team's
    records; nobody: records of closed or archived operations; prosecutors: nothing.
    """
    q = Q(pk__in=[])
    reach = reach_of(user)
    if reach.coordinated:
        q |= Q(operation_id__in=reach.coordinated)
    for team, operation_ids in reach.analyst_ops_by_team.items():
        q |= Q(operation_id__in=operation_ids, team=team)
    # The operations' status is read now, not from the memberships kept on the user object.
    return q & ~Q(operation__status__in=READ_ONLY_STATUSES)


class FindingQuerySet(models.QuerySet):
    """Queryset of every model that holds findings; ``visible_to`` is the access rule."""

    def visible_to(self, user):
        return self.filter(visibility_filter(self.model, user))

    def visible_to_in_parts(self, user) -> list:
        """``visible_to`` as one queryset per part of the rule; together they hold exactly its rows,
        a row possibly in more than one. For reading the newest rows a page at a time."""
        return [self.filter(part) for part in visibility_parts(self.model, user)]

    def changeable_by(self, user):
        """The records ``user`` may change: ``may_change`` as a filter, for lists of write targets."""
        return self.filter(change_filter(user))

    def in_operation(self, operation):
        return self.filter(operation=operation)


class OperationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Operations the user is a member of, in any role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def coordinated_by(self, user):
        """Operations the user coordinates: the dashboard's, the figures', the set-up pages' (rule 2)."""
        return self.filter(pk__in=reach_of(user).coordinated)

    def active(self):
        return self.filter(status=OperationStatus.ACTIVE)

    def managed_by(self, user):
        """Operations whose people and status the user manages: all for administrators, else those they
        coordinate (the set-up pages' memberships, sign-up links and status moves)."""
        if not user.is_authenticated:
            return self.none()
        return self.all() if user.is_staff else self.coordinated_by(user)

    def set_up_by(self, user):
        """Operations the user sets up (participants, focus tags): all for administrators, else those
        whose lead coordinator they are (``is_lead_coordinator``)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        led = [pk for pk, m in memberships_of(user).items()
               if m.role == Role.COORDINATOR and m.agency_id == m.operation.lead_agency_id]
        return self.filter(pk__in=led)


def membership_by_code(user, code: str):
    """The user's membership in the operation ``code`` (None alike for "no such operation" and "not yours")."""
    return next((m for m in memberships_of(user).values() if m.operation.code == code), None)


def membership_in(user, operation):
    """The user's membership in ``operation`` (an operation or its id), or None."""
    return memberships_of(user).get(getattr(operation, "pk", operation))


def may_log_in(user, operation) -> bool:
    """Whether the user may create findings in the operation (for their own team)."""
    if operation.is_read_only:
        return False
    membership = membership_in(user, operation)
    return membership is not None and membership.role in (Role.ANALYST, Role.COORDINATOR)


def may_change(user, record) -> bool:
    """Whether the user may change (or transition, or delete) this finding."""
    operation = record.operation
    if operation.is_read_only:
        return False
    membership = membership_in(user, operation)
    if membership is None:
        return False
    if membership.role == Role.COORDINATOR:
        return True
    if membership.role == Role.ANALYST:
        return record.team == membership.team
    return False


def require_change(user, record):
    """Raise PermissionDenied unless ``may_change``; return the user's membership."""
    if not may_change(user, record):
        if record.operation.is_read_only:
            raise PermissionDenied(f"Operation {record.operation.code} is {record.operation.status}: read-only.")
        raise PermissionDenied("You may not change this record.")
    return membership_in(user, record.operation)


def require_log_in(user, operation):
    if not may_log_in(user, operation):
        if operation.is_read_only:
            raise PermissionDenied(f"Operation {operation.code} is {operation.status}: read-only.")
        raise PermissionDenied("You may not log findings in this operation.")
    return membership_in(user, operation)


def is_coordinator(user, operation) -> bool:
    """Whether the user coordinates ``operation`` (an operation or its id); one gate for every page and job."""
    membership = membership_in(user, operation)
    return membership is not None and membership.role == Role.COORDINATOR


def require_coordinator(user, operation) -> None:
    if not is_coordinator(user, operation):
        raise PermissionDenied("Only the operation's coordinators may do this.")


# --- setting an operation up (the setup app's pages and API) ------------------------------------------
#
# Administrators set up anything. Of the members, the *lead coordinator* — a coordinator whose agency is
# the operation's lead agency — sets up their operation's participants and focus tags and edits the
# platform catalogue; every coordinator manages the people (memberships, sign-up links) and the status.


def is_lead_coordinator(user, operation) -> bool:
    membership = membership_in(user, operation)
    return (membership is not None and membership.role == Role.COORDINATOR
            and membership.agency_id is not None and membership.agency_id == membership.operation.lead_agency_id)


def may_set_up(user, operation) -> bool:
    """Participants and focus tags of ``operation``: administrators and its lead coordinator."""
    return user.is_authenticated and (user.is_staff or is_lead_coordinator(user, operation))


def may_manage(user, operation) -> bool:
    """Memberships, sign-up links and status of ``operation``: administrators and its coordinators."""
    return user.is_authenticated and (user.is_staff or is_coordinator(user, operation))


def may_create_operations(user) -> bool:
    """Administrators, and holders of ``operations.add_operation`` (a lead country's coordinator, say,
    given it through a group in the admin)."""
    return user.is_authenticated and (user.is_staff or user.has_perm("operations.add_operation"))


def may_edit_catalogue(user) -> bool:
    """The platform catalogue is shared by every operation: administrators, and the lead coordinator of
    an operation that is not over yet."""
    if not user.is_authenticated:
        return False
    return user.is_staff or any(
        is_lead_coordinator(user, m.operation) and not m.operation.is_read_only for m in memberships_of(user).values()
    )


def require_create_operations(user) -> None:
    if not may_create_operations(user):
        raise PermissionDenied("Only an administrator, or who was given the right to, creates operations.")


def require_set_up(user, operation) -> None:
    if not may_set_up(user, operation):
        raise PermissionDenied("Only an administrator or the operation's lead coordinator may set it up.")


def require_manage(user, operation) -> None:
    if not may_manage(user, operation):
        raise PermissionDenied("Only the operation's coordinators or an administrator may do this.")


def require_catalogue_editor(user) -> None:
    if not may_edit_catalogue(user):
        raise PermissionDenied("Only an administrator or an operation's lead coordinator may edit the catalogue.")


def is_auditor(user) -> bool:
    """An auditor reads the whole audit trail: a holder of ``audit.view_auditevent`` (best through a group)."""
    return user.is_authenticated and user.has_perm(AUDITOR_PERMISSION)


def audit_events_visible_to(user):
    """The audit events ``user`` may read: auditors all of them, coordinators their operations', others none.

    The trail names records by type and id only, never their content, so reading it discloses no
    personal data.
    """
    if is_auditor(user):
        return AuditEvent.objects.all()
    coordinated = reach_of(user).coordinated
    if not coordinated:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(operation_id__in=coordinated)

