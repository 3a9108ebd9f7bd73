"""The team's platform checklist: plan, start and finish the monitoring of each platform."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from . import services
from .forms import FinishForm, PlanForm
from .models import PlatformCheck


def _checks(request, desk):
    return (PlatformCheck.objects.visible_to(request.user).in_operation(desk.operation)
            .select_related("platform").prefetch_related("focus_tags").order_by("platform__name", "team"))


def _render(request, desk, *, error="", notice="", plan_form=None, status=200):
    checks = list(_checks(request, desk))
    mine = [c for c in checks if c.team == desk.team]
    context = {
        "desk": desk, "operation": desk.operation, "mine": mine,
        "others": [c for c in checks if c.team != desk.team],
        "error": error, "notice": notice,
        "counts": {s: sum(1 for c in mine if c.status == s) for s in PlatformCheck.Status.values},
    }
    if desk.can_log:
        planned_ids = [c.platform_id for c in mine]
        context["plan_form"] = plan_form or PlanForm(operation=desk.operation, planned_ids=planned_ids)
        context["focus_tags"] = list(desk.operation.focus_tags.all())
    template = "platforms/checklist.html#checklist" if request.htmx else "platforms/checklist.html"
    return render(request, template, context, status=status)


def _done(request, desk, *, notice="", error=""):
    if request.htmx:
        return _render(request, desk, notice=notice, error=error)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("platform_checklist", code=desk.operation.code)


@login_required_keep_form
@require_GET
def checklist(request, code):
    desk = desk_for(request, code)
    if desk.is_prosecutor:
        return refuse(request, desk, "Prosecutors have no platform checklist: they read the cases shared with them.")
    return _render(request, desk)


@login_required_keep_form
@require_POST
def check_plan(request, code):
    desk = desk_for(request, code)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason or "You may not log findings in this operation.")
    planned = PlatformCheck.objects.visible_to(request.user).in_operation(desk.operation).filter(team=desk.team)
    form = PlanForm(request.POST, operation=desk.operation, planned_ids=planned.values_list("platform_id", flat=True))
    if not form.is_valid():
        if request.htmx:
            return _render(request, desk, plan_form=form)
        return _done(request, desk, error=" ".join(m for errors in form.errors.values() for m in errors))
    data = form.cleaned_data
    try:
        check = services.check_plan(user=request.user, operation=desk.operation, platform=data["platform"],
                                    focus_tags=data.get("focus_tags", []))
        if data["start"]:
            check = services.check_start(user=request.user, check=check)
    except ValidationError as exc:
        return _done(request, desk, error=" ".join(exc.messages))
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    verb = "started" if data["start"] else "put on your checklist"
    return _done(request, desk, notice=f"{check.platform}: check {verb}.")


def _check_or_404(request, desk, pk):
    check = (PlatformCheck.objects.visible_to(request.user).in_operation(desk.operation)
             .select_related("platform").filter(pk=pk).first())
    if check is None:
        raise Http404("No such platform check.")
    return check


@login_required_keep_form
@require_POST
def check_start(request, code, pk):
    desk = desk_for(request, code)
    check = _check_or_404(request, desk, pk)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    try:
        services.check_start(user=request.user, check=check)
    except ValidationError as exc:
        return _done(request, desk, error=" ".join(exc.messages))
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    return _done(request, desk, notice=f"{check.platform}: check started.")


@login_required_keep_form
@require_POST
def check_finish(request, code, pk):
    desk = desk_for(request, code)
    check = _check_or_404(request, desk, pk)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    form = FinishForm(request.POST, operation=desk.operation, prefix=f"c{check.pk}")
    if not form.is_valid():
        errors = " ".join(m for errors in form.errors.values() for m in errors)
        return _done(request, desk, error=f"{check.platform}: {errors}")
    data = form.cleaned_data
    try:
        services.check_finish(user=request.user, check=check, with_indications=data["with_indications"],
                              focus_tags=data.get("focus_tags", []), note=data["note"])
    except ValidationError as exc:
        return _done(request, desk, error=" ".join(exc.messages))
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    outcome = "indications found" if data["with_indications"] else "no indications"
    return _done(request, desk, notice=f"{check.platform}: checked, {outcome}.")
