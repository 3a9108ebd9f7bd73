"""Redis stops while analysts keep saving: saves succeed, and the jobs run once Redis is back."""

import time

import pytest

from findings import services as findings
from findings.models import Hit, Selector
from hits.tasks import match_selectors_sweep

from . import services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_saves_succeed_without_redis_and_matching_catches_up_after(celery_worker, cast):
    services.redis_stop()
    try:
        started = time.monotonic()
        german = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima",
                                      notes="Books via +49 151 23456789")
        french = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="D.",
                                      notes="Numéro allemand 0049 151 2345 6789")
        took = time.monotonic() - started
    finally:
        services.redis_start()
    # Both saves are in the database, with their selectors waiting to be matched.
    assert german.pk and french.pk
    assert took < 15, f"two saves took {took:.1f}s without Redis: a request must not hang on the broker"
    pending = Selector.objects.filter(kind="phone", value="+4915123456789", matched_at=None)
    assert pending.count() == 2
    assert not Hit.objects.exists()

    # What beat does every minute: the sweep enqueues the work that could not be sent.
    match_selectors_sweep.delay()
    assert wait_for(lambda: Hit.objects.filter(value="+4915123456789").exists()), "no hit after Redis came back"
    assert wait_for(lambda: not Selector.objects.filter(matched_at=None).exists())
    match_selectors_sweep.delay().get(timeout=30)  # a second sweep finds nothing more to do
    assert Hit.objects.filter(value="+4915123456789").count() == 1
    hit = Hit.objects.get()
    assert {hit.team_a, hit.team_b} == {"DE", "FR"}
