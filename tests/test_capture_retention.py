"""Retention erases an operation's page captures with its evidence: the capture rows (their addresses)
and their files go, and the erasure counts them."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from evidence.models import Capture
from findings.models import Evidence
from operations.models import Operation
from retention.services import erase_expired

from .capturing import captured, url_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_an_erased_operation_keeps_no_capture_and_no_capture_file(cast, hostile_site, capture_browser,
                                                                    capture_settings,
                                                                    django_capture_on_commit_callbacks):
    capture = captured(cast.de, url_of(cast.de, cast.operation, hostile_site.url("/plain")), capture_browser)
    stored = [e.file.path for e in capture.files.all()]
    Operation.objects.filter(pk=cast.operation.pk).update(status="closed",
                                                          closed_at=timezone.now() - dt.timedelta(days=1000))

    with django_capture_on_commit_callbacks(execute=True):
        erase_expired()

    assert not Capture.objects.filter(operation=cast.operation).exists()
    assert not Evidence.objects.filter(operation=cast.operation).exists()
    assert not any(os.path.exists(path) for path in stored)
    [event] = AuditEvent.objects.filter(action="erase")
    assert "evidence files: 5, page captures: 1" in event.summary
