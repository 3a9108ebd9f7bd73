"""Evidence pages: upload a file onto a finding or a case, and download one.

The upload's size limit is enforced while the body streams (``EvidenceSizeLimitHandler``); a refused
upload brings back the page it came from with the reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from audit.consultation import session_justification
from findings.forms import EvidenceForm
from findings.models import Evidence
from findings.views.cases import render_case_page
from findings.views.records import record_or_404, render_finding_page
from findings.views.workspace import finding_url, saved_redirect
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from .downloads import evidence_response
from .services import EvidenceSizeLimitHandler, evidence_attach, size_limit_message


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
