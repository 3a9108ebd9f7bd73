"""Cross-border matching: find the same selector held by another country team.

A pair of selectors matches when kind and value are equal and the teams differ, in any two
operations: "the same or an earlier operation" seen from the later one. The hit is filed under
the later operation (where the link was found) and names only team, kind, value and operation.
The selectors themselves are stored with their findings (``findings.selector_rows``); this runs
as a job after the commit (``hits.tasks``), and a periodic sweep matches what a lost enqueue left.
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone

import audit
from findings.models import Hit, Selector
from findings.selector_rows import selectors_of


def match_selectors(*, selector_ids=None, finding=None) -> list[Hit]:
    """Compare unmatched selectors (given by id, or all of one finding) with every other team's.

    Creates one Hit per pair of selectors (a unique constraint holds it, so running twice, or
    two workers at once, adds nothing) and marks the selectors matched. Returns the new hits.
    """
    pending = selectors_of(finding) if finding is not None else Selector.objects.filter(pk__in=selector_ids)
    pending = pending.filter(matched_at=None)
    fields = ("pk", "kind", "value", "team", "operation_id", "operation__starts_at")
    mine = list(pending.values_list(*fields))
    if not mine:
        return []
    by_kind: dict[str, set[str]] = {}
    for _, kind, value, *_ in mine:
        by_kind.setdefault(kind, set()).add(value)
    query = Q(pk__in=[])
    for kind, values in by_kind.items():
        query |= Q(kind=kind, value__in=values)
    holders: dict[tuple[str, str], list[tuple]] = {}
    for row in Selector.objects.filter(query).values_list(*fields):
        holders.setdefault((row[1], row[2]), []).append(row)
    created = []
    with transaction.atomic():
        for row in mine:
            for other in holders.get((row[1], row[2]), ()):
                if other[3] != row[3]:
                    hit = _hit_for(row, other)
                    if hit is not None:
                        created.append(hit)
        Selector.objects.filter(pk__in=[row[0] for row in mine], matched_at=None).update(matched_at=timezone.now())
    return created


def _hit_for(row, other) -> Hit | None:
    a, b = sorted((row, other))  # by selector id: one row per pair, whichever side is matched first
    later = max((a[5], a[4]), (b[5], b[4]))[1]
    hit, created = Hit.objects.get_or_create(
        selector_a_id=a[0],
        selector_b_id=b[0],
        defaults={
            "kind": a[1], "value": a[2], "operation_id": later,
            "team_a": a[3], "operation_a_id": a[4], "team_b": b[3], "operation_b_id": b[4],
        },
    )
    if not created:
        return None
    audit.record(
        actor=None,
        action="combine",
        obj=hit,
        operation=later,
        summary=f"cross-border hit: {hit.get_kind_display()} held by teams {hit.team_a} and {hit.team_b}",
    )
    return hit


def match_pending(*, batch_size: int = 1000, limit: int | None = None) -> int:
    """Match every selector still unmatched, in batches (the sweep; also a full re-match after
    ``Selector.objects.update(matched_at=None)``). Returns how many selectors were matched."""
    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        ids = list(Selector.objects.filter(matched_at=None).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            break
        match_selectors(selector_ids=ids)
        done += len(ids)
    return done


def cross_border_links(operation) -> int:
    """The "cross-border links" figure of an operation: distinct pairs of teams that hold the same
    selector, for the hits found in this operation. One SQL query; a selector that sits on three
    findings of each team is one link, not nine."""
    operation_id = getattr(operation, "pk", operation)
    return (
        Hit.objects.filter(operation_id=operation_id)
        .annotate(first_team=Least("team_a", "team_b"), second_team=Greatest("team_a", "team_b"))
        .values("kind", "value", "first_team", "second_team")
        .distinct()
        .count()
    )
