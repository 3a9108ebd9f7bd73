"""A prosecutor's home page: the cases shared with them, newest first, each with its case-file button and
the status of the newest case file built of it (for them)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from findings.models import Case
from operations.access import reach_of

from ..models import Report

SHOWN = 500


@login_required
@require_GET
def shared_cases(request):
    """The cases the user reads as a prosecutor (``visible_to``: those shared with them by name)."""
    prosecuted = reach_of(request.user).prosecuted
    cases = list(Case.objects.visible_to(request.user).filter(operation_id__in=prosecuted)
                 .select_related("operation").order_by("-created_at", "-pk")[:SHOWN])
    newest = {}
    reports = (Report.objects.visible_to(request.user).filter(kind=Report.Kind.CASE_FILE, case__in=cases)
               .order_by("case_id", "-requested_at"))
    for report in reports:
        newest.setdefault(report.case_id, report)
    rows = [(case, newest.get(case.pk)) for case in cases]
    return render(request, "reports/shared_cases.html", {"rows": rows, "shown": SHOWN})
