"""Storing evidence files: hashed while streaming, typed by content, never by name."""

import hashlib
import os
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.utils import timezone

import audit
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from operations.access import require_change, require_log_in

# (content type, magic bytes at offset 0) — the types analysts capture.
_SIGNATURES = [
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/gif", b"GIF87a"),
    ("image/gif", b"GIF89a"),
    ("application/pdf", b"%PDF-"),
    ("video/webm", b"\x1a\x45\xdf\xa3"),
    ("application/zip", b"PK\x03\x04"),
]
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<!--")
# The rest of the WHATWG MIME-sniffing table: what a browser would take for HTML, whatever the name says,
# when one of these tags opens the file (followed by a space, a slash or ">").
_HTML_TAGS = (b"<iframe", b"<h1", b"<div", b"<font", b"<table", b"<a", b"<style", b"<title", b"<b", b"<br", b"<p",
              b"<img", b"<object", b"<embed", b"<math")
_TAG_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r", b"\x0c")


def sniff_content_type(head: bytes) -> str:
    """The type of a file judged from its first bytes. Markup (HTML, SVG, XML) counts as a saved page."""
    for content_type, magic in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(_HTML_MARKERS) or any(
        lowered.startswith(tag) and lowered[len(tag):len(tag) + 1] in _TAG_ENDS for tag in _HTML_TAGS
    ):
        return "text/html"
    if lowered.startswith(b"mime-version:") or b"\nmime-version:" in lowered[:2048]:
        return "multipart/related"  # a saved page (MHTML)
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


# Content a browser would run (markup, saved pages) if it were ever rendered instead of downloaded.
ACTIVE_CONTENT_TYPES = {"text/html", "multipart/related"}
# Names under which markup is expected: a page saved honestly. Any other name hides what the file is.
_MARKUP_EXTENSIONS = {".html", ".htm", ".xhtml", ".mht", ".mhtml", ".svg", ".xml"}


def require_name_fits_content(name: str, content_type: str) -> None:
    """Refuse markup that pretends to be something else (an HTML file named .png).

    A saved page under its own name is fine (it is stored, and only ever downloaded as an
    attachment); the same bytes disguised as an image, a PDF or a video are what an attacker sends.
    """
    if content_type not in ACTIVE_CONTENT_TYPES:
        return
    extension = os.path.splitext(name.lower())[1]
    if extension and extension not in _MARKUP_EXTENSIONS:
        raise ValidationError(
            f"The file is named “{os.path.basename(name)}” but its content is a web page (HTML), not a "
            f"{extension} file. Nothing was stored. If it is a saved page, give it an .html or .mhtml name."
        )


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes settings.EVIDENCE_MAX_BYTES.

    Put it first in ``request.upload_handlers`` before the body is read: the rest of the body is
    skipped instead of written to a temporary file, and ``too_large`` tells the view what happened.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.EVIDENCE_MAX_BYTES
        self.received = 0
        self.too_large = False
        self.body_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The body is a little larger than the file (other fields, boundaries): far larger means
        # the file is too large, and the first chunk of it already stops the upload.
        self.body_too_large = bool(content_length and content_length > self.limit + 64 * 1024)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.body_too_large or self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def size_limit_message() -> str:
    megabytes = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    return f"The file is larger than the limit of {megabytes} MB. Nothing was stored."


_LINK_FIELD = {Case: "case", Suspect: "suspect", PossibleVictim: "victim", DetectedUrl: "url", SocialAccount: "account"}


def evidence_attach(
    *,
    user,
    upload,
    finding=None,
    operation=None,
    description: str = "",
    source_url: str = "",
    captured_at=None,
) -> Evidence:
    """Store an uploaded file as evidence of a finding (or of the operation, for the user's team).

    The SHA-256 is computed while the file streams to a temporary file; the stored name is
    random and the original name is kept as metadata only.
    """
    if finding is not None:
        require_change(user, finding)
        operation = finding.operation
        team = finding.team
    else:
        membership = require_log_in(user, operation)
        team = membership.team
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"The file is larger than the limit of {limit // (1024 * 1024)} MB.")

    digest = hashlib.sha256()
    size = 0
    head = b""
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False) as temporary:
        try:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise ValidationError(f"The file is larger than the limit of {limit // (1024 * 1024)} MB.")
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                digest.update(chunk)
                temporary.write(chunk)
            if size == 0:
                raise ValidationError("The file is empty.")
            temporary.flush()
            temporary.seek(0)

            content_type = sniff_content_type(head)
            require_name_fits_content(upload.name or "", content_type)
            evidence = Evidence(
                operation=operation,
                team=team,
                created_by=user,
                captured_by=user,
                captured_at=captured_at or timezone.now(),
                sha256=digest.hexdigest(),
                size=size,
                content_type=content_type,
                original_name=os.path.basename((upload.name or "").replace("\\", "/"))[:255],
                description=description,
                source_url=source_url,
            )
            if finding is not None:
                if isinstance(finding, Case):
                    evidence.case = finding
                else:
                    setattr(evidence, _LINK_FIELD[type(finding)], finding)
                    evidence.case = finding.case
            evidence.file.save("evidence", File(temporary), save=False)
        finally:
            os.unlink(temporary.name)
    try:
        with transaction.atomic():
            evidence.full_clean()
            evidence.save()
            audit.record(
                actor=user, action="collect", obj=evidence, summary=f"evidence stored ({evidence.content_type})"
            )
    except Exception:
        evidence.file.storage.delete(evidence.file.name)  # no orphan file for a row that was never saved
        raise
    return evidence
