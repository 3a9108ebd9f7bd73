"""The dashboard refreshes itself through htmx partials and shows no personal data."""

import re

import pytest
from django.urls import reverse

import audit
from config.celery import app as celery_app
from operations.models import Operation
from reports.models import StatisticsSnapshot
from reports.services import snapshot_compile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def jobs_in_process(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def coordinator(client, cast):
    client.force_login(cast.coordinator)
    return client


def get(client, name, cast, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(reverse(name, args=[cast.operation.code]), headers=headers).content.decode()


def test_the_page_polls_the_figures_and_the_activity(coordinator, cast):
    page = get(coordinator, "dashboard", cast)
    live, activity = (reverse(n, args=[cast.operation.code]) for n in ("dashboard_live",
                                                                                     "dashboard_activity"))
    assert re.search(rf'id="live"[^>]*hx-get="{live}" hx-trigger="every \d+s" hx-swap="outerHTML"', page)
    assert re.search(rf'id="activity"[^>]*\s+hx-get="{activity}" hx-trigger="every \d+s"', page)


def test_the_partial_is_only_the_live_section(coordinator, cast):
    snapshot_compile(operation=cast.operation)
    partial = get(coordinator, "dashboard_live", cast, htmx=True).strip()
    assert partial.startswith('<section id="live"') and partial.endswith("</section>")
    assert "<html" not in partial and "Recent activity" not in partial


# Committed for real, as in the embedded mode: the job is sent when the request's work commits.
@pytest.mark.django_db(transaction=True)
def test_an_active_operation_without_figures_gets_them_compiled(coordinator, cast):
    cast.family_of(cast.de)
    assert not StatisticsSnapshot.objects.exists()
    partial = get(coordinator, "dashboard_live", cast)
    assert StatisticsSnapshot.objects.filter(operation=cast.operation).count() == 1
    assert 'data-figure="urls"><dt>URLs related to human trafficking detected</dt><dd>1</dd>' in partial
    assert "recompute requested" not in partial  # the job ran in-process, as in the embedded mode


def test_a_closed_operation_keeps_its_last_figures_and_is_not_recompiled_by_polling(coordinator, cast):
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    assert "No figures yet" in get(coordinator, "dashboard_live", cast)
    assert not StatisticsSnapshot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_recompute_now_answers_htmx_with_the_fresh_figures(coordinator, cast):
    snapshot_compile(operation=cast.operation)
    cast.family_of(cast.fr)
    response = coordinator.post(reverse("dashboard_recompute", args=[cast.operation.code]),
                                headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="live"')
    assert '<dt>potential victims of human trafficking identified</dt><dd>1</dd>' in html


def test_charts_are_inline_svg_without_script_or_inline_style(coordinator, cast):
    cast.family_of(cast.de)
    snapshot_compile(operation=cast.operation)
    partial = get(coordinator, "dashboard_live", cast)
    assert partial.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "<script" not in partial and "style=" not in partial
    assert "http://" not in partial.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_per_country_and_focus_tag_tables_list_the_teams(coordinator, cast):
    cast.family_of(cast.de)
    snapshot_compile(operation=cast.operation)
    partial = get(coordinator, "dashboard_live", cast)
    germany = re.search(r'<tr data-team="DE"><th scope="row">Germany</th>(.*?)</tr>', partial).group(1)
    # URLs 1, accounts 1, victims 1, minors 0, perpetrators 1, entities 2 (accounts + suspects; the check
    # is only planned), platforms checked 0, persons 2, locations 0, phone numbers 0, experts 0, monitored 1
    assert re.findall(r">(\d+)<", germany)[:12] == ["1", "1", "1", "0", "1", "2", "0", "2", "0", "0", "0", "1"]


def test_recent_activity_says_what_happened_without_personal_data(coordinator, cast):
    family = cast.family_of(cast.de)
    audit.record(actor=cast.coordinator, action="consult", obj=family["victim"], summary="victim record viewed")
    activity = get(coordinator, "dashboard_activity", cast)
    assert "Case opened" in activity and "Suspect logged" in activity and "URL logged" in activity
    assert "victim record viewed" not in activity  # consultations are for auditors
    for personal in ("Dima", family["victim"].code, "escortguide", cast.de.username):
        assert personal not in activity
