"""Jobs for cross-border matching: match one finding's selectors; every minute, sweep up the rest.

The pending state is in the database (``Selector.matched_at`` is null until matched), so an
enqueue lost while Redis was down is made good by the sweep (jobs/schedule.py).
"""

from celery import shared_task
from django.db import transaction

from findings.selector_rows import FINDING_TYPES, selectors_refresh

from . import matching

SWEEP_LIMIT = 20_000  # selectors per sweep run; the next run takes the rest


@shared_task(name="hits.match_selectors")
def match_selectors(finding_type: str, finding_id: int) -> int:
    """Refresh one finding's selectors and match those not matched yet; returns the number of new hits.

    Idempotent: a second run finds every selector matched and the hits already there.
    """
    model = FINDING_TYPES.get(finding_type)
    if model is None:
        raise ValueError(f"Unknown finding type {finding_type!r}")
    finding = model.objects.filter(pk=finding_id).first()
    if finding is None:  # deleted since: its selectors went with it
        return 0
    with transaction.atomic():
        selectors_refresh(finding=finding)
    return len(matching.match_selectors(finding=finding))


@shared_task(name="hits.match_selectors_sweep")
def match_selectors_sweep() -> int:
    """Beat: match every selector that is still unmatched (a lost enqueue); returns how many."""
    return matching.match_pending(limit=SWEEP_LIMIT)
