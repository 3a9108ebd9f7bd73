"""POST /api/v1/operations/{id}/import/: the bulk import through the API, in the error shape of the API."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.trail import verify_chain
from findings.models import DetectedUrl, Suspect

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def upload(client, cast, kind, text, name="rows.csv", **extra):
    body = {"kind": kind, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}
    return client.post(url("operation-import-file", cast.operation.pk), body, format="multipart", **extra)


def test_a_good_file_answers_201_with_the_counts(cast):
    response = upload(api_as(cast.de), cast, "suspects", "alias,role\nDima,handler\nSasha,\n")
    assert response.status_code == 201
    assert response.json() == {"kind": "suspects", "rows": 2, "created": 2, "existing": 0}
    assert set(Suspect.objects.values_list("team", flat=True)) == {"DE"}


def test_the_same_file_again_answers_200_and_creates_nothing(cast):
    client = api_as(cast.de)
    upload(client, cast, "suspects", "alias\nDima\n")
    again = upload(client, cast, "suspects", "alias\nDima\n")
    assert again.status_code == 200
    assert again.json()["created"] == 0 and again.json()["existing"] == 1
    assert Suspect.objects.count() == 1


def test_a_bad_file_answers_400_with_every_problem_and_saves_nothing(cast):
    response = upload(api_as(cast.de), cast, "urls", "url\nhttps://ok.example/\nnot a url\n\nhttp://\n")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file"
    assert [(row["line"], row["field"]) for row in body["rows"]] == [(3, "url"), (5, "url")]
    assert not DetectedUrl.objects.exists()


@pytest.mark.parametrize("role, expected", [("prosecutor", 403), ("outsider", 404), ("anonymous", 401)])
def test_only_members_who_log_may_import(cast, role, expected):
    response = upload(api_as(getattr(cast, role)), cast, "urls", "url\nhttps://a.example/\n")
    assert response.status_code == expected
    assert not DetectedUrl.objects.exists()


def test_a_retried_import_with_its_idempotency_key_is_answered_once(cast):
    client = api_as(cast.de)
    first = upload(client, cast, "victims", "age_band\n18-24\n", HTTP_IDEMPOTENCY_KEY="import-1")
    again = upload(client, cast, "victims", "age_band\n18-24\n", HTTP_IDEMPOTENCY_KEY="import-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"


def test_ten_thousand_rows_import_whole_and_audited(cast):
    # How long this takes is measured by the benchmarks (make bench), not asserted here.
    rows = [f"https://adverts-{i % 97}.example/listing/{i}?utm_source=feed,row {i}" for i in range(10_000)]
    lines = ["url,note", *rows]
    client = api_as(cast.de)
    response = upload(client, cast, "urls", "\n".join(lines) + "\n", name="big.csv")
    assert response.status_code == 201, response.content[:500]
    assert response.json()["created"] == 10_000
    assert DetectedUrl.objects.filter(team="DE").count() == 10_000
    assert verify_chain() == []
