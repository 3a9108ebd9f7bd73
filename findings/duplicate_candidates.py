"""Likely duplicates: the same person logged by two country teams, proposed to the coordinators.

A pair of suspects (or of possible victims) of one operation, of two teams, not linked yet, is proposed
when they

- hold the same selector (a phone number, an e-mail address, a handle… in their notes);
- sit on the two sides of a cross-border hit (the hit's selector is on them, or on their cases);
- share nationality, age band and a platform (of the URLs and accounts of their cases).

Proposals only: a coordinator links them (``findings.duplicates``). The page is the coordinators', who
see every record of the operation; the reasons name no record they could not see.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Q

from .models import DetectedUrl, Hit, PossibleVictim, Selector, SocialAccount, Suspect

MAX_PROPOSALS = 200
# The victims' age bands, for a suspect's estimated age: (band, upper age).
_BANDS = [("0-13", 13), ("14-17", 17), ("18-24", 24), ("25-34", 34), ("35-49", 49), ("50+", 200)]


def age_band(record) -> str:
    if isinstance(record, PossibleVictim):
        return "" if record.age_band == PossibleVictim.AgeBand.UNKNOWN else record.age_band
    if record.age_estimate is None:
        return ""
    return next(band for band, upper in _BANDS if record.age_estimate <= upper)


@dataclass
class Proposal:
    kind: str  # "suspect" or "victim"
    first: object  # logged first: the one kept when they are linked
    second: object
    reasons: list[str] = field(default_factory=list)


def _root(record) -> int:
    return record.duplicate_of_id or record.pk


def proposals(operation, kind: str) -> list[Proposal]:
    """Likely duplicates of one kind ("suspect" or "victim") in the operation, the most reasons first."""
    model, name = (Suspect, "suspect") if kind == "suspect" else (PossibleVictim, "victim")
    records = {r.pk: r for r in model.objects.filter(operation=operation).select_related("case")}
    found: dict[tuple, set] = defaultdict(set)

    def propose(a, b, reason):
        if a.team == b.team or _root(a) == _root(b):
            return
        key = (min(a.pk, b.pk), max(a.pk, b.pk))
        found[key].add(reason)

    by_case = defaultdict(list)
    for record in records.values():
        if record.case_id:
            by_case[record.case_id].append(record)

    # The same selector held by two teams' records.
    groups = defaultdict(list)
    rows = Selector.objects.filter(operation=operation, **{f"{name}__isnull": False}).values_list(
        "kind", "value", f"{name}_id")
    for selector_kind, value, pk in rows:
        if pk in records:
            groups[(selector_kind, value)].append(records[pk])
    for (selector_kind, _value), members in groups.items():
        label = dict(Selector.Kind.choices)[selector_kind].lower()
        for a, b in combinations(members, 2):
            propose(a, b, f"same {label}")

    # The two sides of a hit: the records the selector is on, or the records of its case.
    hits = Hit.objects.filter(operation_a=operation, operation_b=operation).select_related("selector_a",
                                                                                           "selector_b")
    for hit in hits:
        sides = [_held_by(hit.selector_a, name, records, by_case), _held_by(hit.selector_b, name, records, by_case)]
        for a in sides[0]:
            for b in sides[1]:
                propose(a, b, f"cross-border hit ({hit.get_kind_display().lower()})")

    # Nationality, age band and a platform in common.
    platforms = _case_platforms(operation)
    profiles = defaultdict(list)
    for record in records.values():
        band = age_band(record)
        if record.nationality and band and record.case_id:
            for platform in platforms.get(record.case_id, ()):
                profiles[(record.nationality, band, platform)].append(record)
    for (nationality, band, platform), members in profiles.items():
        for a, b in combinations(members, 2):
            propose(a, b, f"same nationality ({nationality}), age band ({band}) and platform ({platform})")

    out = []
    for (low, high), reasons in found.items():
        first, second = sorted((records[low], records[high]), key=lambda r: (r.created_at, r.pk))
        out.append(Proposal(name, first, second, sorted(reasons)))
    out.sort(key=lambda p: (-len(p.reasons), -p.second.created_at.timestamp()))
    return out[:MAX_PROPOSALS]


def _held_by(selector, name, records, by_case) -> list:
    own = getattr(selector, f"{name}_id")
    if own:
        return [records[own]] if own in records else []
    return by_case.get(selector.case_id, []) if selector.case_id else []


def _case_platforms(operation) -> dict[int, set[str]]:
    """The names of the platforms of each case's URLs and accounts."""
    platforms = defaultdict(set)
    for model in (DetectedUrl, SocialAccount):
        rows = model.objects.filter(operation=operation, case__isnull=False).filter(~Q(platform=None))
        for case_id, platform in rows.values_list("case_id", "platform__name"):
            platforms[case_id].add(platform)
    return platforms


def linked_groups(operation, kind: str) -> list[tuple[object, list]]:
    """Each record that stands for a group of duplicates, with its duplicates."""
    model = Suspect if kind == "suspect" else PossibleVictim
    duplicates = model.objects.filter(operation=operation, duplicate_of__isnull=False).select_related(
        "duplicate_of").order_by("duplicate_of_id", "created_at")
    groups = defaultdict(list)
    for record in duplicates:
        groups[record.duplicate_of].append(record)
    return list(groups.items())
