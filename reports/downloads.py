"""A report's PDF leaves the system only here, for the page and the API alike: after the access
rule and the hash check (``building.report_disclose``, which records the disclosure), as an inert
attachment carrying its SHA-256."""

from django.http import FileResponse

from . import building
from .models import Report


def report_response(*, user, report: Report) -> FileResponse:
    """The finished report as a download. Raises PermissionDenied (not theirs) and
    ``building.ReportUnavailable`` (not built, or its file is missing or altered)."""
    handle = building.report_disclose(user=user, report=report)
    response = FileResponse(
        handle, as_attachment=True, filename=building.download_name(report), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Report-SHA256"] = report.sha256
    return response
