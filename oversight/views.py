"""The auditor page: search the trail, export it as CSV, and see whether its hash chain is intact.

Who reads what is ``operations.access.audit_events_visible_to``, the same rule as the API: auditors (the
``audit.view_auditevent`` permission) the whole trail, coordinators the events of the operations they
coordinate. Anyone else gets the 404 of a page that does not exist.

Reading the trail is not itself recorded: events name records by type and id, never their content.
"""

import time

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.models import AuditEvent
from audit.trail import verify_chain
from audit.words import action_word, record_noun
from operations.access import audit_events_visible_to, is_auditor, reach_of
from operations.models import Operation
from spreadsheets.writing import csv_response

from .forms import AuditSearchForm

PAGE_SIZE = 100


def _operations_for(request):
    """The operations whose events the user reads (None: not an auditor of anything)."""
    if is_auditor(request.user):
        return Operation.objects.order_by("-starts_at")
    coordinated = reach_of(request.user).coordinated
    if not coordinated:
        return None
    return Operation.objects.filter(pk__in=coordinated).order_by("-starts_at")


def _searched(request):
    operations = _operations_for(request)
    if operations is None:
        raise Http404("No such page.")
    form = AuditSearchForm(request.GET or None, operations=operations)
    return form, form.apply(audit_events_visible_to(request.user))


@login_required
@require_GET
def trail(request):
    form, events = _searched(request)
    # Newest first in insert order: an event shows at once, before the sequencer chains it (seq empty).
    before = request.GET.get("before_id", "")
    page_events = events.order_by("-id")
    if before.isdigit():
        page_events = page_events.filter(id__lt=int(before))
    rows = list(page_events[: PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    codes = dict(Operation.objects.filter(pk__in={e.operation_id for e in rows}).values_list("pk", "code"))
    query = request.GET.copy()
    query.pop("before_id", None)
    return render(request, "oversight/trail.html", {
        "form": form,
        "events": [(event, codes.get(event.operation_id, "")) for event in rows],
        "older_query": _with(query, before_id=older) if older else "",
        "newest_query": query.urlencode(),
        "paged": before.isdigit(),
        "export_query": query.urlencode(),
        "auditor": is_auditor(request.user),
    })


def _with(query, **values) -> str:
    query = query.copy()
    for name, value in values.items():
        query[name] = str(value)
    return query.urlencode()


EXPORT_COLUMNS = [
    ("seq", lambda e: e.seq), ("at", lambda e: e.at.isoformat()), ("actor", lambda e: e.actor_name),
    ("actor_id", lambda e: e.actor_id), ("team", lambda e: e.team), ("action", lambda e: e.action),
    ("what", lambda e: action_word(e.action)), ("operation", lambda e: e.operation_code),
    ("object_type", lambda e: e.object_type), ("record", lambda e: record_noun(e.object_type)),
    ("object_id", lambda e: e.object_id), ("summary", lambda e: e.summary),
    ("justification", lambda e: e.justification), ("prev_hash", lambda e: e.prev_hash), ("hash", lambda e: e.hash),
]


def _export_chunks(events):
    codes = dict(Operation.objects.values_list("pk", "code"))
    # Keyset chunks in insert order (events not chained yet included, their seq and hashes empty):
    # memory stays flat and nothing stays open while the response streams.
    events, last = events.order_by("id"), 0
    while chunk := list(events.filter(id__gt=last)[:2000]):
        for event in chunk:
            event.operation_code = codes.get(event.operation_id, event.operation_id)
        yield chunk
        last = chunk[-1].id


@login_required
@require_GET
def export(request):
    """Every event the search matches, oldest first, as CSV (with the hashes, to check the chain elsewhere)."""
    _, events = _searched(request)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return csv_response(EXPORT_COLUMNS, _export_chunks(events), filename=f"actionday-audit-{stamp}.csv")


@login_required
@require_GET
def verify(request):
    """``manage.py verify_audit`` on the page: the whole chain recomputed (a partial the page loads)."""
    if _operations_for(request) is None:
        raise Http404("No such page.")
    started = time.monotonic()
    problems = verify_chain()
    return render(request, "oversight/_verify.html", {
        "problems": problems,
        "count": AuditEvent.objects.count(),
        "seconds": time.monotonic() - started,
        "checked_at": timezone.now(),
    })
