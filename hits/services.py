"""Answering a cross-border hit: share the case behind it with the other team, or decline.

Each side answers for itself and only the team that holds a selector answers for it: the
decision to pass on a case (its handling code, an ongoing covert measure) is the owner's.
Both answers are audited; sharing goes through ``case_share_with_team``, so a shared case is
shared exactly as from the case page.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import audit
from api.base import StateConflict
from findings.models import Case, Hit, Selector
from findings.selector_rows import FINDING_TYPES, SIDE_TYPES
from findings.services import case_share_with_team
from identifiers.canonical import defang
from operations.access import memberships_of
from operations.countries import country_name
from operations.models import Membership
from partners.models import WatchList, WatchListEntry

MAX_REASON = 500


def selector_finding(selector: Selector):
    """The finding a selector was read from (a case's own selectors: the case)."""
    for name in SIDE_TYPES:
        if getattr(selector, f"{name}_id"):
            return getattr(selector, name)
    return selector.case


def _answering_memberships(user, operation_ids) -> list[tuple[int, str]]:
    answering = (Membership.Role.ANALYST, Membership.Role.COORDINATOR)
    return [(operation_id, membership.team) for operation_id, membership in memberships_of(user).items()
            if operation_id in operation_ids and membership.role in answering]


def side_of(hit: Hit, user, *, memberships=None) -> str | None:
    """The side ("a" or "b") the user answers for, or None: a member of that side's team in the
    operation of that side's selector or in the operation where the hit was found."""
    if memberships is None:
        memberships = _answering_memberships(user, {hit.operation_id, hit.operation_a_id, hit.operation_b_id})
    for side in ("a", "b"):
        reach = {getattr(hit, f"operation_{side}_id"), hit.operation_id}
        if any(team == getattr(hit, f"team_{side}") and op in reach for op, team in memberships):
            return side
    return None


def _other(side: str) -> str:
    return "b" if side == "a" else "a"


def _locked_hit_for(user, hit: Hit) -> tuple[Hit, str]:
    if not Hit.objects.visible_to(user).filter(pk=hit.pk).exists():
        raise PermissionDenied("You may not answer this hit.")
    side = side_of(hit, user)
    if side is None:
        raise PermissionDenied("Only the team that holds the selector answers for it.")
    return Hit.objects.select_for_update().get(pk=hit.pk), side


def hit_share(*, user, hit: Hit) -> Hit:
    """Share the user's case behind the hit with the other team (one click from the hit)."""
    with transaction.atomic():
        hit, side = _locked_hit_for(user, hit)
        if getattr(hit, f"answer_{side}") == Hit.Answer.SHARED:
            return hit
        finding = selector_finding(getattr(hit, f"selector_{side}"))
        if finding is None:
            raise ValidationError("Your side of this hit is an entry of a watch list: there is no case to share.")
        case = finding if isinstance(finding, Case) else finding.case
        if case is None:
            raise ValidationError(
                f"Your {finding._meta.verbose_name} is not linked to a case yet: link it to a case, then share."
            )
        other_team = getattr(hit, f"team_{_other(side)}")
        case_share_with_team(user=user, case=case, team=other_team)
        setattr(hit, f"answer_{side}", Hit.Answer.SHARED)
        setattr(hit, f"answered_at_{side}", timezone.now())
        hit.save(update_fields=[f"answer_{side}", f"answered_at_{side}"])
        audit.record(
            actor=user,
            action="disclose",
            obj=hit,
            operation=hit.operation_id,
            team=getattr(hit, f"team_{side}"),
            summary=f"hit answered: case shared with team {other_team}",
        )
    return hit


def hit_decline(*, user, hit: Hit, reason: str) -> Hit:
    """Decline to share, with a reason both teams and the coordinators will read.

    The reason is also the audit event's justification, which outlives the erasure of the
    operation's records (as a victim's justification does): the form asks to name no one.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why you decline: the other team and the coordinators will read it.")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Keep the reason under {MAX_REASON} characters.")
    with transaction.atomic():
        hit, side = _locked_hit_for(user, hit)
        if getattr(hit, f"answer_{side}") != Hit.Answer.OPEN:
            raise StateConflict("Your team has already answered this hit.")
        setattr(hit, f"answer_{side}", Hit.Answer.DECLINED)
        setattr(hit, f"reason_{side}", reason)
        setattr(hit, f"answered_at_{side}", timezone.now())
        hit.save(update_fields=[f"answer_{side}", f"reason_{side}", f"answered_at_{side}"])
        audit.record(
            actor=user,
            action="combine",
            obj=hit,
            operation=hit.operation_id,
            team=getattr(hit, f"team_{side}"),
            summary=f"hit answered: declined to share with team {getattr(hit, f'team_{_other(side)}')}",
            justification=reason,
        )
    return hit


# --- what a page may show of a hit -------------------------------------------------------------


@dataclass
class HitSide:
    side: str
    team: str
    team_name: str
    operation_code: str
    answer: str
    answer_display: str
    reason: str
    answered_at: object
    mine: bool  # the viewer answers for this side
    finding_label: str = ""  # only when the viewer may see the finding itself
    finding_link: str = ""
    finding_kind: str = ""  # "case", "suspect", ...: with the id, only when the viewer may see the finding
    finding_id: int | None = None
    case_id: int | None = None  # the finding's case, only when the viewer may see that case
    case_reference: str = ""
    can_share: bool = False
    share_note: str = ""  # why the viewer cannot share from here
    operation_id: int | None = None
    watch_list_id: int | None = None  # the side is a watch-list entry: its list, only when the viewer may see it
    watch_list_name: str = ""


@dataclass
class HitRow:
    hit: Hit
    kind_display: str
    value_display: str
    sides: list[HitSide]

    @property
    def mine(self) -> HitSide | None:
        return next((s for s in self.sides if s.mine), None)

    @property
    def others(self) -> list[HitSide]:
        return [s for s in self.sides if not s.mine]


def _label(name: str, finding) -> str:
    if name == "case":
        return f"Case {finding.reference}"
    if name == "suspect":
        return f"Suspect {finding.alias}"
    if name == "victim":
        return f"Possible victim {finding.code}"
    if name == "url":
        return f"URL {defang(finding.url)}"
    if name == "location":
        return f"Location {finding}"
    return f"Account {finding.platform}: {finding.handle}"


def _link(name: str, finding, code: str) -> str:
    # The workspace's pages, when they are installed; a label without a link otherwise.
    try:
        if name == "case":
            return reverse("case_detail", kwargs={"code": code, "reference": finding.reference})
        return reverse("finding_detail", kwargs={"code": code, "kind": name, "pk": finding.pk})
    except NoReverseMatch:
        return ""


def _watch_lists_of(hits, user) -> dict[int, WatchList]:
    """The watch list behind each selector of the hits that is a list's entry, when the user may see
    that list (its team and the coordinators): another team learns no more than kind, value and team."""
    selector_ids = {s for hit in hits for s in (hit.selector_a_id, hit.selector_b_id)}
    entries = dict(WatchListEntry.objects.filter(selector_id__in=selector_ids).values_list("selector_id",
                                                                                          "watch_list_id"))
    if not entries:
        return {}
    visible = {w.pk: w for w in WatchList.objects.visible_to(user).filter(pk__in=set(entries.values()))}
    return {selector_id: visible[list_id] for selector_id, list_id in entries.items() if list_id in visible}


def hit_rows(hits, *, user) -> list[HitRow]:
    """The hits as the user may see them.

    The other team's side shows only team, operation and answer. Which finding a selector sits
    on (and its case) is shown only when the user may see that finding under the access rule —
    their own, or the other team's once it is shared.
    """
    if hasattr(hits, "select_related"):
        hits = hits.select_related("operation_a", "operation_b", "selector_a", "selector_b")
    hits = list(hits)
    by_type: dict[str, set[int]] = {}
    finding_of: dict[int, tuple[str, int]] = {}
    for hit in hits:
        for selector in (hit.selector_a, hit.selector_b):
            name = next((n for n in SIDE_TYPES if getattr(selector, f"{n}_id")), "case")
            finding_of[selector.pk] = (name, getattr(selector, f"{name}_id"))
            by_type.setdefault(name, set()).add(getattr(selector, f"{name}_id"))
    visible = {}
    for name, ids in by_type.items():
        queryset = FINDING_TYPES[name].objects.visible_to(user).filter(pk__in=ids)
        if name != "case":
            queryset = queryset.select_related("case", *(["platform"] if name == "account" else []))
        visible.update({(name, f.pk): f for f in queryset})
    # A finding may be seen while its case is not (a URL is shared with the operation, its case is not).
    case_ids = {f.pk if name == "case" else f.case_id for (name, _), f in visible.items()} - {None}
    visible_cases = set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    lists = _watch_lists_of(hits, user)
    operation_ids = {op for hit in hits for op in (hit.operation_id, hit.operation_a_id, hit.operation_b_id)}
    memberships = _answering_memberships(user, operation_ids)
    rows = []
    for hit in hits:
        my_side = side_of(hit, user, memberships=memberships)
        sides = []
        for side in ("a", "b"):
            selector = getattr(hit, f"selector_{side}")
            operation = getattr(hit, f"operation_{side}")
            name, finding_id = finding_of[selector.pk]
            finding = visible.get((name, finding_id))
            case = None if finding is None else (finding if name == "case" else finding.case)
            shown_case = case if case is not None and case.pk in visible_cases else None
            answer = getattr(hit, f"answer_{side}")
            note = ""
            watch_list = lists.get(selector.pk)
            if side == my_side and answer != Hit.Answer.SHARED:
                if selector.case_id is None and finding_id is None:
                    note = "A watch-list entry: there is no case to share."
                elif operation.is_read_only:
                    note = f"Operation {operation.code} is {operation.status}: its cases can no longer be shared."
                elif finding is not None and case is None:
                    note = "Link your finding to a case to share it from here."
            sides.append(
                HitSide(
                    side=side,
                    team=getattr(hit, f"team_{side}"),
                    team_name=country_name(getattr(hit, f"team_{side}")),
                    operation_code=operation.code,
                    operation_id=operation.pk,
                    answer=answer,
                    answer_display=Hit.Answer(answer).label,
                    reason=getattr(hit, f"reason_{side}"),
                    answered_at=getattr(hit, f"answered_at_{side}"),
                    mine=side == my_side,
                    finding_label=_label(name, finding) if finding else "",
                    finding_link=_link(name, finding, operation.code) if finding else "",
                    finding_kind=name if finding else "",
                    finding_id=finding.pk if finding else None,
                    case_id=shown_case.pk if shown_case else None,
                    case_reference=shown_case.reference if shown_case else "",
                    can_share=side == my_side and answer != Hit.Answer.SHARED and case is not None
                    and not operation.is_read_only,
                    share_note=note,
                    watch_list_id=watch_list.pk if watch_list else None,
                    watch_list_name=watch_list.name if watch_list else "",
                )
            )
        value = defang(hit.value) if hit.kind in (Selector.Kind.URL, Selector.Kind.URL_HOST) else hit.value
        rows.append(HitRow(hit=hit, kind_display=hit.get_kind_display(), value_display=value, sides=sides))
    return rows
