"""The auditor page: search the trail, export it as CSV, and see whether its hash chain is intact.

Who reads what is ``operations.access.audit_events_visible_to``, the same rule as the API: auditors (the
``audit.view_auditevent`` permission) the whole trail, coordinators the events of the operations they
coordinate. Anyone else gets the 404 of a page that does not exist.

Reading the trail is not itself recorded: events name records by type and id, never their content.
"""

import csv
import time

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.models import AuditEvent
from audit.trail import verify_chain
from audit.words import action_word, record_noun
from operations.access import audit_events_visible_to, is_auditor, reach_of
from operations.models import Operation

from .forms import AuditSearchForm

PAGE_SIZE = 100
# The machine columns, each with its words for people beside it ("what", "record").
CSV_COLUMNS = ["seq", "at", "actor", "actor_id", "team", "action", "what", "operation", "object_type", "record",
               "object_id", "summary", "justification", "prev_hash", "hash"]
# A spreadsheet runs a cell that starts like a formula; a justification is free text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    before = request.GET.get("before_seq", "")
    page_events = events.order_by("-seq")
    if before.isdigit():
        page_events = page_events.filter(seq__lt=int(before))
    rows = list(page_events[: PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].seq if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    codes = dict(Operation.objects.filter(pk__in={e.operation_id for e in rows}).values_list("pk", "code"))
    query = request.GET.copy()
    query.pop("before_seq", None)
    return render(request, "oversight/trail.html", {
        "form": form,
        "events": [(event, codes.get(event.operation_id, "")) for event in rows],
        "older_query": _with(query, before_seq=older) if older else "",
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


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_lines(events):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    codes = dict(Operation.objects.values_list("pk", "code"))
    # Keyset chunks in chain order: memory stays flat and nothing stays open while the response streams.
    events, last = events.order_by("seq"), 0
    while chunk := list(events.filter(seq__gt=last)[:2000]):
        for e in chunk:
            yield writer.writerow([_cell(v) for v in (
                e.seq, e.at.isoformat(), e.actor_name, e.actor_id, e.team, e.action, action_word(e.action),
                codes.get(e.operation_id, e.operation_id), e.object_type, record_noun(e.object_type), e.object_id,
                e.summary, e.justification, e.prev_hash, e.hash,
            )])
        last = chunk[-1].seq


@login_required
@require_GET
def export(request):
    """Every event the search matches, oldest first, as CSV (with the hashes, to check the chain elsewhere)."""
    _, events = _searched(request)
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="actionday-audit-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


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
