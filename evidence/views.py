"""Evidence pages: upload a file onto a finding or a case, download one; capture a page and follow it.

The upload's size limit is enforced while the body streams (``EvidenceSizeLimitHandler``); a refused
upload brings back the page it came from with the reason.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from audit.consultation import session_justification
from findings.forms import EvidenceForm
from findings.models import Evidence
from findings.views.cases import render_case_page
from findings.views.records import record_or_404, render_finding_page
from findings.views.workspace import finding_url, saved_redirect
from operations.access import may_change
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse
from platforms.models import PlatformCheck

from .capturing import (
    capture_request,
    capture_retry,
    captures_of,
    captures_request_for_case,
    captures_request_for_check,
    may_capture,
    screenshot_of,
)
from .downloads import evidence_response, screenshot_response
from .models import Capture
from .services import EvidenceSizeLimitHandler, evidence_attach, size_limit_message
from .verification import verify_operation


@csrf_exempt  # the size-limit handler must be installed before the body is read; CSRF is checked below
@login_required_keep_form
@require_POST
def evidence_upload(request, code, kind, pk):
    handler = EvidenceSizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return _evidence_upload(request, code, kind, pk, handler)


@csrf_protect
def _evidence_upload(request, code, kind, pk, handler):
    desk = desk_for(request, code)
    record = record_or_404(request, desk, kind, pk)
    form = EvidenceForm(request.POST, request.FILES, user=request.user, operation=desk.operation)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    if handler.too_large:
        form.is_valid()
        form.add_error("file", size_limit_message())
    elif form.is_valid():
        data = form.cleaned_data
        try:
            evidence = evidence_attach(user=request.user, upload=data["file"], finding=record,
                                       description=data["description"], source_url=data["source_url"],
                                       captured_at=data["captured_at"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        except PermissionDenied as exc:
            return refuse(request, desk, error_messages(exc)[0])
        else:
            messages.success(request, f"Evidence stored: {evidence.original_name or 'file'} "
                                      f"({evidence.content_type}, SHA-256 {evidence.sha256}).")
            return saved_redirect(finding_url(desk.operation, kind, record), f"evidence-{kind}-{record.pk}")
    if kind == "case":
        return render_case_page(request, desk, record, evidence_form=form, status=400)
    return render_finding_page(request, desk, kind, record, evidence_form=form, status=400)


@login_required_keep_form
@require_GET
def evidence_download(request, code, pk):
    desk = desk_for(request, code)
    evidence = Evidence.objects.visible_to(request.user).in_operation(desk.operation).filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence.")
    justification = ""
    if evidence.victim_id:
        justification = session_justification(request.session, evidence.victim)
        if not justification:  # the victim's page asks why, then lists this file again
            return redirect("finding_detail", code=code, kind="victim", pk=evidence.victim_id)
    return evidence_response(user=request.user, evidence=evidence, justification=justification)


# --- page captures ---------------------------------------------------------------------------------
# The case and URL pages load the captures panel (evidence/_captures.html) from here: the findings
# app below cannot read captures. A capture still under way polls its own row until it is done.

POLL_SECONDS = 2
CAPTURE_KINDS = ("url", "case")


def _own_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _capture_record(request, desk, kind, pk):
    if kind not in CAPTURE_KINDS:
        raise Http404("Pages are captured for URLs and cases.")
    return record_or_404(request, desk, kind, pk)


def _with_retry(request, desk, captures) -> list:
    captures = list(captures)
    for capture in captures:
        capture.retryable = desk.can_log and capture.url is not None and may_change(request.user, capture.url)
    return captures


def _panel(request, desk, kind, record, *, error="", notice="", status=200):
    captures = _with_retry(request, desk, captures_of(request.user, **{kind: record}))
    return render(request, "evidence/_capture_panel.html", {
        "operation": desk.operation, "desk": desk, "kind": kind, "record": record, "captures": captures,
        "can_capture": desk.can_log and may_capture(request.user, record), "error": error, "notice": notice,
        "poll_seconds": POLL_SECONDS, "time_limit": settings.CAPTURE_TIME_LIMIT,
    }, status=status)


@login_required_keep_form
@require_GET
def captures_panel(request, code, kind, pk):
    desk = desk_for(request, code)
    return _panel(request, desk, kind, _capture_record(request, desk, kind, pk))


@login_required_keep_form
@require_POST
def capture_start(request, code, kind, pk):
    desk = desk_for(request, code)
    record = _capture_record(request, desk, kind, pk)
    try:
        if kind == "case":
            captures = captures_request_for_case(user=request.user, case=record, own_origin=_own_origin(request))
        else:
            captures = [capture_request(user=request.user, url=record, own_origin=_own_origin(request))]
    except (ValidationError, PermissionDenied) as exc:
        if not request.htmx:
            return refuse(request, desk, " ".join(error_messages(exc)), status=400)
        return _panel(request, desk, kind, record, error=" ".join(error_messages(exc)), status=400)
    notice = f"{len(captures)} page{pluralize(len(captures))} queued for capture."
    if not request.htmx:
        messages.success(request, notice)
        return redirect(finding_url(desk.operation, kind, record))
    return _panel(request, desk, kind, record, notice=notice)


def _capture_or_404(request, desk, pk) -> Capture:
    capture = Capture.objects.visible_to(request.user).in_operation(desk.operation).with_files().filter(pk=pk).first()
    if capture is None:
        raise Http404("No such capture.")
    return capture


def _row(request, desk, capture, *, error="", status=200):
    return render(request, "evidence/_capture_row.html", {
        "operation": desk.operation, "desk": desk, "capture": _with_retry(request, desk, [capture])[0],
        "error": error, "poll_seconds": POLL_SECONDS,
    }, status=status)


@login_required_keep_form
@require_GET
def capture_row(request, code, pk):
    desk = desk_for(request, code)
    return _row(request, desk, _capture_or_404(request, desk, pk))


@login_required_keep_form
@require_POST
def capture_retry_view(request, code, pk):
    desk = desk_for(request, code)
    capture = _capture_or_404(request, desk, pk)
    try:
        capture = capture_retry(user=request.user, capture=capture)
    except (ValidationError, PermissionDenied) as exc:
        return _row(request, desk, capture, error=" ".join(error_messages(exc)), status=400)
    return _row(request, desk, _capture_or_404(request, desk, capture.pk))


@login_required_keep_form
@require_GET
def capture_screenshot(request, code, pk):
    """The capture's screenshot as an image of our own: never the captured page itself."""
    desk = desk_for(request, code)
    screenshot = screenshot_of(request.user, desk.operation, pk)
    if screenshot is None:
        raise Http404("No such screenshot.")
    return screenshot_response(user=request.user, evidence=screenshot)


@login_required_keep_form
def check_captures(request, code, pk):
    """Capture the pages met while checking a platform: paste their addresses, follow the captures."""
    desk = desk_for(request, code)
    check = PlatformCheck.objects.visible_to(request.user).in_operation(desk.operation).filter(pk=pk).first()
    if check is None:
        raise Http404("No such platform check.")
    can_capture = desk.can_log and may_capture(request.user, check)
    context = {"operation": desk.operation, "desk": desk, "check": check, "can_capture": can_capture,
               "poll_seconds": POLL_SECONDS, "time_limit": settings.CAPTURE_TIME_LIMIT, "errors": [],
               "addresses": ""}
    status = 200
    if request.method == "POST":
        addresses = request.POST.get("addresses", "")
        try:
            captures = captures_request_for_check(user=request.user, check=check, addresses=addresses,
                                                  own_origin=_own_origin(request))
        except (ValidationError, PermissionDenied) as exc:
            context |= {"errors": error_messages(exc), "addresses": addresses}
            status = 400
        else:
            messages.success(request, f"{len(captures)} page{pluralize(len(captures))} queued for capture.")
            return redirect("check_captures", code=code, pk=pk)
    context["captures"] = _with_retry(request, desk, captures_of(request.user, platform_check=check))
    return render(request, "evidence/check_captures.html", context, status=status)


# --- verifying an operation's evidence (coordinators) ------------------------------------------------


@login_required_keep_form
def evidence_verify(request, code):
    """GET: the button, for the operation's coordinators (nothing for others). POST: run the check."""
    desk = desk_for(request, code)
    context = {"operation": desk.operation, "is_coordinator": desk.is_coordinator, "result": None}
    if request.method == "POST":
        if not desk.is_coordinator:
            return refuse(request, desk, "Only the operation's coordinators may verify its evidence.")
        context["result"] = verify_operation(desk.operation, actor=request.user)
    return render(request, "evidence/_verify.html", context)
