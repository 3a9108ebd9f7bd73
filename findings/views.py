"""The analyst workspace: the findings list, quick logging, bulk paste, finding and case pages.

Thin views: read through ``visible_to``, write through ``findings.services`` (which check the
access rule and audit), render. Every form that fails comes back with what was typed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from audit.consultation import MAX_LENGTH as JUSTIFICATION_MAX_LENGTH
from audit.consultation import (
    clean_justification,
    record_consultation,
    remember_justification,
    session_justification,
)
from audit.models import AuditEvent
from operations.access import may_change
from operations.models import Membership

from . import services
from .bulk import bulk_log
from .canonical import defang
from .evidence import EvidenceSizeLimitHandler, evidence_attach, size_limit_message
from .forms import BulkPasteForm, EvidenceForm, FilterForm, ShareForm, log_form
from .models import Case, Evidence, Indicator
from .web import desk_for, error_messages, login_required_keep_form, refuse
from .workspace import KINDS, Cursor, linkable_cases, operation_teams, workspace_feed

FINDINGS_CHANGED = "findings-changed"
_EVIDENCE_FIELD = {"suspect": "suspect", "victim": "victim", "url": "url", "account": "account", "case": "case"}


# --- the workspace -----------------------------------------------------------------------------


@login_required_keep_form
@require_GET
def workspace(request, code):
    desk = desk_for(request, code)
    filter_form = FilterForm(request.GET or None, teams=operation_teams(desk.operation), my_team=desk.team)
    filters = filter_form.filters()
    page = workspace_feed(
        user=request.user, operation=desk.operation, membership=desk.membership,
        filters=filters, cursor=Cursor.decode(request.GET.get("before")),
    )
    context = {"desk": desk, "operation": desk.operation, "filter_form": filter_form, "page": page,
               "filters_active": filters.active, "first_page": not request.GET.get("before")}
    if request.htmx and request.htmx.target == "feed" and not request.htmx.history_restore_request:
        return render(request, "findings/workspace.html#feed", context)
    if desk.can_log:
        # The forms themselves come when their box is opened (htmx): building and rendering five
        # forms that are mostly left closed was a fifth of the page's time.
        context["log_kinds"] = ("url", "account", "suspect", "victim", "case")
        context["linkable_cases"] = linkable_cases(user=request.user, operation=desk.operation,
                                                   membership=desk.membership)
    return render(request, "findings/workspace.html", context)


# --- quick logging -----------------------------------------------------------------------------


def _log(kind, form, *, user, operation):
    """Call the service for one kind; return (record, created)."""
    data = dict(form.cleaned_data)
    if kind == "url":
        return services.url_log(user=user, operation=operation, raw_url=data["url"], case=data["case"],
                                note=data["note"])
    if kind == "account":
        return services.account_log(user=user, operation=operation, platform=data["platform"],
                                    handle=data["handle"], case=data["case"], display_name=data["display_name"],
                                    note=data["note"])
    if kind == "suspect":
        return services.suspect_log(user=user, operation=operation, alias=data["alias"], case=data["case"],
                                    role=data["role"], nationality=data["nationality"],
                                    age_estimate=data["age_estimate"], notes=data["notes"]), True
    if kind == "victim":
        return services.victim_log(user=user, operation=operation, case=data["case"],
                                   nationality=data["nationality"], sex=data["sex"], age_band=data["age_band"],
                                   is_minor=data["is_minor"], notes=data["notes"]), True
    tags = data.pop("focus_tags", [])
    title, exploitation_type = data.pop("title"), data.pop("exploitation_type")
    return services.case_create(user=user, operation=operation, title=title,
                                exploitation_type=exploitation_type, focus_tags=tags, **data), True


def describe(kind, record) -> str:
    """A one-line, display-safe name of a finding (URLs defanged)."""
    if kind == "url":
        return defang(record.url)
    if kind == "account":
        return f"{record.platform}: @{record.handle}"
    if kind == "case":
        return f"{record.reference} {record.title}"
    return str(record)


@login_required_keep_form
@require_http_methods(["GET", "POST"])
def log_finding(request, code, kind):
    desk = desk_for(request, code)
    if kind not in KINDS:
        raise Http404("No such kind of finding.")
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason or "You may not log findings in this operation.")
    context = {"desk": desk, "operation": desk.operation, "kind": kind}
    if request.method == "GET":
        context["form"] = log_form(kind, user=request.user, operation=desk.operation)
        return _render_log(request, context)

    form = log_form(kind, request.POST, user=request.user, operation=desk.operation)
    context["form"] = form
    if form.is_valid():
        try:
            record, created = _log(kind, form, user=request.user, operation=desk.operation)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            return refuse(request, desk, error_messages(exc)[0])
        else:
            what = f"{kind_name(kind)} {describe(kind, record)}"
            note = f"Saved: {what}." if created else f"Already known: your team logged {what} before."
            if not request.htmx:
                messages.success(request, note)
                return _saved_redirect(reverse("workspace", args=[code]), f"log-{kind}")
            context.update(form=log_form(kind, user=request.user, operation=desk.operation), saved=note,
                           saved_url=finding_url(desk.operation, kind, record), draft_clear=True)
            return trigger_client_event(_render_log(request, context), FINDINGS_CHANGED)
    return _render_log(request, context)


def _saved_redirect(url: str, form_key: str):
    """After a plain (non-htmx) save: tell the next page that this form's draft in the tab is saved.

    static/js/workspace.js forgets the draft of the form named by ``?saved=`` and drops the parameter.
    """
    return redirect(f"{url}?{urlencode({'saved': form_key})}")


def kind_name(kind) -> str:
    return {"url": "URL", "account": "account", "suspect": "suspect", "victim": "possible victim",
            "case": "case"}[kind]


def _render_log(request, context):
    if request.htmx:
        return render(request, "findings/_log_form.html", context)
    context["linkable_cases"] = linkable_cases(user=request.user, operation=context["operation"],
                                               membership=context["desk"].membership)
    return render(request, "findings/log.html", context)


def finding_url(operation, kind, record) -> str:
    if kind == "case":
        return reverse("case_detail", args=[operation.code, record.reference])
    return reverse("finding_detail", args=[operation.code, kind, record.pk])


# --- bulk paste --------------------------------------------------------------------------------


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
        return render(request, "findings/bulk.html", context)
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
    return render(request, "findings/bulk.html", context)


# --- one finding -------------------------------------------------------------------------------


def _finding_or_404(request, desk, kind, pk):
    if kind not in KINDS or kind == "case":
        raise Http404("No such finding.")
    qs = KINDS[kind].objects.visible_to(request.user).in_operation(desk.operation)
    if kind in ("url", "account"):
        qs = qs.select_related("platform")
    record = qs.filter(pk=pk).first()
    if record is None:
        raise Http404("No such finding.")
    return record


def _case_or_404(request, desk, reference):
    case = Case.objects.visible_to(request.user).in_operation(desk.operation).filter(reference=reference).first()
    if case is None:
        raise Http404("No such case.")
    return case


def _visible_case(user, record):
    if not getattr(record, "case_id", None):
        return None
    return Case.objects.visible_to(user).filter(pk=record.case_id).first()


def _actions_context(request, desk, kind, record):
    can_change = may_change(request.user, record)
    context = {"desk": desk, "operation": desk.operation, "kind": kind, "record": record, "can_change": can_change,
               "case": record if kind == "case" else _visible_case(request.user, record)}
    if can_change and kind != "case":
        context["linkable_cases"] = linkable_cases(user=request.user, operation=desk.operation,
                                                   membership=desk.membership, limit=8)
    if kind in ("url", "case"):
        chosen = set(record.indicators.values_list("pk", flat=True))
        context["indicators"] = [(i, i.pk in chosen) for i in Indicator.objects.filter(active=True)]
    return context


def _evidence_of(request, kind, record):
    return (Evidence.objects.visible_to(request.user).filter(**{_EVIDENCE_FIELD[kind]: record})
            .select_related("captured_by").order_by("-captured_at"))


@login_required_keep_form
@require_GET
def finding_detail(request, code, kind, pk):
    desk = desk_for(request, code)
    if kind == "case":
        case = _record_or_404(request, desk, kind, pk)
        return redirect("case_detail", code=code, reference=case.reference)
    record = _finding_or_404(request, desk, kind, pk)
    justification = ""
    if kind == "victim":
        justification = session_justification(request.session, record)
        if not justification:
            return _render_justify(request, desk, record)
    record_consultation(user=request.user, obj=record, summary=f"{record._meta.verbose_name} page viewed",
                        justification=justification)
    return _render_detail(request, desk, kind, record)


def _render_justify(request, desk, victim, error="", text="", status=200):
    """The question asked before a possible victim's record opens: why do you need it? Shows nothing of it."""
    return render(request, "findings/justify.html", {
        "desk": desk, "operation": desk.operation, "victim": victim, "error": error, "text": text,
        "max_length": JUSTIFICATION_MAX_LENGTH,
    }, status=status)


@login_required_keep_form
@require_POST
def finding_justify(request, code, kind, pk):
    """Take the reason for reading a possible victim's record; it covers the victim's case for the session."""
    desk = desk_for(request, code)
    if kind != "victim":
        raise Http404("Only possible victims' records ask for a justification.")
    victim = _finding_or_404(request, desk, kind, pk)
    text = request.POST.get("justification", "")
    try:
        justification = clean_justification(text)
    except ValidationError as exc:
        return _render_justify(request, desk, victim, error=" ".join(exc.messages), text=text, status=400)
    remember_justification(request.session, victim, justification)
    return redirect("finding_detail", code=code, kind=kind, pk=victim.pk)


def _render_detail(request, desk, kind, record, evidence_form=None, status=200):
    context = _actions_context(request, desk, kind, record)
    context.update(
        evidence=_evidence_of(request, kind, record),
        evidence_form=evidence_form or EvidenceForm(user=request.user, operation=desk.operation),
        title=describe(kind, record), max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    )
    return render(request, "findings/finding.html", context, status=status)


@login_required_keep_form
@require_GET
def finding_actions(request, code, kind, pk):
    """The link-to-case and indicator buttons of one finding, loaded into a list row on demand."""
    desk = desk_for(request, code)
    record = _record_or_404(request, desk, kind, pk)
    return render(request, "findings/_actions.html", _actions_context(request, desk, kind, record))


def _record_or_404(request, desk, kind, pk):
    """A finding of any kind, cases included, by primary key."""
    if kind == "case":
        case = Case.objects.visible_to(request.user).in_operation(desk.operation).filter(pk=pk).first()
        if case is None:
            raise Http404("No such case.")
        return case
    return _finding_or_404(request, desk, kind, pk)


def _after_action(request, desk, kind, record, error=""):
    if request.htmx:
        context = _actions_context(request, desk, kind, record)
        context["error"] = error
        response = render(request, "findings/_actions.html", context)
        return response if error else trigger_client_event(response, FINDINGS_CHANGED)
    if error:
        messages.error(request, error)
    return redirect(finding_url(desk.operation, kind, record))


@login_required_keep_form
@require_POST
def finding_link(request, code, kind, pk):
    """Hang a suspect, victim, URL or account off a case (button, or a typed reference), or unlink it."""
    desk = desk_for(request, code)
    if kind == "case":
        raise Http404("A case is not linked to a case.")
    record = _finding_or_404(request, desk, kind, pk)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    reference = (request.POST.get("case") or "").strip().upper()
    case = None
    if reference:
        case = Case.objects.visible_to(request.user).in_operation(desk.operation).filter(reference=reference).first()
        if case is None:
            return _after_action(request, desk, kind, record, f"There is no case {reference} you can see here.")
    try:
        services.link_to_case(user=request.user, finding=record, case=case)
    except (ValidationError, PermissionDenied) as exc:
        return _after_action(request, desk, kind, record, " ".join(error_messages(exc)))
    return _after_action(request, desk, kind, record)


@login_required_keep_form
@require_POST
def finding_indicator(request, code, kind, pk):
    """Add or remove one indicator on a case or URL in one click."""
    desk = desk_for(request, code)
    if kind not in ("url", "case"):
        raise Http404("Indicators are recorded on cases and URLs.")
    record = _record_or_404(request, desk, kind, pk)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    indicator = Indicator.objects.filter(active=True, code=request.POST.get("indicator", "")).first()
    if indicator is None:
        return _after_action(request, desk, kind, record, "Unknown indicator.")
    current = list(record.indicators.all())
    chosen = [i for i in current if i.pk != indicator.pk] if indicator in current else [*current, indicator]
    try:
        services.indicators_set(user=request.user, finding=record, indicators=chosen)
    except (ValidationError, PermissionDenied) as exc:
        return _after_action(request, desk, kind, record, " ".join(error_messages(exc)))
    return _after_action(request, desk, kind, record)


# --- evidence ----------------------------------------------------------------------------------


@csrf_exempt  # the size-limit handler must be installed before the body is read; CSRF is checked below
@login_required_keep_form
@require_POST
def evidence_upload(request, code, kind, pk):
    handler = EvidenceSizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return _evidence_upload(request, code, kind, pk, handler)


@csrf_protect
def _evidence_upload(request, code, kind, pk, handler):
    desk = desk_for(request, code)
    record = _record_or_404(request, desk, kind, pk)
    form = EvidenceForm(request.POST, request.FILES, user=request.user, operation=desk.operation)
    if not desk.can_log:
        return refuse(request, desk, desk.read_only_reason)
    if handler.too_large:
        form.is_valid()
        form.add_error("file", size_limit_message())
    elif form.is_valid():
        data = form.cleaned_data
        try:
            evidence = evidence_attach(user=request.user, upload=data["file"], finding=record,
                                       description=data["description"], source_url=data["source_url"],
                                       captured_at=data["captured_at"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        except PermissionDenied as exc:
            return refuse(request, desk, error_messages(exc)[0])
        else:
            messages.success(request, f"Evidence stored: {evidence.original_name or 'file'} "
                                      f"({evidence.content_type}, SHA-256 {evidence.sha256}).")
            return _saved_redirect(finding_url(desk.operation, kind, record), f"evidence-{kind}-{record.pk}")
    if kind == "case":
        return _render_case(request, desk, record, evidence_form=form, status=400)
    return _render_detail(request, desk, kind, record, evidence_form=form, status=400)


# --- the case page -----------------------------------------------------------------------------


def _timeline(case, linked):
    """The case's history in the audit trail: its own events and those of what hangs off it."""
    q = Q(object_type=Case._meta.label_lower, object_id=str(case.pk))
    for model, ids in linked.items():
        if ids:
            q |= Q(object_type=model._meta.label_lower, object_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(q).exclude(action=AuditEvent.Action.CONSULT).order_by("-seq")[:100]


def _render_case(request, desk, case, evidence_form=None, share_form=None, status=200):
    user = request.user
    suspects = list(KINDS["suspect"].objects.visible_to(user).filter(case=case))
    victims = list(KINDS["victim"].objects.visible_to(user).filter(case=case))
    urls = list(KINDS["url"].objects.visible_to(user).filter(case=case).select_related("platform")
                .prefetch_related("indicators"))
    accounts = list(KINDS["account"].objects.visible_to(user).filter(case=case).select_related("platform"))
    evidence = list(_evidence_of(request, "case", case))
    linked = {type(rows[0]): [r.pk for r in rows] for rows in (suspects, victims, urls, accounts, evidence) if rows}
    context = _actions_context(request, desk, "case", case)
    shares = services.case_shares(case)
    context.update(
        suspects=suspects, victims=victims, urls=urls, accounts=accounts, evidence=evidence,
        focus_tags=list(case.focus_tags.all()), shares=shares, timeline=_timeline(case, linked),
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
    return render(request, "findings/case.html", context, status=status)


@login_required_keep_form
@require_GET
def case_detail(request, code, reference):
    desk = desk_for(request, code)
    case = _case_or_404(request, desk, reference)
    record_consultation(user=request.user, obj=case, summary="case page viewed")
    return _render_case(request, desk, case)


@login_required_keep_form
@require_POST
def case_share(request, code, reference):
    """Share the case with a country team or a named prosecutor, or withdraw a share."""
    desk = desk_for(request, code)
    case = _case_or_404(request, desk, reference)
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
        elif prosecutor_id.isdigit():
            prosecutor = get_user_model().objects.filter(pk=int(prosecutor_id)).first()
            if prosecutor is None:
                raise ValidationError("No such prosecutor.")
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

