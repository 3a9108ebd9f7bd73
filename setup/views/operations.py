"""Creating an operation, its set-up overview, and moving its status with a confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from operations import services
from operations.access import may_create_operations, may_edit_catalogue, may_set_up
from operations.models import Operation

from ..forms import OperationForm
from ..steps import next_steps, step
from .common import managed_operation, problems_of

MOVES = {Operation.Status.ACTIVE: services.operation_start, Operation.Status.CLOSED: services.operation_close,
         Operation.Status.ARCHIVED: services.operation_archive}


@login_required
def index(request):
    """The operations the user sets up or manages, and what else they may set up."""
    operations = Operation.objects.managed_by(request.user).select_related("lead_agency").order_by("-starts_at")
    return render(request, "setup/index.html", {
        "operations": operations, "may_create": may_create_operations(request.user),
        "may_edit_catalogue": may_edit_catalogue(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def operation_new(request):
    if not may_create_operations(request.user):
        raise PermissionDenied("Only an administrator, or who was given the right to, creates operations.")
    form = OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                agency = data["lead_agency"] or services.agency_ensure(
                    by=request.user, name=data["new_agency"], country=data["new_agency_country"])
                operation = services.operation_create(
                    user=request.user, code=data["code"], name=data["name"], crime_focus=data["crime_focus"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"], lead_agency=agency,
                    focus_tags=form.tag_names())
        except ValidationError as exc:
            for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"Operation {operation.code} created. Next: import its participants.")
            return redirect("setup_participants", code=operation.code)
    return render(request, "setup/operation_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def overview(request, code):
    operation = managed_operation(request, code)
    participations = list(operation.participations.select_related("agency").order_by("agency__country",
                                                                                       "agency__name"))
    accounts = {}
    for agency_id in operation.memberships.values_list("agency_id", flat=True):
        accounts[agency_id] = accounts.get(agency_id, 0) + 1
    rows = [(p, accounts.get(p.agency_id, 0)) for p in participations]
    return render(request, "setup/overview.html", {
        "operation": operation, "rows": rows, "steps": next_steps(operation),
        "experts": sum(p.experts for p in participations), "members": operation.memberships.count(),
        "without_agency": accounts.get(None, 0), "may_set_up": may_set_up(request.user, operation),
        "countries": len({p.agency.country for p in participations if p.agency.country}),
        "focus_tags": list(operation.focus_tags.values_list("name", flat=True)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def status_move(request, code, target):
    """GET: what the move does and locks, and a button to confirm it. POST: the move."""
    operation = managed_operation(request, code)
    if target not in [t for t, *_ in next_steps(operation)]:
        raise Http404("That move is not open to this operation.")
    button, does, locks = step(operation, target)
    if request.method == "POST":
        move = services.operation_reopen if (target == Operation.Status.ACTIVE and operation.is_read_only) else MOVES[
            target]
        try:
            move(user=request.user, operation=operation)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(problems_of(exc)))
        else:
            messages.success(request, f"{button}: done. {locks}")
        return redirect("setup_overview", code=code)
    return render(request, "setup/status_confirm.html", {
        "operation": operation, "target": target, "button": button, "does": does, "locks": locks,
    })
