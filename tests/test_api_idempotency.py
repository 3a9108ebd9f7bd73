"""Idempotency-Key: a POST retried with the same key is answered once and changes nothing twice."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from api.models import IdempotencyKey
from audit.models import AuditEvent
from findings.models import Suspect
from operations.services import operation_close, operation_start

from .api_client import api_as, url
from .cast import build_cast


def post_suspect(client, cast, key, alias="Dima"):
    return client.post(
        url("suspect-list"), {"operation": cast.operation.pk, "alias": alias}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(cast):
    client = api_as(cast.de)
    first = post_suspect(client, cast, "4b1d5c1e-retry")
    again = post_suspect(client, cast, "4b1d5c1e-retry")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Suspect.objects.filter(alias="Dima").count() == 1
    assert AuditEvent.objects.filter(object_type="findings.suspect", action="collect").count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_counts(cast):
    client = api_as(cast.de)
    client.post(url("suspect-list"), {"operation": cast.operation.pk, "alias": "Twice"}, format="json")
    client.post(url("suspect-list"), {"operation": cast.operation.pk, "alias": "Twice"}, format="json")
    assert Suspect.objects.filter(alias="Twice").count() == 2


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused(cast):
    client = api_as(cast.de)
    post_suspect(client, cast, "key-1", alias="Dima")
    other = post_suspect(client, cast, "key-1", alias="Sasha")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert not Suspect.objects.filter(alias="Sasha").exists()


@pytest.mark.django_db
def test_keys_belong_to_one_user(cast):
    post_suspect(api_as(cast.de), cast, "shared-key")
    second = post_suspect(api_as(cast.de2), cast, "shared-key")
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert Suspect.objects.filter(alias="Dima").count() == 2


@pytest.mark.django_db
def test_an_error_is_not_remembered_so_a_retry_runs_for_real(cast):
    client = api_as(cast.de)
    operation_close(user=cast.coordinator, operation=cast.operation)
    refused = post_suspect(client, cast, "after-reopen")
    assert refused.status_code == 403
    assert not IdempotencyKey.objects.filter(key="after-reopen").exists()
    operation_start(user=cast.coordinator, operation=cast.operation)
    retried = post_suspect(client, cast, "after-reopen")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Suspect.objects.filter(alias="Dima").count() == 1


@pytest.mark.django_db
def test_keys_expire_after_a_day(cast):
    client = api_as(cast.de)
    post_suspect(client, cast, "yesterday")
    IdempotencyKey.objects.filter(key="yesterday").update(created_at=timezone.now() - dt.timedelta(hours=25))
    later = post_suspect(client, cast, "yesterday")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert Suspect.objects.filter(alias="Dima").count() == 2


@pytest.mark.django_db
def test_a_key_must_be_short_printable_text(cast):
    response = post_suspect(api_as(cast.de), cast, "x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert not Suspect.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_presses_at_the_same_moment_create_one_record():
    cast = build_cast()
    results = []
    barrier = threading.Barrier(2)

    def press():
        try:
            client = api_as(cast.de)
            barrier.wait(timeout=10)
            results.append(post_suspect(client, cast, "double-press"))
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.status_code for r in results) == [201, 201]
    assert results[0].json()["id"] == results[1].json()["id"]
    assert sum("Idempotent-Replayed" in r for r in results) == 1
    assert Suspect.objects.filter(alias="Dima").count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_file_of_the_same_name_is_refused(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_as(cast.de)

    def upload(text):
        body = {"kind": "suspects", "file": SimpleUploadedFile("team.csv", text.encode())}
        return client.post(url("operation-import-file", cast.operation.pk), body, format="multipart",
                           HTTP_IDEMPOTENCY_KEY="upload-1")

    assert upload("alias\nDima\n").status_code == 201
    assert upload("alias\nIgor\n").status_code == 422  # same name and size, other content
    assert list(Suspect.objects.values_list("alias", flat=True)) == ["Dima"]
