"""An operation's focus tags, and the platform catalogue: edited on the page, or imported from a file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from operations import services
from operations.access import may_edit_catalogue
from platforms.catalogue import platform_save
from platforms.models import Platform
from spreadsheets.reading import ImportRejected

from ..catalogue import COLUMNS as CATALOGUE_COLUMNS
from ..catalogue import catalogue_check, catalogue_import
from ..forms import FileForm, FocusTagsForm, PlatformForm
from ..tags import focus_tags_import
from .common import problems_of, set_up_operation


@login_required
@require_http_methods(["GET", "POST"])
def focus_tags(request, code):
    operation = set_up_operation(request, code)
    action = request.POST.get("action", "")
    form, file_form, context, status = FocusTagsForm(), FileForm(), {}, 200
    try:
        if action == "add":
            form = FocusTagsForm(request.POST)
            if form.is_valid():
                added = services.focus_tags_add(by=request.user, operation=operation,
                                                names=form.cleaned_data["names"].splitlines())
                messages.success(request, f"{len(added)} focus tag{'s' if len(added) != 1 else ''} added.")
                return redirect("setup_focus_tags", code=code)
        elif action in ("rename", "remove"):
            tag = operation.focus_tags.filter(pk=request.POST.get("tag") or 0).first()
            if tag is None:
                raise Http404("No such focus tag.")
            if action == "rename":
                services.focus_tag_rename(by=request.user, tag=tag, name=request.POST.get("name", ""))
            else:
                services.focus_tag_remove(by=request.user, tag=tag)
            messages.success(request, "Focus tags saved.")
            return redirect("setup_focus_tags", code=code)
        elif action == "import":
            file_form = FileForm(request.POST, request.FILES)
            if file_form.is_valid():
                upload = file_form.cleaned_data["file"]
                new, known = focus_tags_import(user=request.user, operation=operation, data=upload.read(),
                                               filename=upload.name or "")
                messages.success(request, f"{len(new)} focus tags added, {len(known)} known already.")
                return redirect("setup_focus_tags", code=code)
    except ImportRejected as exc:
        context["rejected"], status = exc, 400
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(problems_of(exc)))
        return redirect("setup_focus_tags", code=code)
    tags = [(t, t.checks.count() + t.cases.count()) for t in operation.focus_tags.all()]
    context |= {"operation": operation, "form": form, "file_form": file_form, "tags": tags}
    return render(request, "setup/focus_tags.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request):
    """The platform catalogue: add or change a platform, or import a file (with a preview)."""
    if not may_edit_catalogue(request.user):
        raise PermissionDenied("Only an administrator or an operation's lead coordinator edits the catalogue.")
    action = request.POST.get("action", "")
    editing = Platform.objects.filter(pk=request.GET.get("edit") or request.POST.get("platform") or 0).first()
    form = PlatformForm(initial=_initial(editing) if editing else None)
    file_form, context, status = FileForm(), {}, 200
    try:
        if action == "save":
            form = PlatformForm(request.POST)
            if form.is_valid():
                platform = platform_save(by=request.user, platform=editing, **form.cleaned_data)
                messages.success(request, f"{platform.name} saved.")
                return redirect("setup_catalogue")
            status = 400
        elif action in ("preview", "import"):
            file_form = FileForm(request.POST, request.FILES)
            if file_form.is_valid():
                upload = file_form.cleaned_data["file"]
                run = catalogue_import if action == "import" else catalogue_check
                rows = run(user=request.user, data=upload.read(), filename=upload.name or "")
                if action == "import":
                    changed = sum(1 for r in rows if r.state != "unchanged")
                    messages.success(request, f"{len(rows)} platforms read, {changed} added or changed.")
                    return redirect("setup_catalogue")
                context["preview"] = rows
    except ImportRejected as exc:
        context["rejected"], status = exc, 400
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        status = 400
    context |= {"form": form, "file_form": file_form, "editing": editing, "columns": list(CATALOGUE_COLUMNS),
                "platforms": Platform.objects.prefetch_related("domains").order_by("category", "name")}
    return render(request, "setup/catalogue.html", context, status=status)


def _initial(platform):
    return {"name": platform.name, "category": platform.category, "surface": platform.surface,
            "active": platform.active, "domains": " ".join(platform.domains.values_list("domain", flat=True))}
