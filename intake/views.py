"""Intake pages: the file import (with the CSV exports beside it), a thin form over ``intake.imports``,
and bulk paste into the workspace (``intake.bulk``)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from findings.workspace import linkable_cases
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from .bulk import bulk_log
from .forms import BulkPasteForm
from .imports import COLUMNS, KIND_LABELS, KINDS, MAX_ROWS, ImportRejected, import_findings

EXPORTS = [
    ("urls", "URLs", "api:url-export"),
    ("social-accounts", "Social accounts", "api:social-account-export"),
    ("suspects", "Suspects", "api:suspect-export"),
    ("victims", "Possible victims", "api:victim-export"),
    ("locations", "Locations", "api:location-export"),
    ("cases", "Cases", "api:case-export"),
    ("platform-checks", "Platform checks", "api:platform-check-export"),
    ("evidence", "Evidence (list, with SHA-256)", "api:evidence-export"),
]


def _label(kind: str) -> str:
    label = KIND_LABELS[kind]
    return label[0].upper() + label[1:]  # "URLs", "Social accounts"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, _label(k)) for k in KINDS], label="What the file holds")
    file = forms.FileField(label="CSV or JSON file", widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json"}))


@login_required
def import_page(request, code):
    desk = desk_for(request, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = rejected = refused = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_findings(
                    user=request.user, operation=desk.operation, kind=form.cleaned_data["kind"],
                    data=upload.read(), filename=upload.name or "",
                )
                status = 200
            except ImportRejected as exc:
                rejected = exc
            except PermissionDenied as exc:
                refused, status = str(exc), 403
            except ValidationError as exc:
                refused = " ".join(exc.messages)
    columns = [(_label(k), COLUMNS[k][0], COLUMNS[k][1]) for k in KINDS]
    return render(
        request,
        "intake/import.html",
        {
            "operation": desk.operation,
            "desk": desk,
            "form": form,
            "result": result,
            "kind_label": KIND_LABELS[result.kind] if result else "",
            "rejected": rejected,
            "refused": refused,
            "columns": columns,
            "exports": EXPORTS,
            "max_rows": f"{MAX_ROWS:,}",
        },
        status=status,
    )


@login_required_keep_form
@require_http_methods(["GET", "POST"])
def bulk_paste(request, code):
    desk = desk_for(request, code)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason or "You may not log findings in this operation.")
    context = {"desk": desk, "operation": desk.operation,
               "linkable_cases": linkable_cases(user=request.user, operation=desk.operation,
                                                membership=desk.membership)}
    if request.method == "GET":
        context["form"] = BulkPasteForm(user=request.user, operation=desk.operation)
        return render(request, "intake/bulk.html", context)
    form = BulkPasteForm(request.POST, user=request.user, operation=desk.operation)
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = bulk_log(user=request.user, operation=desk.operation, text=data["lines"],
                              lines_are=data["lines_are"], platform=data["platform"], case=data["case"])
        except ValidationError as exc:
            form.add_error("lines", exc.messages)
        except PermissionDenied as exc:
            return refuse(request, desk, error_messages(exc)[0])
        else:
            # What is left in the box is what still needs the analyst: the refused lines.
            context["form"] = BulkPasteForm(
                initial={"lines": result.refused_text, "lines_are": data["lines_are"], "platform": data["platform"],
                         "case": data["case"].reference if data["case"] else ""},
                user=request.user, operation=desk.operation,
            )
            context.update(result=result, draft_clear=True)
    return render(request, "intake/bulk.html", context)
