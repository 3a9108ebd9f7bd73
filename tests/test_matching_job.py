"""The matching job on a real Celery worker: a hit within seconds of the second entry, a sweep for
what a lost enqueue left behind, and no double hit when a job runs twice."""

import time

import pytest

from config.celery import app
from findings import services as findings
from findings.models import Hit, Selector
from hits.tasks import match_selectors, match_selectors_sweep

from .cast import build_cast


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_teams_that_log_the_same_number_get_a_hit_within_seconds(celery_worker):
    cast = build_cast()
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", notes="Handy 0151 23456789")
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="D.", notes="tél. +49 151 23456789")
    assert wait_for(Hit.objects.exists, timeout=15)
    hit = Hit.objects.get()
    assert {hit.team_a, hit.team_b} == {"DE", "FR"}
    assert wait_for(lambda: not Selector.objects.filter(matched_at=None).exists(), timeout=10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_sweep_matches_selectors_whose_job_was_lost(celery_worker):
    cast = build_cast()
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", notes="0151 23456789")
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="D.", notes="+49 151 23456789")
    assert wait_for(lambda: Hit.objects.exists() and not Selector.objects.filter(matched_at=None).exists(), 15)
    # As if Redis had been down: no hit yet, and the selectors still pending in the database.
    Hit.objects.all().delete()
    Selector.objects.update(matched_at=None)
    assert match_selectors_sweep.delay().get(timeout=30) == 2
    assert Hit.objects.count() == 1
    assert not Selector.objects.filter(matched_at=None).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_running_the_job_twice_makes_no_second_hit(celery_worker):
    cast = build_cast()
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", notes="0151 23456789")
    french = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="D.", notes="+49 151 23456789")
    assert wait_for(lambda: Hit.objects.exists() and not Selector.objects.filter(matched_at=None).exists(), 15)
    Selector.objects.filter(suspect=french).update(matched_at=None)
    assert match_selectors.delay("suspect", french.pk).get(timeout=30) == 0
    assert match_selectors.delay("suspect", french.pk).get(timeout=30) == 0
    assert Hit.objects.count() == 1
    assert match_selectors.delay("suspect", 10**9).get(timeout=30) == 0  # deleted since: nothing to do


def test_the_sweep_is_on_the_beat_schedule():
    entry = app.conf.beat_schedule["match-unmatched-selectors"]
    assert entry["task"] == "hits.match_selectors_sweep" and entry["schedule"] <= 60
