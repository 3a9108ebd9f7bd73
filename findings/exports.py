"""Exports: what the user may see as CSV, and one case as a JSON bundle.

Both start from querysets already narrowed by ``visible_to``; nothing here decides who sees
what. Each export is recorded in the audit trail as a disclosure.

CSV is written for spreadsheets: addresses are defanged (an import takes them back as they
are), and a cell that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with
an apostrophe.
"""

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

import audit
from platforms.models import PlatformCheck

from .canonical import defang
from .models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from .services import case_shares


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
    "evidence": [
        ("sha256", lambda r: r.sha256), ("size", lambda r: r.size), ("content_type", lambda r: r.content_type),
        ("original_name", lambda r: r.original_name), ("description", lambda r: r.description),
        ("source_url", lambda r: defang(r.source_url)), ("captured_at", lambda r: r.captured_at.isoformat()),
        ("captured_by", lambda r: r.captured_by.username), ("case", _reference),
    ],
    "platform-checks": [
        ("platform", lambda r: r.platform.name), ("status", lambda r: r.status),
        ("with_indications", lambda r: "" if r.with_indications is None else ("yes" if r.with_indications else "no")),
        ("focus_tags", lambda r: _names(r, "focus_tags")), ("note", lambda r: r.note),
        ("started_at", lambda r: r.started_at.isoformat() if r.started_at else ""),
        ("finished_at", lambda r: r.finished_at.isoformat() if r.finished_at else ""),
    ],
}
COMMON = [
    ("id", lambda r: r.pk), ("operation", lambda r: r.operation.code), ("team", lambda r: r.team),
    ("created_by", lambda r: r.created_by.username), ("created_at", lambda r: r.created_at.isoformat()),
]
MODELS = {
    "cases": Case, "suspects": Suspect, "victims": PossibleVictim, "urls": DetectedUrl,
    "social-accounts": SocialAccount, "evidence": Evidence, "platform-checks": PlatformCheck,
}
_RELATED = {
    "cases": ([], ["indicators", "focus_tags"]),
    "suspects": (["case"], []),
    "victims": (["case"], []),
    "urls": (["case", "platform"], ["indicators"]),
    "social-accounts": (["case", "platform"], []),
    "evidence": (["case", "captured_by"], []),
    "platform-checks": (["platform"], ["focus_tags"]),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def csv_rows(kind: str, queryset, *, user=None) -> Iterator[str]:
    """The lines of the CSV export of ``queryset`` (already visible_to-filtered), header first.

    A URL or account is shared with the whole operation, the case it hangs off is not: the case
    column names only cases ``user`` may see.
    """
    columns = COLUMNS[kind] + COMMON
    select, prefetch = _RELATED[kind]
    queryset = queryset.select_related("operation", "created_by", *select)
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in columns])
    # Keyset chunks of plain queries, not a server-side cursor: nothing stays open on the database
    # connection while the response streams, and memory stays flat for any size of export.
    queryset, last = queryset.order_by("pk"), 0
    while chunk := list(queryset.filter(pk__gt=last)[:2000]):
        if user is not None and "case" in select:
            case_ids = {record.case_id for record in chunk if record.case_id}
            hidden = case_ids - set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
            for record in chunk:
                if record.case_id in hidden:
                    record.case = None  # in memory only: this row does not name the case
        for record in chunk:
            yield writer.writerow([_cell(value(record)) for _, value in columns])
        last = chunk[-1].pk


def export_csv(*, user, kind: str, queryset, operation=None) -> Iterable[str]:
    """Record the export as a disclosure (the records leave the system) and return its lines (streamed).

    One event per operation and country team whose records the export holds, so that each team and
    each operation's coordinators find it in their part of the trail.
    """
    if operation is not None:
        queryset = queryset.filter(operation=operation)
    owners = sorted(set(queryset.order_by().values_list("operation_id", "team").distinct()))
    for operation_id, team in owners or [(getattr(operation, "pk", None), "")]:
        audit.record(
            actor=user,
            action="disclose",
            operation=operation_id,
            team=team,
            object_type=MODELS[kind]._meta.label_lower,
            summary=f"{kind} exported as CSV",
        )
    return csv_rows(kind, queryset, user=user)


def case_bundle(*, user, case: Case, request=None) -> dict:
    """The case and everything hanging off it that the user may see, as one JSON document."""
    from .serializers import (
        CaseSerializer,
        EvidenceSerializer,
        SocialAccountSerializer,
        SuspectSerializer,
        UrlSerializer,
        VictimSerializer,
    )

    context = {"request": request}

    def hanging(model, serializer, *related):
        rows = model.objects.visible_to(user).filter(case=case).select_related("created_by", *related)
        return serializer(rows.order_by("created_at", "id"), many=True, context=context).data

    bundle = {
        "format": "actionday-case-bundle/1",
        "exported_at": timezone.now(),
        "exported_by": user.get_username(),
        "handling_code": case.get_handling_code_display()
        + (f": {case.handling_restrictions}" if case.handling_restrictions else ""),
        "case": CaseSerializer(case, context=context).data,
        "suspects": hanging(Suspect, SuspectSerializer),
        "victims": hanging(PossibleVictim, VictimSerializer),
        "urls": hanging(DetectedUrl, UrlSerializer, "platform"),
        "social_accounts": hanging(SocialAccount, SocialAccountSerializer, "platform"),
        "evidence": hanging(Evidence, EvidenceSerializer, "captured_by"),
        "shared_with_teams": case_shares(case)["teams"],
    }
    # The records leave the system in one file: a disclosure, like a report download.
    audit.record(actor=user, action="disclose", obj=case, summary="case exported as a JSON bundle")
    return bundle
