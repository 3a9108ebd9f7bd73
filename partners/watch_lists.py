"""Importing and removing watch lists: a partner's identifiers as selectors of the importing team.

All or nothing: the whole list is read and every item checked (``partners.reading``) before anything
is saved; one bad item and nothing is, with every problem named. What the team holds already from a
watch list in this operation is recognised and not added again, so the same list imported twice adds
nothing (a list that adds nothing creates no watch list either). The new selectors are stored
unmatched, like a finding's, and matched after the commit by the sweep job (sent by name).
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import audit
from findings.models import Selector
from findings.selector_rows import without_catalogue_hosts
from identifiers.extraction import phone_region
from jobs import enqueue_on_commit
from operations.access import require_change, require_log_in

from .models import WatchList, WatchListEntry
from .reading import FORMATS, ListRejected, read_list

__all__ = ["ListRejected", "WatchListResult", "watch_list_delete", "watch_list_import"]

MAX_NAME = 200


@dataclass
class WatchListResult:
    watch_list: WatchList | None
    name: str
    format: str
    items: int
    ignored: int
    created: int
    existing: int

    def as_dict(self) -> dict:
        return {
            "watch_list": self.watch_list.pk if self.watch_list else None, "name": self.name,
            "format": self.format, "items": self.items, "ignored": self.ignored,
            "created": self.created, "existing": self.existing,
        }


def _held(operation, team, found) -> set[tuple[str, str]]:
    """The (kind, value) pairs of ``found`` the team holds already from a watch list in the operation."""
    held = set()
    by_kind: dict[str, list[str]] = {}
    for f in found:
        by_kind.setdefault(f.kind, []).append(f.value)
    for kind, values in by_kind.items():
        for start in range(0, len(values), 2000):
            held.update(
                WatchListEntry.objects.filter(operation=operation, team=team, kind=kind,
                                              value__in=values[start : start + 2000]).values_list("kind", "value")
            )
    return held


def watch_list_import(*, user, operation, data: bytes, name: str = "", filename: str = "",
                      format: str = "") -> WatchListResult:
    """Read the list, then save every new selector or none. Raises ``ListRejected`` with every problem,
    ``PermissionDenied`` for a user who may not log findings in the operation."""
    if format and format not in FORMATS:
        raise ValidationError(f"Unknown format “{format}”; one of: {', '.join(FORMATS)}.")
    membership = require_log_in(user, operation)  # a prosecutor or a closed operation: refused before reading
    name = (name or "").strip() or (filename or "").strip() or "Watch list"
    if len(name) > MAX_NAME:
        raise ValidationError(f"Keep the name under {MAX_NAME} characters.")
    read = read_list(data, fmt=format, filename=filename, region=phone_region(membership.team))
    found = without_catalogue_hosts([read.found])[0]  # the platforms every team monitors are no lead
    team = membership.team
    try:
        with transaction.atomic():
            held = _held(operation, team, found)
            new = sorted(f for f in found if (f.kind, f.value) not in held)
            watch_list = None
            if new:
                watch_list = WatchList.objects.create(
                    operation=operation, team=team, created_by=user, name=name, source_format=read.format,
                    source_sha256=hashlib.sha256(data).hexdigest(), items=read.items, entry_count=len(new),
                )
                selectors = Selector.objects.bulk_create(
                    [Selector(operation=operation, team=team, created_by=user, kind=f.kind, value=f.value)
                     for f in new],
                    batch_size=2000,
                )
                WatchListEntry.objects.bulk_create(
                    [WatchListEntry(watch_list=watch_list, selector=s, operation=operation, team=team, kind=s.kind,
                                    value=s.value) for s in selectors],
                    batch_size=2000,
                )
                audit.record(actor=user, action="collect", obj=watch_list,
                             summary=f"watch list imported ({watch_list.get_source_format_display()}): "
                                     f"{len(new)} selectors")
                enqueue_on_commit("hits.match_selectors_sweep")
    except IntegrityError:
        # Someone imported some of the same entries in the same moment; a second try recognises them.
        raise ValidationError(
            "Some of these entries were imported by someone else at the same moment. Nothing was imported: "
            "import the list again, and the entries already saved will be recognised."
        ) from None
    return WatchListResult(watch_list=watch_list, name=name, format=str(read.format), items=read.items,
                           ignored=read.ignored, created=len(new), existing=len(found) - len(new))


def watch_list_delete(*, user, watch_list: WatchList) -> int:
    """Remove a list and the selectors it added (their hits go with them). Returns how many selectors."""
    require_change(user, watch_list)
    with transaction.atomic():
        selector_ids = list(watch_list.entries.values_list("selector_id", flat=True))
        for start in range(0, len(selector_ids), 2000):
            Selector.objects.filter(pk__in=selector_ids[start : start + 2000]).delete()
        audit.record(actor=user, action="erase", obj=watch_list,
                     summary=f"watch list removed with its {len(selector_ids)} selectors")
        watch_list.delete()
    return len(selector_ids)
