"""Hostile evidence uploads, through the page and the API: path-traversal and control-character names,
bodies over the size limit, markup disguised as images. Each is refused or stored inert, and nothing is
ever written outside the storage folder.

The multipart bodies are written by hand: Django's test client would clean a file name before sending
it, and an attacker's client does not.
"""

import hashlib
import os
from pathlib import Path

import pytest
from django.urls import reverse

from evidence.services import sniff_content_type
from findings.models import Evidence

from .api_client import api_as, url
from .cast import PNG

pytestmark = pytest.mark.django_db

BOUNDARY = "----attack0boundary"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
TRAVERSALS = [
    "../../etc/passwd",
    "..\\..\\x.png",
    "/etc/cron.d/evil.png",
    "....//....//x.png",
    "%2e%2e%2f%2e%2e%2fx.png",
    "shot\x00.php.png",
    "shot\r\nContent-Type: text/html\r\n.png",
    "..",
    "C:\\Windows\\system32\\x.png",
    "x" * 400 + ".png",
]
DISGUISED = {
    "html as .png": (HTML, "advert.png"),
    "svg as .png": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.png"),
    "svg with an xml prolog as .jpg": (b'<?xml version="1.0"?><svg onload="alert(1)"></svg>', "photo.jpg"),
    "html after a byte order mark and blank lines as .gif": (b"\xef\xbb\xbf\n\n  " + HTML, "anim.gif"),
    "html opening with a comment as .png": (b"<!-- saved --><script>alert(1)</script>", "shot.png"),
    "html opening with a div as .pdf": (b"<div onmouseover=alert(1)>statement</div>", "statement.pdf"),
    "html opening with an img as .webp": (b"<img src=x onerror=alert(1)>", "x.webp"),
}


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    """Storage and upload temp folders of the test's own: everything the upload writes is under these."""
    storage, temp = tmp_path / "files", tmp_path / "tmp"
    storage.mkdir()
    temp.mkdir()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(storage)},
    }}
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger files go to the temp folder: it must be left empty
    return {"root": tmp_path, "storage": storage, "temp": temp}


def multipart(fields: dict, filename: str, content: bytes, content_type="image/png") -> bytes:
    """A multipart/form-data body with ``filename`` exactly as given (quotes escaped, nothing else)."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    quoted = filename.replace('"', "%22")
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode("utf-8", "surrogateescape") + content + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def send_page(client, cast, case, filename, content):
    client.force_login(cast.de)
    return client.post(reverse("evidence_upload", args=[cast.operation.code, "case", case.pk]),
                       multipart({"description": "upload"}, filename, content),
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


def send_api(cast, case, filename, content):
    return api_as(cast.de).generic("POST", url("evidence-list"), multipart({"case": case.pk}, filename, content),
                                   content_type=f"multipart/form-data; boundary={BOUNDARY}")


SENDERS = {
    "page": lambda client, cast, case, name, content: send_page(client, cast, case, name, content),
    "api": lambda client, cast, case, name, content: send_api(cast, case, name, content),
}


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def assert_only_evidence_files(folders, cast):
    """What is on disk is exactly the stored evidence, under random names in the operation's folder."""
    stored = {e.file.name for e in Evidence.objects.all()}
    assert files_under(folders["root"]) == {f"files/{name}" for name in stored}
    for name in stored:
        folder, random_name = os.path.split(name)
        assert folder == f"evidence/{cast.operation.pk}" and len(random_name) == 32
        int(random_name, 16)
    assert not files_under(folders["temp"])


@pytest.mark.parametrize("via", list(SENDERS))
@pytest.mark.parametrize("filename", TRAVERSALS, ids=range(len(TRAVERSALS)))
def test_a_path_in_the_file_name_never_reaches_the_disk(client, cast, folders, via, filename):
    case = cast.case_of(cast.de)
    content = PNG + filename.encode("utf-8", "replace")
    response = SENDERS[via](client, cast, case, filename, content)
    assert response.status_code in (201, 302, 400), response.content[:300]
    assert_only_evidence_files(folders, cast)
    for evidence in Evidence.objects.all():
        # The name is metadata only, and never a path: no separator, no control character, bounded.
        assert "/" not in evidence.original_name and "\\" not in evidence.original_name
        assert evidence.original_name.isprintable() and len(evidence.original_name) <= 255
        assert evidence.file.read() == content
    for outside in ("etc/passwd", "x.png", "evil.png"):
        assert not (folders["root"] / outside).exists() and not (folders["storage"] / outside).exists()
        assert not (Path.cwd() / outside).exists()


@pytest.mark.parametrize("via", list(SENDERS))
def test_a_stored_name_with_a_newline_cannot_split_the_download_headers(client, cast, folders, via):
    case = cast.case_of(cast.de)
    SENDERS[via](client, cast, case, "shot\r\nX-Injected: yes\r\n.png", PNG)
    evidence = Evidence.objects.get()
    client.force_login(cast.de)
    response = client.get(reverse("evidence_download", args=[cast.operation.code, evidence.pk]))
    assert response.status_code == 200
    assert "X-Injected" not in response.headers and "\n" not in response["Content-Disposition"]


@pytest.mark.parametrize("via", list(SENDERS))
def test_a_body_over_the_limit_is_refused_and_leaves_nothing_behind(client, cast, folders, settings, via):
    settings.EVIDENCE_MAX_BYTES = 4096
    case = cast.case_of(cast.de)
    response = SENDERS[via](client, cast, case, "big.png", PNG + b"\x00" * 64 * 1024)
    assert response.status_code == (413 if via == "api" else 400)
    assert "larger than the limit" in response.content.decode()
    assert not Evidence.objects.exists()
    assert not files_under(folders["root"])


@pytest.mark.parametrize("via", list(SENDERS))
def test_a_file_just_under_the_limit_is_stored(client, cast, folders, settings, via):
    settings.EVIDENCE_MAX_BYTES = 4096
    case = cast.case_of(cast.de)
    content = PNG + b"\x00" * (4096 - len(PNG))
    response = SENDERS[via](client, cast, case, "fits.png", content)
    assert response.status_code in (201, 302)
    assert Evidence.objects.get().sha256 == hashlib.sha256(content).hexdigest()
    assert_only_evidence_files(folders, cast)


@pytest.mark.parametrize("via", list(SENDERS))
@pytest.mark.parametrize("disguise", list(DISGUISED))
def test_markup_disguised_as_another_type_is_refused(client, cast, folders, via, disguise):
    content, filename = DISGUISED[disguise]
    case = cast.case_of(cast.de)
    response = SENDERS[via](client, cast, case, filename, content)
    assert response.status_code == 400
    assert "its content is a web page (HTML)" in response.content.decode()
    assert not Evidence.objects.exists()
    assert not files_under(folders["root"])


@pytest.mark.parametrize("via", list(SENDERS))
@pytest.mark.parametrize("content, filename", [(HTML, "advert.html"), (DISGUISED["svg as .png"][0], "logo.svg")])
def test_a_saved_page_under_its_own_name_is_stored_and_only_ever_handed_out_inert(client, cast, folders, via,
                                                                                  content, filename):
    case = cast.case_of(cast.de)
    SENDERS[via](client, cast, case, filename, content)
    evidence = Evidence.objects.get()
    assert evidence.content_type == "text/html"
    client.force_login(cast.de)
    for response in (client.get(reverse("evidence_download", args=[cast.operation.code, evidence.pk])),
                     api_as(cast.de).get(url("evidence-download", evidence.pk))):
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    assert_only_evidence_files(folders, cast)


def test_an_image_with_markup_after_its_signature_is_an_image_served_as_an_attachment(client, cast, folders):
    polyglot = PNG + b"<script>alert(1)</script>"
    case = cast.case_of(cast.de)
    send_page(client, cast, case, "poly.png", polyglot)
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png"
    response = client.get(reverse("evidence_download", args=[cast.operation.code, evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("head, expected", [
    (b"<p>Call me</p>", "text/html"), (b"<a href=x>x</a>", "text/html"), (b"<B>bold", "text/html"),
    (b"<!--x-->", "text/html"), (b"<bogus>", "text/plain"), (b"<address> is a plain note", "text/plain"),
    (b"A note: <p> is fine inside", "text/plain"),
])
def test_the_type_is_judged_as_a_browser_would_sniff_it(head, expected):
    assert sniff_content_type(head) == expected
