"""The press paragraph on the dashboard: draft it from the headline, edit it, download it as text.

Coordinators of the operation only (the dashboard's 404 for anyone else); the writes are
``reports.services.press_paragraph_draft`` and ``press_paragraph_edit``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from operations.desk import error_messages
from operations.models import Operation

from ..press import SHORT_LABELS, press_number, short_label
from ..services import (
    press_paragraph_current,
    press_paragraph_draft,
    press_paragraph_edit,
    press_paragraph_outdated,
    snapshot_latest,
)


def _coordinated_operation(request, code) -> Operation:
    operation = Operation.objects.coordinated_by(request.user).filter(code=code).first()
    if operation is None:
        raise Http404("No such dashboard.")
    return operation


def press_context(operation: Operation) -> dict:
    paragraph = press_paragraph_current(operation)
    if paragraph is None:
        return {"press": None}
    return {"press": {
        "paragraph": paragraph,
        "figures": [f"{press_number(row['value'])} {short_label(row['key'], in_sentence=True)}"
                    for row in paragraph.figures if row["key"] in SHORT_LABELS],
        "outdated": press_paragraph_outdated(paragraph, snapshot_latest(operation)),
        "edited": paragraph.text != paragraph.draft,
    }}


def _back(operation):
    return redirect(reverse("dashboard", args=[operation.code]) + "#press")


@login_required
@require_POST
def press_draft(request, code):
    operation = _coordinated_operation(request, code)
    try:
        press_paragraph_draft(user=request.user, operation=operation)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, "Press paragraph drafted from the headline figures: read it and edit it below.")
    return _back(operation)


@login_required
@require_POST
def press_edit(request, code):
    operation = _coordinated_operation(request, code)
    try:
        press_paragraph_edit(user=request.user, operation=operation, text=request.POST.get("text", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, "Press paragraph saved.")
    return _back(operation)


@login_required
@require_GET
def press_text(request, code):
    """The paragraph as a plain-text file, ready for a press office."""
    operation = _coordinated_operation(request, code)
    paragraph = press_paragraph_current(operation)
    if paragraph is None:
        raise Http404("No press paragraph drafted yet.")
    response = HttpResponse(paragraph.text + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{operation.code}-press-paragraph.txt"'
    return response
