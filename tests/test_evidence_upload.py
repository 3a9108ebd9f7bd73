"""Evidence upload on any finding: hashed while streaming, typed by content, disguised markup refused."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from findings import services as findings
from findings.models import Evidence
from operations.models import Operation

from .cast import PNG

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(client, cast, kind, pk, content, name, **data):
    # The file goes last, as a browser sends the page's form (the file input is its last field).
    return client.post(reverse("evidence_upload", args=[cast.operation.code, kind, pk]),
                       {**data, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("kind", ["case", "suspect", "victim", "url", "account"])
def test_evidence_can_be_attached_to_any_finding(client, cast, kind):
    family = cast.family_of(cast.de)
    client.force_login(cast.de)
    response = upload(client, cast, kind, family[kind].pk, PNG, "screenshot.png", description="advert")
    assert response.status_code == 302
    evidence = Evidence.objects.exclude(pk=family["evidence"].pk).get()
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()
    assert (evidence.content_type, evidence.original_name, evidence.size) == ("image/png", "screenshot.png", len(PNG))
    assert evidence.case == family["case"]
    assert "screenshot" not in evidence.file.name  # stored under a random name
    page = client.get(response["Location"]).content.decode()
    assert "Evidence stored" in page and evidence.sha256 in page


def test_html_disguised_as_an_image_is_refused_and_the_form_kept(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    response = upload(client, cast, "case", case.pk, HTML, "advert.png", description="the advert",
                      source_url="hxxps://escortguide[.]example/ad")
    html = response.content.decode()
    assert response.status_code == 400
    assert "its content is a web page (HTML), not a .png file" in html
    assert 'value="the advert"' in html and 'value="hxxps://escortguide[.]example/ad"' in html
    assert not Evidence.objects.exists()


def test_a_saved_page_under_its_own_name_is_stored_as_html(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    upload(client, cast, "case", case.pk, HTML, "advert.html")
    assert Evidence.objects.get().content_type == "text/html"


def test_file_type_comes_from_the_content_not_the_name(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    upload(client, cast, "case", case.pk, b"%PDF-1.7 rest of the file", "statement.png")
    assert Evidence.objects.get().content_type == "application/pdf"


def test_file_above_the_size_limit_is_refused_before_it_is_stored(client, cast, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    response = upload(client, cast, "case", case.pk, PNG + b"\x00" * 4096, "big.png", description="too big")
    html = response.content.decode()
    assert response.status_code == 400
    assert "larger than the limit" in html
    assert 'value="too big"' in html  # fields before the file still arrive
    assert not Evidence.objects.exists()


def test_empty_file_is_refused(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    response = client.post(reverse("evidence_upload", args=[cast.operation.code, "case", case.pk]),
                           {"file": SimpleUploadedFile("empty.png", b"")})
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_other_team_cannot_attach_evidence_to_a_url_it_only_sees(client, cast):
    theirs, _ = findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/fr")
    client.force_login(cast.de)
    response = upload(client, cast, "url", theirs.pk, PNG, "shot.png")
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_unseen_finding_answers_404(client, cast):
    case = cast.case_of(cast.fr)
    client.force_login(cast.de)
    assert upload(client, cast, "case", case.pk, PNG, "shot.png").status_code == 404


def test_upload_is_refused_in_a_closed_operation(client, cast):
    case = cast.case_of(cast.de)
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    client.force_login(cast.de)
    response = upload(client, cast, "case", case.pk, PNG, "shot.png")
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    assert not Evidence.objects.exists()


def test_upload_without_csrf_token_is_refused(cast):
    from django.test import Client

    case = cast.case_of(cast.de)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.de)
    response = upload(client, cast, "case", case.pk, PNG, "shot.png")
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_size_limit_stops_reading_the_upload_as_it_streams(settings):
    from django.core.files.uploadhandler import StopUpload

    from evidence.services import EvidenceSizeLimitHandler

    settings.EVIDENCE_MAX_BYTES = 100
    handler = EvidenceSizeLimitHandler()
    handler.handle_raw_input(None, {}, 150, b"boundary")
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.too_large and not stopped.value.connection_reset


def test_size_limit_stops_at_the_first_chunk_when_the_body_is_far_too_large(settings):
    from django.core.files.uploadhandler import StopUpload

    from evidence.services import EvidenceSizeLimitHandler

    settings.EVIDENCE_MAX_BYTES = 100
    handler = EvidenceSizeLimitHandler()
    handler.handle_raw_input(None, {}, 10 * 1024 * 1024, b"boundary")
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x", 0)
