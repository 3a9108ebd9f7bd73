"""Only the operation's coordinators reach its dashboard; everyone else gets the same 404.

A 404 rather than a 403: the house rule answers "not yours" like "does not exist", and an
analyst or prosecutor has no business knowing which pages coordinators have.
"""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from config.celery import app as celery_app
from operations.models import Membership
from reports.models import StatisticsSnapshot

from .cast import add_member

pytestmark = pytest.mark.django_db

GET_PAGES = ["dashboard", "dashboard_live", "dashboard_activity"]
POST_PAGES = ["dashboard_recompute", "dashboard_headline"]


@pytest.fixture(autouse=True)
def jobs_in_process(monkeypatch):
    # As in the embedded mode: an enqueued job runs on commit, in this process.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def url(name, cast, code=None):
    return reverse(name, args=[code or cast.operation.code])


@pytest.mark.parametrize("role", ["de", "fr", "prosecutor", "outsider"])
@pytest.mark.parametrize("page", GET_PAGES)
def test_others_cannot_read_the_dashboard(client, cast, role, page):
    cast.family_of(cast.de)
    client.force_login(getattr(cast, role))
    response = client.get(url(page, cast))
    assert response.status_code == 404
    assert b"headline" not in response.content


@pytest.mark.parametrize("role", ["de", "fr", "prosecutor", "outsider"])
def test_others_cannot_choose_the_headline_or_recompute(client, cast, role):
    client.force_login(getattr(cast, role))
    events_before = AuditEvent.objects.count()
    assert client.post(url("dashboard_headline", cast), {"figure": ["urls"]}).status_code == 404
    assert client.post(url("dashboard_recompute", cast)).status_code == 404
    cast.operation.refresh_from_db()
    assert cast.operation.headline_figures == []
    assert AuditEvent.objects.count() == events_before
    assert not StatisticsSnapshot.objects.exists()


def test_a_coordinator_of_another_operation_gets_the_same_404(client, cast):
    stranger = add_member(cast.other_operation, Membership.Role.COORDINATOR, "NL")
    client.force_login(stranger)
    for page in GET_PAGES:
        assert client.get(url(page, cast)).status_code == 404
    assert client.get(url("dashboard", cast, code=cast.other_operation.code)).status_code == 200


def test_an_unknown_operation_gets_the_same_404(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(url("dashboard", cast, code="NO-SUCH-OP")).status_code == 404


@pytest.mark.parametrize("page", GET_PAGES + POST_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, cast, page):
    response = client.post(url(page, cast)) if page in POST_PAGES else client.get(url(page, cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", GET_PAGES)
def test_the_coordinator_reads_every_part(client, cast, page):
    client.force_login(cast.coordinator)
    assert client.get(url(page, cast)).status_code == 200


def test_reading_pages_refuse_post_and_writing_pages_refuse_get(client, cast):
    client.force_login(cast.coordinator)
    assert client.post(url("dashboard_live", cast)).status_code == 405
    assert client.get(url("dashboard_headline", cast)).status_code == 405


def test_the_navigation_offers_the_dashboard_to_coordinators_only(client, cast):
    overview = reverse("operation_detail", args=[cast.operation.code])
    link = f'href="{url("dashboard", cast)}"'.encode()
    client.force_login(cast.coordinator)
    assert link in client.get(overview).content
    for role in ("de", "prosecutor"):
        client.force_login(getattr(cast, role))
        assert link not in client.get(overview).content
