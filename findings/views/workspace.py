"""The analyst workspace: the findings list and quick logging.

Thin views: read through ``visible_to``, write through ``findings.services`` (which check the
access rule and audit), render. Every form that fails comes back with what was typed. One
finding's page is in ``records``, a case's in ``cases``; bulk paste is the intake app's.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from identifiers.canonical import defang
from operations.desk import desk_for, error_messages, login_required_keep_form, refuse

from .. import services
from ..forms import FilterForm, log_form
from ..workspace import KINDS, Cursor, linkable_cases, operation_teams, workspace_feed
from .persons import record_persons_shown, victim_particulars_shown

# The htmx event that tells the list to refresh after a save elsewhere on the page.
FINDINGS_CHANGED = "findings-changed"


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
    suspects = [row.record for row in page.rows if row.kind == "suspect"]
    victims = [row.record for row in page.rows if row.kind == "victim"]
    justified = victim_particulars_shown(request.session, victims)
    for row in page.rows:
        if row.kind == "victim":
            row.particulars = row.record.pk in justified
    record_persons_shown(request=request, suspects=suspects, victims=victims, how="listed in the workspace",
                         justified=justified)
    feed = render_to_string("findings/feed.html", using="jinja2", request=request, context={
        "request": request, "desk": desk, "operation": desk.operation, "page": page, "filters_active": filters.active,
        "newest_link": _page_link(request, None) if request.GET.get("before") else "",
        "older_link": _page_link(request, page.next_cursor.encode()) if page.next_cursor else "",
    })
    if request.htmx and request.htmx.target == "feed" and not request.htmx.history_restore_request:
        return HttpResponse(feed)
    # Safe: the Jinja2 environment escapes everything it prints, as Django templates do.
    context = {"desk": desk, "operation": desk.operation, "filter_form": filter_form, "feed": mark_safe(feed)}
    if desk.can_log:
        # The forms themselves come when their box is opened (htmx): building and rendering five
        # forms that are mostly left closed was a fifth of the page's time.
        context["log_kinds"] = ("url", "account", "suspect", "victim", "location", "case")
        context["linkable_cases"] = linkable_cases(user=request.user, operation=desk.operation,
                                                   membership=desk.membership)
    return render(request, "findings/workspace.html", context)


def _page_link(request, before: str | None) -> str:
    """This page's query string with another ``before`` cursor (none: the newest page)."""
    query = request.GET.copy()
    query.pop("before", None)
    if before:
        query["before"] = before
    return f"?{query.urlencode()}"


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
    if kind == "location":
        return services.location_log(user=user, operation=operation, address=data["address"], city=data["city"],
                                     country=data["country"], case=data["case"], note=data["note"])
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
                return saved_redirect(reverse("workspace", args=[code]), f"log-{kind}")
            context.update(form=log_form(kind, user=request.user, operation=desk.operation), saved=note,
                           saved_url=finding_url(desk.operation, kind, record), draft_clear=True)
            return trigger_client_event(_render_log(request, context), FINDINGS_CHANGED)
    return _render_log(request, context)


def saved_redirect(url: str, form_key: str):
    """After a plain (non-htmx) save: tell the next page that this form's draft in the tab is saved.

    static/js/workspace.js forgets the draft of the form named by ``?saved=`` and drops the parameter.
    """
    return redirect(f"{url}?{urlencode({'saved': form_key})}")


def kind_name(kind) -> str:
    return {"url": "URL", "account": "account", "suspect": "suspect", "victim": "possible victim",
            "location": "location", "case": "case"}[kind]


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
