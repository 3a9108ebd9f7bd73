"""The statistics job stores snapshots on a real worker; the dashboard shows the newest one."""

import re
import time

import pytest
from django.urls import reverse

from config.celery import app
from findings import services as findings
from operations.models import Operation
from reports.models import StatisticsSnapshot
from reports.tasks import compile_statistics, compile_statistics_of_active_operations

from .cast import build_cast, make_operation

HEADLINE_NUMBER = re.compile(r'class="headline-figure" data-figure="(\w+)">\s*<span class="n">([^<]+)</span>')


def headline_numbers(html: str) -> dict:
    return dict(HEADLINE_NUMBER.findall(html))


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the worker did not get there in time")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_stores_a_snapshot_and_the_dashboard_shows_the_new_one(celery_worker, client):
    cast = build_cast()
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/a")
    first = StatisticsSnapshot.objects.get(pk=compile_statistics.delay(cast.operation.pk).get(timeout=30))
    assert first.figures["totals"]["urls"] == 1

    client.force_login(cast.coordinator)
    live = reverse("dashboard_live", args=[cast.operation.code])
    assert headline_numbers(client.get(live).content.decode())["urls"] == "1"

    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/b")
    second_id = compile_statistics.delay(cast.operation.pk).get(timeout=30)
    assert second_id != first.pk
    assert headline_numbers(client.get(live).content.decode())["urls"] == "2"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recompute_now_is_sent_on_commit_and_run_by_the_worker(celery_worker, client):
    cast = build_cast()
    client.force_login(cast.coordinator)
    compile_statistics.delay(cast.operation.pk).get(timeout=30)
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/new")

    response = client.post(reverse("dashboard_recompute", args=[cast.operation.code]))
    assert response.status_code == 302

    newest = wait_for(
        lambda: StatisticsSnapshot.objects.filter(operation=cast.operation, figures__totals__urls=1).first()
    )
    assert newest.figures["totals"]["urls"] == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_compiles_every_active_operation_and_only_those(celery_worker):
    cast = build_cast()  # its two operations are active
    closed = make_operation(status=Operation.Status.CLOSED)
    enqueued = compile_statistics_of_active_operations.delay().get(timeout=30)
    assert sorted(enqueued) == sorted([cast.operation.pk, cast.other_operation.pk])
    wait_for(lambda: StatisticsSnapshot.objects.filter(operation__in=enqueued).count() == 2)
    assert not StatisticsSnapshot.objects.filter(operation=closed).exists()


@pytest.mark.django_db
def test_compiling_twice_without_changes_stores_one_snapshot_with_the_newer_time(cast):
    first_id = compile_statistics(cast.operation.pk)
    first_time = StatisticsSnapshot.objects.get(pk=first_id).computed_at
    second_id = compile_statistics(cast.operation.pk)
    assert second_id == first_id
    assert StatisticsSnapshot.objects.filter(operation=cast.operation).count() == 1
    assert StatisticsSnapshot.objects.get(pk=first_id).computed_at > first_time


@pytest.mark.django_db
def test_a_change_stores_a_new_snapshot_and_keeps_the_old_one(cast):
    first_id = compile_statistics(cast.operation.pk)
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    second_id = compile_statistics(cast.operation.pk)
    assert second_id != first_id
    assert StatisticsSnapshot.objects.get(pk=first_id).figures["totals"]["perpetrators"] == 0
    assert StatisticsSnapshot.objects.get(pk=second_id).figures["totals"]["perpetrators"] == 1


@pytest.mark.django_db
def test_a_request_for_fresh_figures_skips_the_work_when_a_recent_snapshot_exists(cast):
    first_id = compile_statistics(cast.operation.pk)
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    assert compile_statistics(cast.operation.pk, unless_newer_than=60) == first_id
    assert compile_statistics(cast.operation.pk) != first_id


@pytest.mark.django_db
def test_a_deleted_operation_is_not_an_error():
    assert compile_statistics(987654) is None


def test_the_beat_sweeps_active_operations_every_minute():
    entry = app.conf.beat_schedule["compile-statistics-of-active-operations"]
    assert entry["schedule"] == 60
    assert app.tasks[entry["task"]].name == compile_statistics_of_active_operations.name
