"""One finding's page (suspect, possible victim, URL, account) and its actions: link to a case,
indicators. A possible victim's page asks why it is read before it opens.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from audit.consultation import MAX_LENGTH as JUSTIFICATION_MAX_LENGTH
from audit.consultation import (
    clean_justification,
    record_consultation,
    remember_justification,
    session_justification,
)
from operations.access import may_change
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from .. import services
from ..forms import EvidenceForm
from ..models import Case, Evidence, Indicator
from ..workspace import KINDS, linkable_cases
from .duplicates import link_context
from .workspace import FINDINGS_CHANGED, describe, finding_url

_EVIDENCE_FIELD = {"suspect": "suspect", "victim": "victim", "url": "url", "account": "account", "case": "case"}
# Evidence is attached to a location's case, not to the location itself.
_WITHOUT_EVIDENCE = {"location"}


def finding_or_404(request, desk, kind, pk):
    if kind not in KINDS or kind == "case":
        raise Http404("No such finding.")
    qs = KINDS[kind].objects.visible_to(request.user).in_operation(desk.operation)
    if kind in ("url", "account"):
        qs = qs.select_related("platform")
    record = qs.filter(pk=pk).first()
    if record is None:
        raise Http404("No such finding.")
    return record


def case_or_404(request, desk, reference):
    case = Case.objects.visible_to(request.user).in_operation(desk.operation).filter(reference=reference).first()
    if case is None:
        raise Http404("No such case.")
    return case


def _visible_case(user, record):
    if not getattr(record, "case_id", None):
        return None
    return Case.objects.visible_to(user).filter(pk=record.case_id).first()


def actions_context(request, desk, kind, record):
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


def evidence_of(request, kind, record):
    if kind in _WITHOUT_EVIDENCE:
        return None
    return (Evidence.objects.visible_to(request.user).filter(**{_EVIDENCE_FIELD[kind]: record})
            .select_related("captured_by").order_by("-captured_at"))


@login_required_keep_form
@require_GET
def finding_detail(request, code, kind, pk):
    desk = desk_for(request, code)
    if kind == "case":
        case = record_or_404(request, desk, kind, pk)
        return redirect("case_detail", code=code, reference=case.reference)
    record = finding_or_404(request, desk, kind, pk)
    justification = ""
    if kind == "victim":
        justification = session_justification(request.session, record)
        if not justification:
            return _render_justify(request, desk, record)
    record_consultation(user=request.user, obj=record, summary=f"{record._meta.verbose_name} page viewed",
                        justification=justification)
    return render_finding_page(request, desk, kind, record)


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
    victim = finding_or_404(request, desk, kind, pk)
    text = request.POST.get("justification", "")
    try:
        justification = clean_justification(text)
    except ValidationError as exc:
        return _render_justify(request, desk, victim, error=" ".join(exc.messages), text=text, status=400)
    remember_justification(request.session, victim, justification)
    return redirect("finding_detail", code=code, kind=kind, pk=victim.pk)


def render_finding_page(request, desk, kind, record, evidence_form=None, status=200):
    context = actions_context(request, desk, kind, record)
    context.update(
        evidence=evidence_of(request, kind, record),
        evidence_form=evidence_form or EvidenceForm(user=request.user, operation=desk.operation),
        title=describe(kind, record), max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    )
    if kind in ("suspect", "victim"):
        context["same_person"] = link_context(request, desk, kind, record)
    return render(request, "findings/finding.html", context, status=status)


@login_required_keep_form
@require_GET
def finding_actions(request, code, kind, pk):
    """The link-to-case and indicator buttons of one finding, loaded into a list row on demand."""
    desk = desk_for(request, code)
    record = record_or_404(request, desk, kind, pk)
    return render(request, "findings/_actions.html", actions_context(request, desk, kind, record))


def record_or_404(request, desk, kind, pk):
    """A finding of any kind, cases included, by primary key."""
    if kind == "case":
        case = Case.objects.visible_to(request.user).in_operation(desk.operation).filter(pk=pk).first()
        if case is None:
            raise Http404("No such case.")
        return case
    return finding_or_404(request, desk, kind, pk)


def _after_action(request, desk, kind, record, error=""):
    if request.htmx:
        context = actions_context(request, desk, kind, record)
        context["error"] = error
        response = render(request, "findings/_actions.html", context)
        return response if error else trigger_client_event(response, FINDINGS_CHANGED)
    if error:
        messages.error(request, error)
    return redirect(finding_url(desk.operation, kind, record))


@login_required_keep_form
@require_POST
def finding_link(request, code, kind, pk):
    """Hang a suspect, victim, URL, account or location off a case (button, or a typed reference), or unlink it."""
    desk = desk_for(request, code)
    if kind == "case":
        raise Http404("A case is not linked to a case.")
    record = finding_or_404(request, desk, kind, pk)
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
    record = record_or_404(request, desk, kind, pk)
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
