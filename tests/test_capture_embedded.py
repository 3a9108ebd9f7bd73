"""The embedded demo has no worker: a capture runs in-process once the request commits, with a
browser of its own that ends with it."""

import threading

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from evidence.models import Capture

from .capturing import url_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def jobs_in_process(monkeypatch, capture_settings):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def test_a_capture_asked_for_on_the_page_is_done_when_the_answer_comes(client, cast, hostile_site,
                                                                        django_capture_on_commit_callbacks):
    url = url_of(cast.de, cast.operation, hostile_site.url("/plain"))
    client.force_login(cast.de)
    before = set(threading.enumerate())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("capture_start", args=[cast.operation.code, "url", url.pk]))
    assert response.status_code == 302
    capture = Capture.objects.with_files().get()
    assert capture.status == "done" and len(capture.files.all()) == 5
    browsers = [t for t in threading.enumerate() if t.name.startswith("capture-browser") and t not in before]
    assert browsers == []  # its browser's thread ended with it
