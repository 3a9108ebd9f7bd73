"""Exports of findings: the CSV columns of each kind, and one case as a JSON bundle.

Both read what ``visible_to`` already narrowed; nothing here decides who sees what. Each export is
recorded in the audit trail as a disclosure. CSV goes through ``api.spreadsheets`` (cells safe from
formulas); addresses are defanged here (an import takes them back as they are).
"""

from django.utils import timezone

import audit
from identifiers.canonical import defang
from operations.consultations import record_shown, shown_rows
from operations.record_api import COMMON_COLUMNS

from .case_reader import read_case
from .models import Case, PossibleVictim, Suspect
from .serializers import (
    CaseSerializer,
    EvidenceSerializer,
    LocationSerializer,
    SocialAccountSerializer,
    SuspectSerializer,
    UrlSerializer,
    VictimSerializer,
)


def _codes(record, name):
    return " ".join(sorted(getattr(record, name).values_list("code", flat=True)))


def _names(record, name):
    return "; ".join(sorted(getattr(record, name).values_list("name", flat=True)))


def _reference(record):
    return record.case.reference if record.case_id else ""


# (column, value of a record) per kind; the first columns are the import's, so an export imports back.
COLUMNS = {
    "cases": [
        ("reference", lambda r: r.reference), ("title", lambda r: r.title), ("status", lambda r: r.status),
        ("exploitation_type", lambda r: r.exploitation_type), ("handling_code", lambda r: r.handling_code),
        ("handling_restrictions", lambda r: r.handling_restrictions),
        ("source_reliability", lambda r: r.source_reliability),
        ("information_assessment", lambda r: r.information_assessment), ("referred_to", lambda r: r.referred_to),
        ("indicators", lambda r: _codes(r, "indicators")), ("focus_tags", lambda r: _names(r, "focus_tags")),
        ("summary", lambda r: r.summary),
    ],
    "suspects": [
        ("alias", lambda r: r.alias), ("role", lambda r: r.role), ("nationality", lambda r: r.nationality),
        ("age_estimate", lambda r: "" if r.age_estimate is None else r.age_estimate), ("notes", lambda r: r.notes),
        ("case", _reference),
    ],
    "victims": [
        ("code", lambda r: r.code), ("nationality", lambda r: r.nationality), ("sex", lambda r: r.sex),
        ("age_band", lambda r: r.age_band), ("is_minor", lambda r: "yes" if r.is_minor else "no"),
        ("notes", lambda r: r.notes), ("case", _reference),
    ],
    "urls": [
        ("url", lambda r: defang(r.url)), ("note", lambda r: r.note), ("case", _reference),
        ("host", lambda r: r.host.replace(".", "[.]")), ("platform", lambda r: r.platform.name if r.platform else ""),
        ("indicators", lambda r: _codes(r, "indicators")),
    ],
    "social-accounts": [
        ("platform", lambda r: r.platform.name), ("handle", lambda r: r.handle),
        ("display_name", lambda r: r.display_name), ("note", lambda r: r.note), ("case", _reference),
    ],
    "locations": [
        ("address", lambda r: r.address), ("city", lambda r: r.city), ("country", lambda r: r.country),
        ("note", lambda r: r.note), ("case", _reference),
    ],
    "evidence": [
        ("sha256", lambda r: r.sha256), ("size", lambda r: r.size), ("content_type", lambda r: r.content_type),
        ("original_name", lambda r: r.original_name), ("description", lambda r: r.description),
        ("source_url", lambda r: defang(r.source_url)), ("captured_at", lambda r: r.captured_at.isoformat()),
        ("captured_by", lambda r: r.captured_by.username), ("case", _reference),
    ],
}
COMMON = COMMON_COLUMNS
RELATED = {
    "cases": ([], ["indicators", "focus_tags"]),
    "suspects": (["case"], []),
    "victims": (["case"], []),
    "urls": (["case", "platform"], ["indicators"]),
    "social-accounts": (["case", "platform"], []),
    "locations": (["case"], []),
    "evidence": (["case", "captured_by"], []),
}


def hide_unseen_cases(chunk, *, user) -> list:
    """A URL or account is shared with the whole operation, the case it hangs off is not: in an export,
    a row names only a case ``user`` may see (in memory only; nothing is saved)."""
    case_ids = {record.case_id for record in chunk if getattr(record, "case_id", None)}
    if case_ids:
        hidden = case_ids - set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
        for record in chunk:
            if record.case_id in hidden:
                record.case = None
    return chunk


def case_bundle(*, user, case: Case, request=None, justification: str = "") -> dict:
    """The case and everything hanging off it that the user may see, as one JSON document.

    ``justification`` is the reason given for reading the possible victims' records it holds."""
    context = {"request": request}
    seen = read_case(user=user, case=case)
    bundle = {
        "format": "actionday-case-bundle/1",
        "exported_at": timezone.now(),
        "exported_by": user.get_username(),
        "handling_code": case.get_handling_code_display()
        + (f": {case.handling_restrictions}" if case.handling_restrictions else ""),
        "case": CaseSerializer(case, context=context).data,
        "suspects": SuspectSerializer(seen.suspects, many=True, context=context).data,
        "victims": VictimSerializer(seen.victims, many=True, context=context).data,
        "urls": UrlSerializer(seen.urls, many=True, context=context).data,
        "social_accounts": SocialAccountSerializer(seen.accounts, many=True, context=context).data,
        "locations": LocationSerializer(seen.locations, many=True, context=context).data,
        "evidence": EvidenceSerializer(seen.evidence, many=True, context=context).data,
        "shared_with_teams": seen.shares["teams"],
        "timeline": [
            {"seq": e.seq, "at": e.at, "actor": e.actor_name, "team": e.team, "action": e.action,
             "what": e.what, "record": e.record, "summary": e.summary}
            for e in seen.timeline
        ],
    }
    # The records leave the system in one file: a disclosure, like a report download.
    audit.record(actor=user, action="disclose", obj=case, summary="case exported as a JSON bundle")
    for model, records in ((Suspect, seen.suspects), (PossibleVictim, seen.victims)):
        record_shown(user=user, model=model, rows=shown_rows(records), how="exported in a case bundle",
                     action="disclose", justification=justification if model is PossibleVictim else "")
    return bundle
