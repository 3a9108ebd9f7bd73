"""Jobs for cross-border matching: match one finding's selectors; every minute, sweep up the rest.

The pending state is in the database (``Selector.matched_at`` is null until matched), so an
enqueue lost while Redis was down is made good by the sweep.
"""

from celery import shared_task
from django.db import transaction

from config.celery import app

from . import matching

SWEEP_EVERY = 60.0  # seconds
SWEEP_LIMIT = 20_000  # selectors per sweep run; the next run takes the rest

app.conf.beat_schedule.setdefault(
    "match-unmatched-selectors",
    {"task": "findings.match_selectors_sweep", "schedule": SWEEP_EVERY, "options": {"expires": SWEEP_EVERY - 5}},
)


@shared_task(name="findings.match_selectors")
def match_selectors(finding_type: str, finding_id: int) -> int:
    """Refresh one finding's selectors and match those not matched yet; returns the number of new hits.

    Idempotent: a second run finds every selector matched and the hits already there.
    """
    model = matching.FINDING_TYPES.get(finding_type)
    if model is None:
        raise ValueError(f"Unknown finding type {finding_type!r}")
    finding = model.objects.filter(pk=finding_id).first()
    if finding is None:  # deleted since: its selectors went with it
        return 0
    with transaction.atomic():
        matching.selectors_refresh(finding=finding)
    return len(matching.match_selectors(finding=finding))


@shared_task(name="findings.match_selectors_sweep")
def match_selectors_sweep() -> int:
    """Beat: match every selector that is still unmatched (a lost enqueue); returns how many."""
    return matching.match_pending(limit=SWEEP_LIMIT)


# --- retention (findings/retention.py) -----------------------------------------------------------

ERASE_EVERY = 3600.0  # seconds: an operation is erased within the hour its retention period runs out

app.conf.beat_schedule.setdefault(
    "erase-expired-personal-data",
    {"task": "findings.erase_expired", "schedule": ERASE_EVERY, "options": {"expires": ERASE_EVERY - 60}},
)


@shared_task(name="findings.erase_expired")
def erase_expired() -> list[str]:
    """Beat: erase the personal data of every operation whose retention period ran out; returns their codes.

    Idempotent: an erased operation is never due again, and two runs at once lock the operation's row.
    """
    from .retention import erase_expired as erase

    return [erasure.operation.code for erasure in erase()]
