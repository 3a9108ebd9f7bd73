"""Evidence files leave the system only here: through the access rule, as an inert attachment, audited.

One exception, shown in a page rather than downloaded: a page capture's screenshot, served as the PNG
it is (checked) by ``screenshot_response``, never the captured page's own markup."""

from django.db import transaction
from django.http import FileResponse, Http404

import audit
from findings.models import Evidence

from .services import ACTIVE_CONTENT_TYPES


def download_name(evidence: Evidence) -> str:
    """The original name (metadata only) or a neutral one; never a path."""
    name = (evidence.original_name or "").replace("/", "_").replace("\\", "_").strip(". ")
    return name or f"evidence-{evidence.sha256[:12]}"


def evidence_response(*, user, evidence: Evidence, justification: str = "",
                      content_type: str | None = None) -> FileResponse:
    """The evidence file as an inert attachment with its SHA-256, the download recorded in the audit trail.

    The caller has read ``evidence`` through ``visible_to``, and for the evidence of a possible
    victim has the reader's ``justification``, as for the victim's own record (audit.consultation).
    ``content_type``: what to send instead of the file's own type (the API always sends
    ``application/octet-stream``); markup (a saved page) is never handed to the browser as markup,
    even by mistake. Raises Http404 when the file is missing.
    """
    if evidence.victim_id and not justification:
        raise ValueError("The evidence of a possible victim is downloaded only with a justification.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this evidence is missing from storage.") from None
    with transaction.atomic():
        audit.record(actor=user, action="consult", obj=evidence, summary="evidence file downloaded",
                     justification=justification)
    # Judged by the type without its parameters: "text/html; charset=…" is markup too.
    base_type = evidence.content_type.split(";")[0].strip().lower()
    safe_type = "application/octet-stream" if base_type in ACTIVE_CONTENT_TYPES else evidence.content_type
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(evidence), content_type=content_type or safe_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Evidence-SHA256"] = evidence.sha256
    response["X-Evidence-Content-Type"] = safe_type
    return response


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot_response(*, user, evidence: Evidence) -> FileResponse:
    """A capture's screenshot, inline, as ``image/png`` — and only if the stored bytes are a PNG.

    The caller found ``evidence`` as a visible capture's ``screenshot.png``. The image is what the
    case and URL pages show of a captured page; its viewing is a consultation, like a download.
    """
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this evidence is missing from storage.") from None
    if evidence.content_type != "image/png" or handle.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
        handle.close()
        raise Http404("This evidence is not a PNG image.")
    handle.seek(0)
    with transaction.atomic():
        audit.record(actor=user, action="consult", obj=evidence, summary="page capture screenshot viewed")
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = 'inline; filename="screenshot.png"'
    response["Cache-Control"] = "private, no-store"
    response["X-Evidence-SHA256"] = evidence.sha256
    return response
