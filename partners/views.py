"""The partners' page of an operation: import a watch list, see and remove your team's lists, and
export what you may see as STIX 2.1 or MISP (the API's endpoints, as the CSV exports on the import page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from operations.access import may_change
from operations.desk import desk_for, error_messages, refuse

from .forms import WatchListForm
from .models import WatchList
from .reading import MAX_ITEMS
from .watch_lists import ListRejected, watch_list_delete, watch_list_import


@login_required
def partners_page(request, code):
    desk = desk_for(request, code)
    form = WatchListForm(request.POST or None, request.FILES or None)
    result = rejected = refused = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = watch_list_import(
                    user=request.user, operation=desk.operation, data=upload.read(), filename=upload.name or "",
                    name=form.cleaned_data["name"], format=form.cleaned_data["format"],
                )
                status = 200
            except ListRejected as exc:
                rejected = exc
            except PermissionDenied as exc:
                refused, status = str(exc), 403
            except ValidationError as exc:
                refused = " ".join(exc.messages)
    lists = WatchList.objects.visible_to(request.user).filter(operation=desk.operation).select_related("created_by")
    return render(request, "partners/partners.html", {
        "operation": desk.operation, "desk": desk, "form": form, "result": result, "rejected": rejected,
        "refused": refused, "max_items": f"{MAX_ITEMS:,}",
        "lists": [(w, may_change(request.user, w)) for w in lists],
        "stix_url": reverse("api:operation-stix", args=[desk.operation.pk]),
        "misp_url": reverse("api:operation-misp", args=[desk.operation.pk]),
    }, status=status)


@login_required
@require_POST
def watch_list_remove(request, code, pk):
    desk = desk_for(request, code)
    watch_list = get_object_or_404(WatchList.objects.visible_to(request.user), pk=pk, operation=desk.operation)
    try:
        removed = watch_list_delete(user=request.user, watch_list=watch_list)
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    messages.success(request, f"Watch list “{watch_list.name}” removed with its {removed} selectors.")
    return redirect("partners", code=code)
