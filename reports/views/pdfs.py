"""Pages for PDF reports: ask for one, watch it build, download it, retry a failed one.

Thin: the rule and the work are in reports/building.py. Anything refused — an operation the user
is not in, a case they cannot see, a report that is not theirs — gets the same 404 as something
that does not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from findings.models import Case
from operations.access import is_coordinator, membership_in
from operations.countries import country_name
from operations.desk import login_required_keep_form
from operations.models import Operation

from .. import building
from ..downloads import report_response
from ..models import Report

# How often a queued or running report's row asks for news (htmx polling).
POLL_SECONDS = 2


def _operation(request, code) -> Operation:
    operation = Operation.objects.visible_to(request.user).filter(code=code).first()
    if operation is None:
        raise Http404("No such operation.")
    return operation


def _report(request, operation, report_id) -> Report:
    report = building.report_for(request.user, operation, report_id)
    if report is None:
        raise Http404("No such report.")
    return report


def _visible_case(request, operation, reference) -> Case:
    case = Case.objects.visible_to(request.user).in_operation(operation).filter(reference=reference).first()
    if case is None:
        raise Http404("No such case.")
    return case


@login_required_keep_form
@require_GET
def report_list(request, code):
    operation = _operation(request, code)
    membership = membership_in(request.user, operation)
    context = {
        "operation": operation,
        "membership": membership,
        "reports": building.reports_for(request.user, operation),
        "may_summary": building.may_request(request.user, kind=Report.Kind.OPERATION_SUMMARY, operation=operation),
        "teams": [(team, country_name(team)) for team in building.team_choices(request.user, operation)],
        "cases": list(
            Case.objects.visible_to(request.user).in_operation(operation).order_by("-created_at")
            .values("reference", "title", "handling_code")[:500]
        ),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "reports/report_list.html", context)


@login_required_keep_form
@require_POST
def report_request(request, code):
    """Ask for a report; the build runs once this request commits, and the list shows its progress."""
    operation = _operation(request, code)
    kind = request.POST.get("kind", "")
    case = None
    if kind == Report.Kind.CASE_FILE:
        case = _visible_case(request, operation, request.POST.get("case", "").strip())
    team = request.POST.get("team", "").strip().upper()
    return _ask(request, operation, kind=kind, case=case, team=team)


@login_required_keep_form
@require_http_methods(["GET", "POST"])
def report_case_file(request, code, reference):
    """The case file of one case: a page to confirm (GET, e.g. from the case page), then the request (POST)."""
    operation = _operation(request, code)
    case = _visible_case(request, operation, reference)
    if request.method == "POST":
        return _ask(request, operation, kind=Report.Kind.CASE_FILE, case=case, team="")
    context = {
        "operation": operation,
        "case": case,
        "reports": [
            r for r in building.reports_for(request.user, operation) if r.kind == Report.Kind.CASE_FILE and
            r.case_id == case.pk
        ],
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "reports/report_case_file.html", context)


def _ask(request, operation, *, kind, case, team):
    try:
        report = building.report_request(user=request.user, kind=kind, operation=operation, case=case, team=team)
    except PermissionDenied:
        raise Http404("No such report.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("report_list", code=operation.code)
    messages.success(request, f"{report.get_kind_display()} requested: it appears below when it is built.")
    return redirect("report_list", code=operation.code)


@login_required_keep_form
@require_GET
def report_row(request, code, report_id):
    """One report's row: what the list polls while the report is queued or running."""
    operation = _operation(request, code)
    report = _report(request, operation, report_id)
    context = {"operation": operation, "report": report, "poll_seconds": POLL_SECONDS,
               "coordinator": is_coordinator(request.user, operation)}
    return render(request, "reports/report_list.html#row", context)


@login_required_keep_form
@require_POST
def report_retry(request, code, report_id):
    operation = _operation(request, code)
    report = _report(request, operation, report_id)
    try:
        building.report_retry(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The report is queued again.")
    return redirect("report_list", code=operation.code)


@login_required_keep_form
@require_GET
def report_download(request, code, report_id):
    """The PDF, as an attachment, after the access rule and the hash check; recorded as a disclosure."""
    operation = _operation(request, code)
    report = _report(request, operation, report_id)
    try:
        return report_response(user=request.user, report=report)
    except building.ReportUnavailable as exc:
        raise Http404(str(exc)) from None
