"""The import page: choose what the file holds, upload it, read what was saved or what is wrong."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from findings.models import DetectedUrl, Suspect

pytestmark = pytest.mark.django_db


def page(cast):
    return f"/operations/{cast.operation.code}/import/"


def post(client, cast, kind, text):
    return client.post(page(cast), {"kind": kind, "file": SimpleUploadedFile("rows.csv", text.encode())})


def test_the_page_offers_the_form_the_columns_and_the_exports(client, cast):
    client.force_login(cast.de)
    response = client.get(page(cast))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert "alias</code>" in content or "alias, " in content
    assert f"/api/v1/urls/export/?operation={cast.operation.pk}" in content
    assert "Import/export" in content  # the operation's navigation links here


def test_a_good_file_is_imported_and_counted(client, cast):
    client.force_login(cast.de)
    response = post(client, cast, "suspects", "alias\nDima\nSasha\n")
    assert response.status_code == 200
    assert "2 new" in response.content.decode()
    assert Suspect.objects.filter(team="DE").count() == 2


def test_a_bad_file_lists_every_problem_with_its_line_and_saves_nothing(client, cast):
    client.force_login(cast.de)
    response = post(client, cast, "urls", "url\nhttps://ok.example/\nnot a url\nftp://x.example/\n")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported: 2 problems were found" in content
    assert "<td>3</td>" in content and "<td>4</td>" in content
    assert "contains spaces" in content
    assert not DetectedUrl.objects.exists()


def test_a_prosecutor_sees_why_they_cannot_import(client, cast):
    client.force_login(cast.prosecutor)
    assert 'type="file"' not in client.get(page(cast)).content.decode()
    response = post(client, cast, "urls", "url\nhttps://a.example/\n")
    assert response.status_code == 403
    assert not DetectedUrl.objects.exists()


def test_another_operations_page_is_not_found(client, cast):
    client.force_login(cast.outsider)
    assert client.get(page(cast)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, cast):
    response = client.get(page(cast))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
