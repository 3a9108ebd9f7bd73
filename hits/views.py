"""Pages for cross-border hits. Thin: read through ``Hit.objects.visible_to``, answer through
``hits.services``, render what ``hit_rows`` allows the user to see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from findings.models import Hit
from findings.selector_rows import FINDING_TYPES
from operations.access import membership_by_code
from operations.desk import error_messages
from operations.models import Membership

from . import services as hit_services

STATUSES = ("open", "answered", "all")
PAGE_SIZE = 200


def _membership(request, code) -> Membership:
    membership = membership_by_code(request.user, code)
    if membership is None:  # one answer for "no such operation" and "not yours"
        raise Http404("No such operation.")
    return membership


def _filtered(hits, status: str):
    if status == "open":
        return hits.open()
    if status == "answered":
        return hits.answered()
    return hits


def _finding_filter(request, hits):
    """``?finding=suspect:12`` narrows to one finding's hits — only a finding the user may see."""
    raw = request.GET.get("finding", "")
    if not raw:
        return hits, None
    name, _, pk = raw.partition(":")
    model = FINDING_TYPES.get(name)
    finding = model.objects.visible_to(request.user).filter(pk=pk).first() if model and pk.isdigit() else None
    if finding is None:
        raise Http404("No such finding.")
    return hits.for_finding(finding), finding


@login_required
@require_GET
def inbox(request, code):
    """The hits of the user's own team in this operation."""
    membership = _membership(request, code)
    if membership.role == Membership.Role.PROSECUTOR:
        raise Http404("No hits here.")
    operation = membership.operation
    status = request.GET.get("status", "open")
    status = status if status in STATUSES else "open"
    hits = Hit.objects.visible_to(request.user).in_operation(operation).involving_team(membership.team)
    hits, finding = _finding_filter(request, hits)
    # In a team's inbox "open" means: waiting for this team's answer.
    awaiting = hits.awaiting_answer_from(membership.team)
    shown = {"open": awaiting, "answered": hits.exclude(pk__in=awaiting.values("pk")), "all": hits}[status]
    rows = hit_services.hit_rows(shown[:PAGE_SIZE], user=request.user)
    return render(request, "hits/inbox.html", {
        "operation": operation, "membership": membership, "rows": rows, "status": status, "statuses": STATUSES,
        "finding": finding, "awaiting": awaiting.count(),
        "is_coordinator": membership.role == Membership.Role.COORDINATOR,
    })


@login_required
@require_GET
def board(request, code):
    """The coordinators' cross-check board: every hit of the operation, open or answered."""
    membership = _membership(request, code)
    if membership.role != Membership.Role.COORDINATOR:
        raise Http404("No such page.")
    operation = membership.operation
    status = request.GET.get("status", "open")
    status = status if status in STATUSES else "open"
    hits = Hit.objects.visible_to(request.user).in_operation(operation)
    hits, finding = _finding_filter(request, hits)
    counts = {"open": hits.open().count(), "answered": hits.answered().count(), "all": hits.count()}
    rows = hit_services.hit_rows(_filtered(hits, status)[:PAGE_SIZE], user=request.user)
    return render(request, "hits/board.html", {
        "operation": operation, "membership": membership, "rows": rows, "status": status, "statuses": STATUSES,
        "counts": counts, "finding": finding,
    })


def _hit_or_404(request, code, pk) -> tuple[Membership, Hit]:
    membership = _membership(request, code)
    hit = Hit.objects.visible_to(request.user).in_operation(membership.operation).filter(pk=pk).first()
    if hit is None:
        raise Http404("No such hit.")
    return membership, hit


def _back(request, code):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("hits:inbox", code=code)


@login_required
@require_POST
def share(request, code, pk):
    _, hit = _hit_or_404(request, code, pk)
    try:
        hit_services.hit_share(user=request.user, hit=hit)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        other = hit.team_b if hit_services.side_of(hit, request.user) == "a" else hit.team_a
        messages.success(request, f"Your case is now shared with team {other}.")
    return _back(request, code)


@login_required
@require_POST
def decline(request, code, pk):
    _, hit = _hit_or_404(request, code, pk)
    try:
        hit_services.hit_decline(user=request.user, hit=hit, reason=request.POST.get("reason", ""))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, "You declined to share; the other team and the coordinators see your reason.")
    return _back(request, code)
