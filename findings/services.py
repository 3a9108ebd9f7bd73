"""Writes to findings: log, change, link, move through states and share.

Every function checks the access rule first (``operations.access``), validates, saves and
records the audit event in one transaction. Pages, API and jobs all call these; none of them
writes a finding by itself.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

import audit
from audit.trail import record_many
from identifiers.canonical import InvalidUrl, canonical_handle, canonical_url, platform_host_candidates
from operations.access import VIEW_CASE, membership_in, require_change, require_log_in, team_group_name
from operations.models import Membership, Operation
from operations.services import focus_tags_named, team_record_delete
from operations.transitions import require_move
from platforms.models import Platform, PlatformDomain

from .models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    DetectedUrl,
    Evidence,
    Location,
    PossibleVictim,
    SocialAccount,
    Suspect,
)
from .selector_rows import selectors_refresh_later, selectors_store_new

CASE_MOVES = {
    Case.Status.OPEN: {Case.Status.REFERRED, Case.Status.CLOSED},
    Case.Status.REFERRED: {Case.Status.INVESTIGATION_OPENED, Case.Status.CLOSED},
    Case.Status.INVESTIGATION_OPENED: {Case.Status.CLOSED},
    Case.Status.CLOSED: set(),
}

CASE_EDITABLE_FIELDS = {
    "title",
    "summary",
    "exploitation_type",
    "source_reliability",
    "information_assessment",
    "handling_code",
    "handling_restrictions",
}


class EditConflict(ValidationError):
    """The record changed since the user loaded it; their save would overwrite someone's work."""

    def __init__(self, record, expected_version):
        self.current = record
        super().__init__(
            f"{record} was changed by someone else since you opened it (version {expected_version}, "
            f"now {record.version}). Your changes were not saved: review the current version and apply them again."
        )


def _changed(record, names) -> str:
    """ "changed display name, note": the fields as the forms name them, not as the code does."""
    return "changed " + ", ".join(str(record._meta.get_field(name).verbose_name) for name in names)


def _save_new(record, *, user, summary):
    record.full_clean()
    record.save()
    audit.record(actor=user, action="collect", obj=record, summary=summary)
    return record


def _new_finding(model, *, user, operation, **fields):
    membership = require_log_in(user, operation)
    return model(operation=operation, team=membership.team, created_by=user, **fields)


def _require_same_operation(record, case):
    if case is not None and case.operation_id != record.operation_id:
        raise ValidationError("A finding can only be linked to a case of the same operation.")


def _require_linkable(user, case, operation):
    """Logging a finding onto a case changes that case: the user must be allowed to change it."""
    if case is None:
        return
    if case.operation_id != operation.pk:
        raise ValidationError("A finding can only be linked to a case of the same operation.")
    require_change(user, case)


# --- cases -------------------------------------------------------------------------------------


def case_create(*, user, operation: Operation, title: str, exploitation_type: str, focus_tags=(), **fields) -> Case:
    unknown = set(fields) - CASE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown case fields: {', '.join(sorted(unknown))}")
    case = _new_finding(
        Case, user=user, operation=operation, title=title, exploitation_type=exploitation_type, **fields
    )
    tags = focus_tags_named(operation, focus_tags)
    with transaction.atomic():
        _save_new(case, user=user, summary="case opened")
        case.focus_tags.set(tags)
        selectors_refresh_later(case)
    return case


def case_focus_tags_set(*, user, case: Case, focus_tags) -> None:
    """Replace the focus tags of a case (names of the operation's tags)."""
    tags = focus_tags_named(case.operation, focus_tags)
    require_change(user, case)
    with transaction.atomic():
        case.focus_tags.set(tags)
        names = ", ".join(sorted(t.name for t in tags)) or "none"
        audit.record(actor=user, action="alter", obj=case, summary=f"focus tags: {names}")


def case_update(*, user, case: Case, expected_version: int, **changes) -> Case:
    """Change a case's editable fields; refused with EditConflict if it changed in between."""
    unknown = set(changes) - CASE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"These case fields cannot be changed here: {', '.join(sorted(unknown))}")
    require_change(user, case)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.version != expected_version:
            raise EditConflict(current, expected_version)
        changed = sorted(name for name, value in changes.items() if getattr(current, name) != value)
        for name in changed:
            setattr(current, name, changes[name])
        if not changed:
            return current
        current.version += 1
        current.full_clean()
        current.save()
        audit.record(actor=user, action="alter", obj=current, summary=_changed(current, changed))
        selectors_refresh_later(current)
    return current


def _move_case(*, user, case: Case, target: str, why: str = "", **extra) -> Case:
    require_change(user, case)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        previous = require_move(case, target, CASE_MOVES)
        case.status = target
        for name, value in extra.items():
            setattr(case, name, value)
        case.version += 1
        case.full_clean()
        case.save()
        labels = dict(Case.Status.choices)
        summary = f"case {labels.get(previous, previous).lower()} → {labels[target].lower()}"
        summary += f" ({why})" if why else ""
        audit.record(actor=user, action="alter", obj=case, summary=summary)
    return case


def case_refer(*, user, case: Case, referred_to: str) -> Case:
    """Hand the case to a national authority for follow-up. The authority is the case's content: the
    timeline shows the move, the case its authority."""
    referred_to = referred_to.strip()
    if not referred_to:
        raise ValidationError("Say which authority the case is referred to.")
    return _move_case(user=user, case=case, target=Case.Status.REFERRED, referred_to=referred_to)


def case_open_investigation(*, user, case: Case) -> Case:
    return _move_case(user=user, case=case, target=Case.Status.INVESTIGATION_OPENED,
                      investigation_opened_at=timezone.now())


def case_close(*, user, case: Case, reason: str, note: str = "") -> Case:
    """Close a case for one of the fixed reasons; "other" needs a note. The timeline names the reason,
    never the note (the audit trail keeps no content of a record)."""
    if reason not in Case.CloseReason.values:
        raise ValidationError({"reason": f"Choose why the case is closed: {', '.join(Case.CloseReason.values)}."})
    note = note.strip()
    if reason == Case.CloseReason.OTHER and not note:
        raise ValidationError({"note": "Say in a note why the case is closed."})
    return _move_case(user=user, case=case, target=Case.Status.CLOSED, why=Case.CloseReason(reason).label,
                      close_reason=reason, close_note=note)


# --- sharing -----------------------------------------------------------------------------------


def case_share_with_team(*, user, case: Case, team: str) -> None:
    """Let another country team of the operation see the case and what hangs off it."""
    require_change(user, case)
    if team == case.team:
        raise ValidationError("The case already belongs to that team.")
    if not Membership.objects.filter(operation_id=case.operation_id, team=team).exists():
        raise ValidationError(f"No team {team} takes part in operation {case.operation}.")
    group, _ = Group.objects.get_or_create(name=team_group_name(team))
    with transaction.atomic():
        assign_perm(VIEW_CASE, group, case)
        audit.record(actor=user, action="disclose", obj=case, summary=f"case shared with team {team}")


def case_unshare_with_team(*, user, case: Case, team: str) -> None:
    require_change(user, case)
    group = Group.objects.filter(name=team_group_name(team)).first()
    if group is None:
        return
    with transaction.atomic():
        remove_perm(VIEW_CASE, group, case)
        audit.record(actor=user, action="alter", obj=case, summary=f"share with team {team} withdrawn")


def case_share_with_prosecutor(*, user, case: Case, prosecutor) -> None:
    """Give a named prosecutor of the operation read access to the case."""
    require_change(user, case)
    membership = membership_in(prosecutor, case.operation_id)
    if membership is None or membership.role != Membership.Role.PROSECUTOR:
        raise ValidationError(f"{prosecutor} is not a prosecutor in operation {case.operation}.")
    with transaction.atomic():
        assign_perm(VIEW_CASE, prosecutor, case)
        audit.record(
            actor=user, action="disclose", obj=case, summary=f"case shared with prosecutor {prosecutor.get_username()}"
        )


def case_unshare_with_prosecutor(*, user, case: Case, prosecutor) -> None:
    require_change(user, case)
    with transaction.atomic():
        remove_perm(VIEW_CASE, prosecutor, case)
        audit.record(
            actor=user, action="alter", obj=case, summary=f"share with prosecutor {prosecutor.get_username()} withdrawn"
        )


def share_prosecutor_named(*, case: Case, pk: int | None = None, username: str | None = None):
    """The prosecutor a share of ``case`` may name: one of its operation, or one it is shared with already.

    None alike for a user who does not exist and one who is no prosecutor here, so that a form that takes
    an id or a name never answers with the name of someone the sender may not see.
    """
    candidates = CaseUserObjectPermission.objects.filter(content_object=case).values("user_id").union(
        Membership.objects.filter(operation_id=case.operation_id, role=Membership.Role.PROSECUTOR).values("user_id")
    )
    users = get_user_model().objects.filter(pk__in=[row["user_id"] for row in candidates])
    if pk is not None:
        return users.filter(pk=pk).first()
    return users.filter(username=username).first() if username else None


def case_shares(case: Case) -> dict:
    """Who a case is shared with: {"teams": [...], "prosecutors": [users]}."""
    teams = CaseGroupObjectPermission.objects.filter(content_object=case, permission__codename=VIEW_CASE)
    users = CaseUserObjectPermission.objects.filter(content_object=case, permission__codename=VIEW_CASE)
    return {
        "teams": sorted(g.removeprefix("team:") for g in teams.values_list("group__name", flat=True)),
        "prosecutors": [p.user for p in users.select_related("user")],
    }


# --- entities ----------------------------------------------------------------------------------


def platform_for_host(host: str) -> Platform | None:
    """The catalogue platform whose known domain is the host or one of its parents."""
    candidates = platform_host_candidates(host)
    domains = {
        d.domain: d.platform for d in PlatformDomain.objects.filter(domain__in=candidates).select_related("platform")
    }
    return next((domains[c] for c in candidates if c in domains), None)


def url_log(*, user, operation: Operation, raw_url: str, case: Case | None = None, note: str = ""):
    """Log a URL for the user's team. Returns (url, created): an already-known URL is not logged twice.

    Raises ValidationError with the reason when the text is not a storable web address.
    """
    try:
        url, host = canonical_url(raw_url)
    except InvalidUrl as exc:
        raise ValidationError(f"Not a URL: {exc}.") from None
    membership = require_log_in(user, operation)
    _require_linkable(user, case, operation)
    existing = DetectedUrl.objects.filter(operation=operation, team=membership.team, url=url).first()
    if existing:
        return existing, False
    record = _new_finding(
        DetectedUrl,
        user=user,
        operation=operation,
        url=url,
        host=host,
        platform=platform_for_host(host),
        case=case,
        note=note,
    )
    _require_same_operation(record, case)
    with transaction.atomic():
        _save_new(record, user=user, summary="URL logged")
        selectors_refresh_later(record)
    return record, True


def account_log(*, user, operation: Operation, platform: Platform, handle: str, case: Case | None = None, **fields):
    """Log a social account for the user's team. Returns (account, created)."""
    try:
        handle = canonical_handle(handle)
    except ValueError as exc:
        raise ValidationError(f"Not a handle: {exc}.") from None
    membership = require_log_in(user, operation)
    _require_linkable(user, case, operation)
    existing = SocialAccount.objects.filter(
        operation=operation, team=membership.team, platform=platform, handle=handle
    ).first()
    if existing:
        return existing, False
    record = _new_finding(
        SocialAccount, user=user, operation=operation, platform=platform, handle=handle, case=case, **fields
    )
    _require_same_operation(record, case)
    with transaction.atomic():
        _save_new(record, user=user, summary="social account logged")
        selectors_refresh_later(record)
    return record, True


def suspect_log(*, user, operation: Operation, alias: str, case: Case | None = None, **fields) -> Suspect:
    record = _new_finding(Suspect, user=user, operation=operation, alias=alias.strip(), case=case, **fields)
    _require_linkable(user, case, operation)
    _require_same_operation(record, case)
    with transaction.atomic():
        _save_new(record, user=user, summary="suspect logged")
        selectors_refresh_later(record)
    return record


def victim_log(*, user, operation: Operation, case: Case | None = None, **fields) -> PossibleVictim:
    if fields.get("age_band") in PossibleVictim.MINOR_BANDS:
        fields["is_minor"] = True
    record = _new_finding(PossibleVictim, user=user, operation=operation, case=case, **fields)
    _require_linkable(user, case, operation)
    _require_same_operation(record, case)
    with transaction.atomic():
        _save_new(record, user=user, summary="possible victim logged")
        selectors_refresh_later(record)
    return record


def location_log(*, user, operation: Operation, address: str = "", city: str = "", country: str = "",
                 case: Case | None = None, note: str = ""):
    """Log a place for the user's team. Returns (location, created): a place the team logged before,
    however it was spelt then (``identifiers.places.location_key``), is not logged twice."""
    membership = require_log_in(user, operation)
    _require_linkable(user, case, operation)
    record = _new_finding(Location, user=user, operation=operation, address=address, city=city, country=country,
                          case=case, note=note)
    record.clean()  # tidies the text and sets the key the duplicate check compares
    existing = Location.objects.filter(operation=operation, team=membership.team, key=record.key).first()
    if existing:
        return existing, False
    _require_same_operation(record, case)
    with transaction.atomic():
        _save_new(record, user=user, summary="location logged")
        selectors_refresh_later(record)
    return record, True


def link_to_case(*, user, finding, case: Case | None):
    """Hang a suspect, victim, URL, account or evidence off a case (or unlink it with None).

    Evidence documenting the finding follows it, so that sharing the case shares the files too.
    """
    require_change(user, finding)
    if case is not None:
        require_change(user, case)
        _require_same_operation(finding, case)
    with transaction.atomic():
        finding.case = case
        finding.save(update_fields=["case", "updated_at"])
        field = {Suspect: "suspect", PossibleVictim: "victim", DetectedUrl: "url", SocialAccount: "account"}.get(
            type(finding)
        )
        if field:
            Evidence.objects.filter(**{field: finding}).update(case=case)
        audit.record(
            actor=user,
            action="combine",
            obj=finding,
            summary=f"linked to case {case.reference}" if case else "unlinked from its case",
        )
    return finding


def indicators_set(*, user, finding, indicators) -> None:
    """Replace the indicators observed on a case or URL."""
    if not hasattr(finding, "indicators"):
        raise ValidationError("Indicators are recorded on cases and URLs.")
    require_change(user, finding)
    with transaction.atomic():
        finding.indicators.set(indicators)
        audit.record(
            actor=user,
            action="alter",
            obj=finding,
            summary="indicators: " + (", ".join(sorted(i.name for i in indicators)) or "none"),
        )


def finding_delete(*, user, finding) -> None:
    """Remove a finding logged in error. Evidence is never deleted here (retention erases it)."""
    if isinstance(finding, Evidence):
        raise PermissionDenied("Evidence is never deleted by hand; the retention job erases it.")
    team_record_delete(user=user, record=finding)


# --- changes and bulk import (API) -------------------------------------------------------------

FINDING_EDITABLE_FIELDS = {
    Suspect: {"alias", "role", "nationality", "age_estimate", "notes"},
    PossibleVictim: {"nationality", "sex", "age_band", "is_minor", "notes"},
    DetectedUrl: {"note"},
    SocialAccount: {"display_name", "note"},
    Location: {"address", "city", "country", "note"},
}


def finding_update(*, user, finding, **changes):
    """Change the editable fields of a suspect, victim, URL or account (its case: ``link_to_case``)."""
    allowed = FINDING_EDITABLE_FIELDS.get(type(finding), set())
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    require_change(user, finding)
    if "alias" in changes:
        changes["alias"] = (changes["alias"] or "").strip()
    if changes.get("age_band") in PossibleVictim.MINOR_BANDS:
        changes["is_minor"] = True
    with transaction.atomic():
        current = type(finding).objects.select_for_update().get(pk=finding.pk)
        changed = sorted(name for name, value in changes.items() if getattr(current, name) != value)
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        current.full_clean()
        current.save()
        audit.record(actor=user, action="alter", obj=current, summary=_changed(current, changed))
        selectors_refresh_later(current)
    return current


def findings_bulk_log(*, user, operation: Operation, records: list, summary: str) -> list:
    """Save many new findings of one kind for the user's team at once (a bulk import).

    The caller has resolved and checked what the per-row services look up one by one (the case
    visible and changeable, the platform, the canonical URL or handle, duplicates): this checks
    access once, validates each row's own fields, inserts in batches and appends one audit event
    per record. Unique constraints still hold in the database.
    """
    if not records:
        return []
    membership = require_log_in(user, operation)
    model = type(records[0])
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for record in records:
        if type(record) is not model:
            raise ValueError("findings_bulk_log takes records of one model at a time")
        record.operation, record.team, record.created_by = operation, membership.team, user
        _require_same_operation(record, record.case)
        record.clean_fields(exclude=relations)  # related rows were resolved by the caller
    with transaction.atomic():
        created = model.objects.bulk_create(records, batch_size=1000)
        record_many(actor=user, action="collect", objects=created, summary=summary)
        selectors_store_new(created)
    return created
