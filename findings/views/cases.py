"""A case's page: what hangs off it as the reader sees it, its shares and its history."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.consultation import record_consultation
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse
from operations.models import Membership

from .. import services
from ..case_reader import read_case
from ..forms import EvidenceForm, ShareForm
from ..models import Case
from ..workspace import operation_teams
from .persons import record_persons_shown, victim_particulars_shown
from .records import actions_context, case_or_404

# The page shows the newest events of the history; the case file (PDF) prints all of them.
TIMELINE_ON_PAGE = 100


def render_case_page(request, desk, case, evidence_form=None, share_form=None, status=200):
    user = request.user
    seen = read_case(user=user, case=case, newest_events=TIMELINE_ON_PAGE)
    shares = seen.shares
    context = actions_context(request, desk, "case", case)
    newest_first = seen.timeline[::-1]
    justified = victim_particulars_shown(request.session, seen.victims)
    record_persons_shown(request=request, suspects=seen.suspects, victims=seen.victims, how="listed on the case page",
                         justified=justified)
    context.update(
        victims_particulars=bool(justified),
        suspects=seen.suspects, victims=seen.victims, urls=seen.urls, accounts=seen.accounts, evidence=seen.evidence,
        locations=seen.locations,
        focus_tags=seen.focus_tags, shares=shares, timeline=newest_first,
        timeline_older=seen.events_total - len(newest_first),
        evidence_form=evidence_form or EvidenceForm(user=user, operation=desk.operation),
        max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    )
    if context["can_change"]:
        teams = [t for t in operation_teams(desk.operation) if t != case.team and t not in shares["teams"]]
        shared_with = {p.pk for p in shares["prosecutors"]}
        prosecutors = [
            m.user for m in Membership.objects.filter(operation=desk.operation, role=Membership.Role.PROSECUTOR)
            .select_related("user").order_by("user__username") if m.user_id not in shared_with
        ]
        context["share_form"] = share_form or ShareForm(user=user, operation=desk.operation, teams=teams,
                                                        prosecutors=prosecutors)
        if desk.can_log:
            context["moves"] = sorted(services.CASE_MOVES[case.status])
            context["close_reasons"] = Case.CloseReason.choices
    return render(request, "findings/case.html", context, status=status)


@login_required_keep_form
@require_GET
def case_detail(request, code, reference):
    desk = desk_for(request, code)
    case = case_or_404(request, desk, reference)
    record_consultation(user=request.user, obj=case, summary="case page viewed")
    return render_case_page(request, desk, case)


@login_required_keep_form
@require_POST
def case_share(request, code, reference):
    """Share the case with a country team or a named prosecutor, or withdraw a share."""
    desk = desk_for(request, code)
    case = case_or_404(request, desk, reference)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    team = request.POST.get("team", "").strip().upper()
    prosecutor_id = request.POST.get("prosecutor", "").strip()
    withdraw = request.POST.get("withdraw") == "1"
    try:
        if team:
            if withdraw:
                services.case_unshare_with_team(user=request.user, case=case, team=team)
                messages.success(request, f"Case {case.reference} is no longer shared with team {team}.")
            else:
                services.case_share_with_team(user=request.user, case=case, team=team)
                messages.success(request, f"Case {case.reference} is now shared with team {team}.")
        elif prosecutor_id.isascii() and prosecutor_id.isdigit() and len(prosecutor_id) < 19:
            # Only a prosecutor of this operation (or one the case is shared with) is named back to the sender.
            prosecutor = services.share_prosecutor_named(case=case, pk=int(prosecutor_id))
            if prosecutor is None:
                raise ValidationError("No such prosecutor in this operation.")
            if withdraw:
                services.case_unshare_with_prosecutor(user=request.user, case=case, prosecutor=prosecutor)
                messages.success(request, f"Case {case.reference} is no longer shared with {prosecutor}.")
            else:
                services.case_share_with_prosecutor(user=request.user, case=case, prosecutor=prosecutor)
                messages.success(request, f"Case {case.reference} is now shared with {prosecutor}.")
        else:
            raise ValidationError("Choose a team or a prosecutor to share the case with.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    return redirect("case_detail", code=code, reference=case.reference)


@login_required_keep_form
@require_POST
def case_move(request, code, reference):
    """Refer the case (to an authority), record that an investigation was opened, or close it (with a reason)."""
    desk = desk_for(request, code)
    case = case_or_404(request, desk, reference)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    move = request.POST.get("move", "")
    try:
        if move == Case.Status.REFERRED:
            case = services.case_refer(user=request.user, case=case, referred_to=request.POST.get("referred_to", ""))
        elif move == Case.Status.INVESTIGATION_OPENED:
            case = services.case_open_investigation(user=request.user, case=case)
        elif move == Case.Status.CLOSED:
            case = services.case_close(user=request.user, case=case, reason=request.POST.get("reason", ""),
                                       note=request.POST.get("note", ""))
        else:
            raise ValidationError("Choose a move: refer, open an investigation, or close.")
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    except PermissionDenied as exc:
        return refuse(request, desk, error_messages(exc)[0])
    else:
        messages.success(request, f"Case {case.reference}: {case.get_status_display().lower()}.")
    return redirect("case_detail", code=code, reference=case.reference)
