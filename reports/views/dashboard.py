"""The coordinator's live dashboard of an operation.

Coordinators of the operation only: anyone else — analyst, prosecutor, member of another
operation — gets the same 404 as for an operation that does not exist. The figures come from the
newest StatisticsSnapshot (the statistics job keeps it current); the page polls two partials with
htmx, so it refreshes by itself without a reload.
"""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from audit.words import capitalised, record_noun
from operations.countries import country_name
from operations.desk import error_messages
from operations.models import Operation
from platforms.models import Platform

from .. import charts
from ..press import SHORT_LABELS, press_parts
from ..services import headline_set, snapshot_latest, snapshot_request
from ..statistics import FIGURES, headline_keys, press_label, press_number
from .press import press_context

POLL_SECONDS = 15
# A snapshot older than this is asked for again when the page polls (the beat should have done
# it; in the embedded mode, where jobs run in-process and no beat runs, this keeps the demo live).
STALE_AFTER = 60
ACTIVITY_ROWS = 15

# Columns of the per-country and per-focus-tag tables, in groups the reader shows one at a time (or
# all of them, in a sideways-scrolling area): group key, group name, figure keys.
COLUMN_GROUPS = [
    ("findings", "Findings", ["urls", "social_accounts", "victims", "minor_victims", "perpetrators"]),
    ("entities", "Entities checked", ["entities_checked", "platforms_checked", "persons_checked", "locations",
                                      "phone_numbers"]),
    ("platforms", "Platforms", ["experts", "platforms_monitored", "platforms_checked",
                                "platforms_with_indications", "dark_web_platforms_checked"]),
    ("cases", "Cases", ["cases", "cases_referred", "investigations_opened", "indicators"]),
]
# Each figure once, in the groups it belongs to (platforms checked is a platform figure and a part of
# the entities checked).
TEAM_COLUMNS: dict[str, list[str]] = {}
for _group, _, _keys in COLUMN_GROUPS:
    for _key in _keys:
        TEAM_COLUMNS.setdefault(_key, []).append(_group)
TAG_COLUMNS = {key: groups for key, groups in TEAM_COLUMNS.items() if key != "experts"}
ACTIVITY_READ = 200  # events read to fill ACTIVITY_ROWS lines once repeats are folded together


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
    context |= press_context(operation) | {"operation": operation, "poll_seconds": POLL_SECONDS}
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
        messages.error(request, " ".join(error_messages(exc)))
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
            {"key": key, "number": press_number(totals.get(key, 0)), "label": press_label(key, totals.get(key, 0)),
             "parts": press_parts(key, totals)}
            for key in chosen
        ],
        "all_figures": [
            {"key": key, "label": label, "number": press_number(totals.get(key, 0)), "parts": press_parts(key, totals)}
            for key, label in FIGURES.items()
        ],
        "column_groups": [(group, name) for group, name, _ in COLUMN_GROUPS],
        "team_columns": _columns(TEAM_COLUMNS),
        "teams": sorted(
            (
                {"code": team, "name": country_name(team), "values": _values(row, TEAM_COLUMNS)}
                for team, row in figures["per_team"].items()
            ),
            key=lambda row: row["name"],
        ),
        "team_totals": _values(totals, TEAM_COLUMNS),
        "tag_columns": _columns(TAG_COLUMNS),
        "tags": [
            {"name": name, "values": _values(row, TAG_COLUMNS)}
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
        "charts": _charts(operation, figures),
    }


# Charts are drawn at the width they are shown at (the stylesheet never scales them up), with labels
# of CHART_TEXT px: in the narrowest column they get (1024 px screens) they are shown at full size.
CHART_WIDTH, CHART_TEXT = 600, 12


def _charts(operation, figures) -> dict:
    size = {"width": CHART_WIDTH, "size": CHART_TEXT}
    activity = charts.activity_chart(figures, starts_at=operation.starts_at, ends_at=operation.ends_at,
                                     height=260, **size)
    return {
        "progress": charts.to_svg(charts.checks_progress_chart(figures, **size),
                                  label="Platform checks by country team"),
        "activity": charts.to_svg(activity, label="Findings logged over time"),
        "categories": charts.to_svg(charts.platforms_by_category_chart(figures, **size),
                                    label="Platforms by category"),
    }


def _columns(columns) -> list[dict]:
    return [{"groups": groups, "key": key, "label": SHORT_LABELS[key]} for key, groups in columns.items()]


def _values(row: dict, columns) -> list[dict]:
    return [{"groups": groups, "value": row.get(key, 0)} for key, groups in columns.items()]


def _activity_context(operation: Operation) -> dict:
    """The newest events of the operation's audit trail, in people's words: what happened, never whose data.

    Events hold no personal data (they name objects by type and id); the object id is not shown
    either, and consultations are left out (they say who looked, which is for auditors). A run of
    the same thing by the same team (a bulk paste of 40 URLs) is one line: "40 URLs logged by bulk paste".
    """
    events = (
        AuditEvent.objects.filter(operation_id=operation.pk)
        .exclude(action=AuditEvent.Action.CONSULT)
        .order_by("-id")
        .values("at", "team", "action", "object_type", "summary")[:ACTIVITY_READ]
    )
    lines: list[dict] = []
    for event in events:
        last = lines[-1] if lines else None
        same = ("team", "action", "object_type", "summary")
        if last is not None and all(last[key] == event[key] for key in same):
            last["count"] += 1
            last["first_at"] = event["at"]
            continue
        if len(lines) == ACTIVITY_ROWS:
            break
        lines.append(event | {"count": 1, "first_at": event["at"]})
    return {"activity": [line | {"what": activity_line(line)} for line in lines]}


def _names(noun: str, summary: str) -> bool:
    """Whether the summary starts with the record's name ("URL logged", "cross-border hit: …")."""
    return bool(noun) and re.match(rf"{re.escape(noun)}\b", summary, flags=re.IGNORECASE) is not None


def activity_line(line: dict) -> str:
    """ "URL logged by bulk paste", "40 URLs logged by bulk paste", "Case · indicators: Crypto-only payment"."""
    noun, summary = record_noun(line["object_type"]), line["summary"] or line["action"]
    if line["count"] > 1:
        plural = record_noun(line["object_type"], plural=True)
        if _names(noun, summary):
            return f"{line['count']} {plural}{summary[len(noun):]}"
        return f"{capitalised(summary)} ({line['count']} {plural or 'times'})"
    if not noun or _names(noun, summary):
        return capitalised(summary)
    return f"{capitalised(noun)} · {summary}"


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
            "label": SHORT_LABELS[key],
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
        "headline_available": [(key, SHORT_LABELS[key]) for key in FIGURES if key not in keys],
    }
