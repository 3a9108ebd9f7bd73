"""The access rule — the one choke point for who sees and who changes a finding.

Every page, API view, export, statistics drill-down and PDF builder reads findings through
``Model.objects.visible_to(user)`` and asks ``may_change(user, record)`` before a write.
No view filters by team by hand.

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
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from .models import Membership, Operation

VIEW_CASE = "view_case"


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


def reach_of(user) -> Reach:
    reach = Reach()
    if not user.is_authenticated:
        return reach
    for operation_id, role, team in Membership.objects.filter(user=user).values_list("operation_id", "role", "team"):
        if role == Membership.Role.COORDINATOR:
            reach.coordinated.add(operation_id)
        elif role == Membership.Role.ANALYST:
            reach.analyst_ops_by_team.setdefault(team, set()).add(operation_id)
        elif role == Membership.Role.PROSECUTOR:
            reach.prosecuted.add(operation_id)
    return reach


def _cases_shared_with_teams(teams):
    from findings.models import CaseGroupObjectPermission

    return CaseGroupObjectPermission.objects.filter(
        group__name__in=[team_group_name(t) for t in teams], permission__codename=VIEW_CASE
    ).values("content_object_id")


def _cases_shared_with_user(user):
    from findings.models import CaseUserObjectPermission

    return CaseUserObjectPermission.objects.filter(user=user, permission__codename=VIEW_CASE).values(
        "content_object_id"
    )


def visibility_filter(model, user) -> Q:
    """The Q object that keeps exactly the rows of ``model`` that ``user`` may see."""
    nothing = Q(pk__in=[])
    if not user.is_authenticated:
        return nothing
    reach = reach_of(user)
    case_path = model.case_path  # "pk" for Case, "case_id" for what hangs off a case, None otherwise
    q = nothing
    if reach.coordinated:
        q |= Q(operation_id__in=reach.coordinated)
    for team, operation_ids in reach.analyst_ops_by_team.items():
        q |= Q(operation_id__in=operation_ids, team=team)
    if reach.analyst_ops_by_team:
        if model.shared_with_operation:
            q |= Q(operation_id__in=reach.analyst_ops)
        elif case_path:
            for team, operation_ids in reach.analyst_ops_by_team.items():
                q |= Q(operation_id__in=operation_ids, **{f"{case_path}__in": _cases_shared_with_teams([team])})
    if reach.prosecuted and case_path:
        q |= Q(operation_id__in=reach.prosecuted, **{f"{case_path}__in": _cases_shared_with_user(user)})
    return q


def change_filter(user) -> Q:
    """The Q object that keeps exactly the records ``may_change`` lets ``user`` change (rule 5).

    Coordinators: every record of the operations they coordinate; analysts: their own team's
    records; nobody: records of closed or archived operations; prosecutors: nothing.
    """
    q = Q(pk__in=[])
    if not user.is_authenticated:
        return q
    writable = (
        Membership.objects.filter(user=user, role__in=(Membership.Role.ANALYST, Membership.Role.COORDINATOR))
        .exclude(operation__status__in=Operation.READ_ONLY_STATUSES)
        .values_list("operation_id", "role", "team")
    )
    coordinated, analysed = set(), {}
    for operation_id, role, team in writable:
        if role == Membership.Role.COORDINATOR:
            coordinated.add(operation_id)
        else:
            analysed.setdefault(team, set()).add(operation_id)
    if coordinated:
        q |= Q(operation_id__in=coordinated)
    for team, operation_ids in analysed.items():
        q |= Q(operation_id__in=operation_ids, team=team)
    return q


class FindingQuerySet(models.QuerySet):
    """Queryset of every model that holds findings; ``visible_to`` is the access rule."""

    def visible_to(self, user):
        return self.filter(visibility_filter(self.model, user))

    def changeable_by(self, user):
        """The records ``user`` may change: ``may_change`` as a filter, for lists of write targets."""
        return self.filter(change_filter(user))

    def in_operation(self, operation):
        return self.filter(operation=operation)


def membership_in(user, operation) -> Membership | None:
    if not user.is_authenticated:
        return None
    operation_id = operation.pk if isinstance(operation, Operation) else operation
    return Membership.objects.filter(user=user, operation_id=operation_id).first()


def may_log_in(user, operation) -> bool:
    """Whether the user may create findings in the operation (for their own team)."""
    if operation.is_read_only:
        return False
    membership = membership_in(user, operation)
    return membership is not None and membership.role in (Membership.Role.ANALYST, Membership.Role.COORDINATOR)


def may_change(user, record) -> bool:
    """Whether the user may change (or transition, or delete) this finding."""
    operation = record.operation
    if operation.is_read_only:
        return False
    membership = membership_in(user, operation)
    if membership is None:
        return False
    if membership.role == Membership.Role.COORDINATOR:
        return True
    if membership.role == Membership.Role.ANALYST:
        return record.team == membership.team
    return False


def require_change(user, record) -> Membership:
    """Raise PermissionDenied unless ``may_change``; return the user's membership."""
    if not may_change(user, record):
        if record.operation.is_read_only:
            raise PermissionDenied(f"Operation {record.operation.code} is {record.operation.status}: read-only.")
        raise PermissionDenied("You may not change this record.")
    return membership_in(user, record.operation)


def require_log_in(user, operation) -> Membership:
    if not may_log_in(user, operation):
        if operation.is_read_only:
            raise PermissionDenied(f"Operation {operation.code} is {operation.status}: read-only.")
        raise PermissionDenied("You may not log findings in this operation.")
    return membership_in(user, operation)


def is_coordinator(user, operation) -> bool:
    membership = membership_in(user, operation)
    return membership is not None and membership.role == Membership.Role.COORDINATOR

