"""The coordinator chooses the published headline and its order; the choice is stored and audited."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from config.celery import app as celery_app
from operations.models import Operation
from reports.services import headline_set, snapshot_compile
from reports.statistics import DEFAULT_HEADLINE, headline_keys

pytestmark = pytest.mark.django_db

HEADLINE_KEYS = re.compile(r'class="headline-figure" data-figure="(\w+)"')


@pytest.fixture(autouse=True)
def jobs_in_process(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def post(client, cast, figures, **extra):
    return client.post(reverse("dashboard_headline", args=[cast.operation.code]),
                       {"figure": figures, **extra})


def shown(client, cast):
    snapshot_compile(operation=cast.operation)
    html = client.get(reverse("dashboard_live", args=[cast.operation.code])).content.decode()
    return HEADLINE_KEYS.findall(html)


def test_until_chosen_the_headline_is_the_press_release_five(client, cast):
    client.force_login(cast.coordinator)
    assert headline_keys(cast.operation) == DEFAULT_HEADLINE
    assert shown(client, cast) == DEFAULT_HEADLINE


def test_the_coordinator_sets_the_headline_in_order_and_it_is_audited(client, cast):
    client.force_login(cast.coordinator)
    response = post(client, cast, ["urls", "victims", "countries"])
    assert response.status_code == 302 and response["Location"].endswith("#headline")
    cast.operation.refresh_from_db()
    assert cast.operation.headline_figures == ["urls", "victims", "countries"]
    assert shown(client, cast) == ["urls", "victims", "countries"]
    event = AuditEvent.objects.filter(object_type="operations.operation").latest("seq")
    assert event.actor == cast.coordinator and event.action == "alter"
    assert event.operation_id == cast.operation.pk
    assert event.summary == "headline figures: URLs, potential victims, countries"  # in people's words


def test_moving_adding_and_removing_post_the_whole_new_order(client, cast):
    client.force_login(cast.coordinator)
    post(client, cast, ["urls", "victims"])
    page = client.get(reverse("dashboard", args=[cast.operation.code])).content.decode()
    # The "move down" form of the first entry carries the order with the two swapped.
    assert re.search(r'value="victims">\s*<input type="hidden" name="figure" value="urls"><button type="submit" '
                     r'aria-label="Move “URLs” down"', page)
    post(client, cast, ["victims", "urls"], add="experts")
    cast.operation.refresh_from_db()
    assert cast.operation.headline_figures == ["victims", "urls", "experts"]


@pytest.mark.parametrize("figures", [["urls", "no_such_figure"], ["urls", "urls"]], ids=["unknown", "twice"])
def test_a_wrong_choice_is_refused_and_changes_nothing(client, cast, figures):
    client.force_login(cast.coordinator)
    post(client, cast, ["victims"])
    events = AuditEvent.objects.count()
    response = post(client, cast, figures)
    assert response.status_code == 302
    cast.operation.refresh_from_db()
    assert cast.operation.headline_figures == ["victims"]
    assert AuditEvent.objects.count() == events
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("figure" in m for m in messages)


def test_setting_the_same_headline_again_records_nothing(cast):
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["urls"])
    events = AuditEvent.objects.count()
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["urls"])
    assert AuditEvent.objects.count() == events


def test_an_empty_choice_goes_back_to_the_default(cast):
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["urls"])
    headline_set(user=cast.coordinator, operation=cast.operation, keys=[])
    cast.operation.refresh_from_db()
    assert headline_keys(cast.operation) == DEFAULT_HEADLINE


def test_only_coordinators_may_choose_and_not_once_archived(cast):
    for user in (cast.de, cast.prosecutor, cast.outsider):
        with pytest.raises(PermissionDenied):
            headline_set(user=user, operation=cast.operation, keys=["urls"])
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    cast.operation.refresh_from_db()
    headline_set(user=cast.coordinator, operation=cast.operation, keys=["urls"])  # published after closing
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.ARCHIVED)
    cast.operation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        headline_set(user=cast.coordinator, operation=cast.operation, keys=["victims"])


def test_the_service_refuses_unknown_figures(cast):
    with pytest.raises(ValidationError):
        headline_set(user=cast.coordinator, operation=cast.operation, keys=["urls", "nope"])
