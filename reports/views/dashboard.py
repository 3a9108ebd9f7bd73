"""The coordinator's live dashboard of an operation.

Coordinators of the operation only: anyone else — analyst, prosecutor, member of another
operation — gets the same 404 as for an operation that does not exist. The figures come from the
newest StatisticsSnapshot (the statistics job keeps it current); the page polls two partials with
htmx, so it refreshes by itself without a reload.
"""

import datetime as dt

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from operations.countries import country_name
from operations.models import Operation
from platforms.models import Platform

from .. import charts
from ..services import headline_set, snapshot_latest, snapshot_request
from ..statistics import FIGURES, headline_keys, press_label, press_number

POLL_SECONDS = 15
# A snapshot older than this is asked for again when the page polls (the beat should have done
# it; in the embedded mode, where jobs run in-process and no beat runs, this keeps the demo live).
STALE_AFTER = 60
ACTIVITY_ROWS = 15

# Columns of the per-country and per-focus-tag tables: figure key, short heading.
TEAM_COLUMNS = [
    ("experts", "Experts"),
    ("platforms_monitored", "Platforms monitored"),
    ("platforms_checked", "checked"),
    ("platforms_with_indications", "with indications"),
    ("urls", "URLs"),
    ("social_accounts", "Social accounts"),
    ("persons_checked", "Persons / usernames checked"),
    ("victims", "Potential victims"),
    ("minor_victims", "of whom minors"),
    ("perpetrators", "Potential perpetrators"),
    ("cases", "Cases"),
    ("cases_referred", "referred"),
    ("investigations_opened", "Investigations opened"),
    ("indicators", "Indicators"),
]
TAG_COLUMNS = TEAM_COLUMNS[1:]


def _coordinated_operation(request, code) -> Operation:
    operation = Operation.objects.coordinated_by(request.user).filter(code=code).first()
    if operation is None:  # one answer for "no such operation", "not a member" and "not a coordinator"
        raise Http404("No such dashboard.")
    return operation


@login_required
@require_GET
def dashboard(request, code):
    operation = _coordinated_operation(request, code)
    context = _live_context(operation) | _activity_context(operation) | _headline_editor_context(operation)
    context |= {"operation": operation, "poll_seconds": POLL_SECONDS}
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def dashboard_live(request, code):
    """The figures, charts and tables: the part of the page that htmx refreshes."""
    operation = _coordinated_operation(request, code)
    context = _live_context(operation) | {"operation": operation, "poll_seconds": POLL_SECONDS}
    return render(request, "reports/dashboard.html#live", context)


@login_required
@require_GET
def dashboard_activity(request, code):
    operation = _coordinated_operation(request, code)
    context = _activity_context(operation) | {"operation": operation, "poll_seconds": POLL_SECONDS}
    return render(request, "reports/dashboard.html#activity", context)


@login_required
@require_POST
def dashboard_recompute(request, code):
    """"Recompute now": the statistics job runs once this request commits."""
    operation = _coordinated_operation(request, code)
    requested_at = timezone.now()
    snapshot_request(operation=operation)
    if request.htmx:
        context = _live_context(operation, requested_at=requested_at)
        context |= {"operation": operation, "poll_seconds": POLL_SECONDS}
        return render(request, "reports/dashboard.html#live", context)
    messages.info(request, "Recompute requested: the figures refresh by themselves in a moment.")
    return redirect("dashboard", code=operation.code)


@login_required
@require_POST
def dashboard_headline(request, code):
    """Set the published headline: the figures posted as ``figure`` in order, plus ``add``."""
    operation = _coordinated_operation(request, code)
    keys = request.POST.getlist("figure")
    if request.POST.get("add"):
        keys.append(request.POST["add"])
    try:
        headline_set(user=request.user, operation=operation, keys=keys)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Published headline saved.")
    return redirect(reverse("dashboard", args=[operation.code]) + "#headline")


# --- what the templates get --------------------------------------------------------------------


def _live_context(operation: Operation, *, requested_at: dt.datetime | None = None) -> dict:
    """``requested_at``: when this request asked for a recompute, if it did."""
    now = timezone.now()
    snapshot = snapshot_latest(operation)
    stale = snapshot is None or snapshot.computed_at < now - dt.timedelta(seconds=STALE_AFTER)
    if stale and requested_at is None and operation.status == Operation.Status.ACTIVE:
        requested_at = now
        snapshot_request(operation=operation, unless_newer_than=STALE_AFTER)
    if requested_at is not None:
        # In the embedded mode the job has run in this request already: say "requested" only if not.
        snapshot = snapshot_latest(operation)
    requested = requested_at is not None and (snapshot is None or snapshot.computed_at < requested_at)
    if snapshot is None:
        return {"snapshot": None, "requested": requested}
    figures = snapshot.figures
    totals = figures["totals"]
    chosen = headline_keys(operation)
    return {
        "snapshot": snapshot,
        "requested": requested,
        "age_seconds": max(0, int((now - snapshot.computed_at).total_seconds())),
        "headline": [
            {"key": key, "number": press_number(totals[key]), "label": press_label(key, totals[key])} for key in chosen
        ],
        "all_figures": [
            {"key": key, "label": label, "number": press_number(totals[key])} for key, label in FIGURES.items()
        ],
        "team_columns": [label for _, label in TEAM_COLUMNS],
        "teams": sorted(
            (
                {"code": team, "name": country_name(team), "values": [row[key] for key, _ in TEAM_COLUMNS]}
                for team, row in figures["per_team"].items()
            ),
            key=lambda row: row["name"],
        ),
        "team_totals": [totals.get(key, 0) for key, _ in TEAM_COLUMNS],
        "tag_columns": [label for _, label in TAG_COLUMNS],
        "tags": [
            {"name": name, "values": [row[key] for key, _ in TAG_COLUMNS]}
            for name, row in sorted(figures["per_focus_tag"].items())
        ],
        "nationalities": sorted(
            (
                {"name": country_name(code) if code != "unknown" else "Not known", "count": n}
                for code, n in figures["breakdowns"].get("victims_by_nationality", {}).items()
            ),
            key=lambda row: (-row["count"], row["name"]),
        ),
        "indicators": figures["breakdowns"].get("indicators", []),
        "surfaces": [
            {"name": label, **figures["breakdowns"].get("platforms_by_surface", {}).get(value, {})}
            for value, label in Platform.Surface.choices
        ],
        "charts": {
            "progress": charts.to_svg(charts.checks_progress_chart(figures), label="Platform checks by country team"),
            "per_hour": charts.to_svg(
                charts.findings_per_hour_chart(figures, starts_at=operation.starts_at, ends_at=operation.ends_at),
                label="Findings logged per hour",
            ),
            "categories": charts.to_svg(charts.platforms_by_category_chart(figures), label="Platforms by category"),
        },
    }


def _activity_context(operation: Operation) -> dict:
    """The newest events of the operation's audit trail: what happened, never whose data.

    Events hold no personal data (they name objects by type and id); the object id is not shown
    either, and consultations are left out (they say who looked, which is for auditors).
    """
    events = (
        AuditEvent.objects.filter(operation_id=operation.pk)
        .exclude(action=AuditEvent.Action.CONSULT)
        .order_by("-id")
        .values("at", "team", "action", "object_type", "summary")[:ACTIVITY_ROWS]
    )
    return {"activity": [event | {"kind": _kind(event["object_type"])} for event in events]}


def _kind(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _headline_editor_context(operation: Operation) -> dict:
    """The current headline with, for each entry, the orders that its buttons would post."""
    keys = headline_keys(operation)

    def swapped(i, j):
        order = list(keys)
        order[i], order[j] = order[j], order[i]
        return order

    rows = [
        {
            "key": key,
            "label": FIGURES[key],
            "up": swapped(i, i - 1) if i > 0 else None,
            "down": swapped(i, i + 1) if i < len(keys) - 1 else None,
            "remove": keys[:i] + keys[i + 1 :],
        }
        for i, key in enumerate(keys)
    ]
    return {
        "headline_rows": rows,
        "headline_keys": keys,
        "headline_is_default": not operation.headline_figures,
        "headline_available": [(key, label) for key, label in FIGURES.items() if key not in keys],
    }
