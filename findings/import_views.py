"""The page for bulk import (and the CSV exports beside it): a thin form over ``findings.imports``."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from .imports import COLUMNS, KIND_LABELS, KINDS, MAX_ROWS, ImportRejected, import_findings
from .web import desk_for

EXPORTS = [
    ("urls", "URLs", "api:url-export"),
    ("social-accounts", "Social accounts", "api:social-account-export"),
    ("suspects", "Suspects", "api:suspect-export"),
    ("victims", "Possible victims", "api:victim-export"),
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
        "findings/import.html",
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
