"""The PDF builders: operation summary, case file, country-team report.

``render(report, out, progress=...)`` reads what the report covers — through the access rule of the
person who asked for it, except the summary's aggregates — and writes the PDF to the binary file
``out``. ``common`` holds the page frame every report shares (handling marking, page X of Y,
operation code, generation time, the report's identifier on the last page) and the fonts.
"""

from django.utils import timezone

from . import case_file, summary, team
from .common import Progress, ReportDocument, ReportMeta, register_fonts
from .people import People

BUILDERS = {
    "operation_summary": summary,
    "case_file": case_file,
    "team_report": team,
}

KIND_LABELS = {"operation_summary": "Operation summary", "case_file": "Case file", "team_report": "Country-team report"}


def scope_of(report) -> str:
    if report.kind == "case_file":
        return report.case.reference
    if report.kind == "team_report":
        return f"Team {report.team}"
    return report.operation.code


def render(report, out, *, progress=None, generated_at=None) -> None:
    """Write the PDF of ``report`` to ``out``; ``progress(percent)`` is told how far it got (40 → 90)."""
    register_fonts()
    builder = BUILDERS[report.kind]
    user = report.requested_by
    data = builder.read(user, report)
    if progress:
        progress(40)
    meta = ReportMeta(
        report_id=str(report.pk),
        kind_label=KIND_LABELS[report.kind],
        scope=scope_of(report),
        operation_code=report.operation.code,
        operation_name=report.operation.name,
        generated_at=generated_at or timezone.now(),
        requested_by=People(report.operation).describe(user.pk),
        handling=builder.handling_of(data),
    )
    pages = Progress(progress, start=40, end=90, expected_pages=builder.expected_pages(data))
    doc = ReportDocument(out, meta=meta, on_page=pages)
    builder.build(doc, meta=meta, data=data)
