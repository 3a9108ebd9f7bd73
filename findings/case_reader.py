"""A case as one user sees it: the one reader of a case and what hangs off it.

The case page, the JSON bundle (API) and the prosecutor's case file (PDF) all call ``read_case``,
so the three show the same records, the same shares and the same history. Everything is read
through ``visible_to(user)``: a suspect of the case that the reader may not see is not in it, and
neither is its history.

The timeline is the audit trail of the case and of what hangs off it as the reader sees it —
collections, changes, links, shares, consultations and disclosures (a case file downloaded is a
disclosure of the case), oldest first. An event's words may name a case by its reference ("linked
to case C-7KQ2MXPA" when a record moved between cases), or a suspect or victim by its id ("marked as
duplicate of possible victim 41"): a case the reader may not see is named "another case" instead, a
suspect or victim "another record", so a history never tells of a record the rule keeps hidden. The
same goes for the record a victim is marked the same person as (``same_person``).
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from audit.models import AuditEvent
from audit.words import action_word

from .models import Case, DetectedUrl, Evidence, Location, PossibleVictim, SocialAccount, Suspect
from .services import case_shares

_CASE_REFERENCE = re.compile(r"\bC-[23456789A-HJ-NP-Z]{8}\b")
HIDDEN_CASE = "another case"
# How findings.duplicates names a suspect or victim in an event's words (its verbose name and id).
_RECORD_REFERENCE = re.compile(r"\b(suspect|possible victim) (\d+)\b")
HIDDEN_RECORD = "another record"


@dataclass
class TimelineEntry:
    """One event of a case's history, in the words the reader may see."""

    seq: int | None
    at: object
    actor_id: int | None
    actor_name: str
    team: str
    action: str
    object_type: str
    object_id: str
    record: str  # how the history names the record: "Case C-…", "Suspect Marko", "URL 3", "Evidence E2"
    summary: str

    @property
    def what(self) -> str:
        """The action in people's words: "logged (collection)", "viewed (consultation)"."""
        return action_word(self.action)


@dataclass
class CaseAsSeen:
    case: Case
    indicators: list = field(default_factory=list)
    focus_tags: list[str] = field(default_factory=list)
    suspects: list = field(default_factory=list)
    victims: list = field(default_factory=list)
    urls: list = field(default_factory=list)
    accounts: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    shares: dict = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)
    events_total: int = 0  # the whole history's length, when the timeline holds only its newest events
    same_person: dict = field(default_factory=dict)  # victim id -> the code of its duplicate, as the reader may see

    @property
    def records(self) -> dict:
        """Every record of the case by its audit name: {(object_type, object_id): label}."""
        labels = {(Case._meta.label_lower, str(self.case.pk)): f"Case {self.case.reference}"}
        for s in self.suspects:
            labels[Suspect._meta.label_lower, str(s.pk)] = f"Suspect {s.alias}"
        for v in self.victims:
            labels[PossibleVictim._meta.label_lower, str(v.pk)] = f"Possible victim {v.code}"
        for number, u in enumerate(self.urls, start=1):
            labels[DetectedUrl._meta.label_lower, str(u.pk)] = f"URL {number}"
        for a in self.accounts:
            labels[SocialAccount._meta.label_lower, str(a.pk)] = f"Account @{a.handle}"
        for number, place in enumerate(self.locations, start=1):
            labels[Location._meta.label_lower, str(place.pk)] = f"Location {number}"
        for number, e in enumerate(self.evidence, start=1):
            labels[Evidence._meta.label_lower, str(e.pk)] = f"Evidence E{number}"
        return labels


def read_case(*, user, case: Case, newest_events: int | None = None) -> CaseAsSeen:
    """The case and everything hanging off it that ``user`` may see, with its shares and history.

    The caller has found ``case`` through ``Case.objects.visible_to(user)``. With ``newest_events``
    the timeline holds only that many newest events (the page), ``events_total`` counts them all;
    the case file and the bundle read the whole history.
    """
    seen = CaseAsSeen(
        case=case,
        indicators=list(case.indicators.order_by("name")),
        focus_tags=[tag.name for tag in case.focus_tags.order_by("name")],
        suspects=list(Suspect.objects.visible_to(user).filter(case=case).order_by("alias", "pk")),
        victims=list(PossibleVictim.objects.visible_to(user).filter(case=case).order_by("code", "pk")),
        urls=list(
            DetectedUrl.objects.visible_to(user).filter(case=case).select_related("platform")
            .prefetch_related("indicators").order_by("created_at", "pk")
        ),
        accounts=list(
            SocialAccount.objects.visible_to(user).filter(case=case).select_related("platform")
            .order_by("platform__name", "handle", "pk")
        ),
        locations=list(Location.objects.visible_to(user).filter(case=case).order_by("created_at", "pk")),
        evidence=list(
            Evidence.objects.visible_to(user).filter(case=case).select_related("captured_by")
            .order_by("captured_at", "pk")
        ),
        shares=case_shares(case),
    )
    seen.timeline, seen.events_total = _timeline(user, seen, newest=newest_events)
    seen.same_person = _same_person(user, seen.victims)
    return seen


def _same_person(user, victims) -> dict[int, str]:
    """The code of the record each victim is marked the same person as — only one the reader may see."""
    ids = {v.duplicate_of_id for v in victims if v.duplicate_of_id}
    codes = dict(PossibleVictim.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "code"))
    return {v.pk: codes.get(v.duplicate_of_id, HIDDEN_RECORD) for v in victims if v.duplicate_of_id}


def _hidden_records(user, texts) -> set[str]:
    """The "suspect 12" and "possible victim 41" named in ``texts`` that ``user`` may not see."""
    named = {match.group(0): match.groups() for text in texts for match in _RECORD_REFERENCE.finditer(text)}
    hidden = set()
    for label, model in (("suspect", Suspect), ("possible victim", PossibleVictim)):
        ids = {int(pk) for lab, pk in named.values() if lab == label}
        seen = set(model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        hidden |= {word for word, (lab, pk) in named.items() if lab == label and int(pk) not in seen}
    return hidden


def _timeline(user, seen: CaseAsSeen, *, newest: int | None) -> tuple[list[TimelineEntry], int]:
    labels = seen.records
    wanted: dict[str, list[str]] = {}
    for object_type, object_id in labels:
        wanted.setdefault(object_type, []).append(object_id)
    query = Q(pk__in=[])
    for object_type, ids in wanted.items():
        query |= Q(object_type=object_type, object_id__in=ids)
    # Insert order: an event belongs in the history at once, before the sequencer gives it its seq.
    events = AuditEvent.objects.filter(query)
    if newest is None:
        events = list(events.order_by("id"))
        total = len(events)
    else:  # a case viewed every few minutes gathers thousands of consultations: read the newest only
        total = events.count()
        events = list(events.order_by("-id")[:newest])[::-1]
    named = {match for event in events for match in _CASE_REFERENCE.findall(event.summary)}
    visible = set(Case.objects.visible_to(user).filter(reference__in=named).values_list("reference", flat=True))
    hidden = named - visible
    hidden_records = _hidden_records(user, [event.summary for event in events])

    def words(summary: str) -> str:
        summary = _CASE_REFERENCE.sub(lambda m: HIDDEN_CASE if m.group(0) in hidden else m.group(0), summary)
        return _RECORD_REFERENCE.sub(lambda m: HIDDEN_RECORD if m.group(0) in hidden_records else m.group(0), summary)

    return [
        TimelineEntry(
            seq=event.seq, at=event.at, actor_id=event.actor_id, actor_name=event.actor_name or "system",
            team=event.team, action=event.action, object_type=event.object_type, object_id=event.object_id,
            record=labels[event.object_type, event.object_id],
            summary=words(event.summary),
        )
        for event in events
    ], total
