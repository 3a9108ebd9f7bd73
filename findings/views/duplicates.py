"""Duplicates: the coordinators' page of likely duplicates across teams, and linking or unlinking two
records as one person — from that page or from a suspect's or victim's own page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from operations.access import is_coordinator, may_change
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from ..duplicate_candidates import linked_groups, proposals
from ..duplicates import duplicate_set
from ..models import PossibleVictim, Suspect
from .workspace import finding_url

MODELS = {"suspect": Suspect, "victim": PossibleVictim}
LINK_TARGETS_SHOWN = 300


@login_required_keep_form
@require_GET
def duplicates_page(request, code):
    desk = desk_for(request, code)
    if not desk.is_coordinator:  # the same 404 as for an operation that is not theirs
        raise Http404("No such page.")
    context = {"desk": desk, "operation": desk.operation,
               "sections": [(kind, label, proposals(desk.operation, kind), linked_groups(desk.operation, kind))
                            for kind, label in (("victim", "Possible victims"), ("suspect", "Suspects"))]}
    return render(request, "findings/duplicates.html", context)


def link_context(request, desk, kind, record) -> dict:
    """For a suspect's or victim's page: its group of duplicates, and the records it may be linked to."""
    model = MODELS[kind]
    may_link = not desk.operation.is_read_only and (is_coordinator(request.user, desk.operation)
                                                    or may_change(request.user, record))
    root = record.duplicate_of_id or record.pk
    visible = model.objects.visible_to(request.user).in_operation(desk.operation)
    group = list(visible.filter(duplicate_of_id=root).exclude(pk=record.pk)) if not record.duplicate_of_id else []
    context = {"duplicate_of": visible.filter(pk=record.duplicate_of_id).first() if record.duplicate_of_id else None,
               "duplicates": group, "may_link": may_link}
    if may_link:
        targets = visible.exclude(pk=record.pk).exclude(duplicate_of_id=root).exclude(pk=root)
        context["link_targets"] = list(targets.order_by("team", "-created_at")[:LINK_TARGETS_SHOWN])
    return context


def _back(request, desk, kind, record):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(finding_url(desk.operation, kind, record))


@login_required_keep_form
@require_POST
def duplicate_link(request, code, kind, pk):
    """POST ``duplicate_of`` (a record's id) to mark this one as the same person, or ``unlink`` to undo it."""
    desk = desk_for(request, code)
    if kind not in MODELS:
        raise Http404("Only suspects and possible victims are linked as duplicates.")
    visible = MODELS[kind].objects.visible_to(request.user).in_operation(desk.operation)
    record = visible.filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    if desk.operation.is_read_only:
        return refuse(request, desk, desk.read_only_reason)
    other = None
    if request.POST.get("unlink") != "1":
        other = visible.filter(pk=request.POST.get("duplicate_of") or 0).first()
        if other is None:
            messages.error(request, "Choose the record this one duplicates.")
            return _back(request, desk, kind, record)
    try:
        duplicate_set(user=request.user, record=record, duplicate_of=other)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    else:
        label = record.code if kind == "victim" else record.alias
        messages.success(request, f"{label}: linked as the same person; the figures count them once." if other else
                         f"{label}: no longer linked; the figures count it on its own.")
    return _back(request, desk, kind, record)
