"""Bulk paste: up to 1,000 lines of URLs or handles, each saved, recognised or refused on its own.

Each line is cleaned of list markers and quotes, refanged, put in canonical form, matched to a
catalogue platform by its domain and checked against what the team already holds. Valid lines
are saved even when other lines are refused: one bad line never costs the analyst the other 39.

New lines are saved in batches through ``services.findings_bulk_log`` (access checked, one audit
event per record), so 1,000 lines take a moment rather than thousands of round trips; a batch
that meets a concurrent save of the same URL falls back to ``url_log`` line by line, which
recognises it. Each new finding's selectors are stored for cross-border matching, as the
one-by-one services do.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from findings.models import DetectedUrl, SocialAccount
from findings.selector_rows import selectors_refresh_later
from findings.services import account_log, findings_bulk_log, platform_for_host, url_log
from identifiers.canonical import InvalidUrl, canonical_handle, canonical_url, refang
from operations.access import require_change, require_log_in

MAX_LINES = 1000
BATCH = 200  # rows per transaction: the audit chain's lock is never held for long

SAVED, KNOWN, REFUSED = "saved", "known", "refused"

# "- x", "* x", "• x", "12. x", "3) x": what a list copied from a report or a chat looks like.
_LIST_MARKER = re.compile(r"^(?:[-*•·]|\d{1,4}[.)])\s+")


@dataclass
class LineResult:
    number: int
    text: str
    outcome: str
    kind: str = ""  # "url" or "account", once the line is understood
    record: object = None
    reason: str = ""
    same_as: int | None = None  # an earlier line of the same paste with the same canonical value


@dataclass
class BulkResult:
    lines: list[LineResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def saved(self) -> int:
        return self.count(SAVED)

    @property
    def known(self) -> int:
        return self.count(KNOWN)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)

    @property
    def refused_text(self) -> str:
        """The refused lines as pasted, to correct and send again."""
        return "\n".join(line.text for line in self.lines if line.outcome == REFUSED)


def clean_line(raw: str) -> str:
    text = _LIST_MARKER.sub("", raw.strip())
    text = text.strip().strip("<>\"'`").rstrip(",;")
    return text.strip()


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of each non-blank line; numbers count blank lines too, as the analyst sees them."""
    return [(n, raw.strip()) for n, raw in enumerate((text or "").splitlines(), start=1) if raw.strip()]


def too_many_lines_message(count: int) -> str:
    return (
        f"{count:,} lines were pasted; at most {MAX_LINES:,} are taken at once. Nothing was saved: "
        f"split the list and paste it in parts."
    )


def bulk_log(*, user, operation, text: str, lines_are: str = "urls", platform=None, case=None) -> BulkResult:
    """Log every line of ``text`` for the user's team; return what happened to each line.

    Raises ValidationError (nothing saved) when there are more than MAX_LINES lines, and
    PermissionDenied when the user may not log in the operation at all.
    """
    lines = numbered_lines(text)
    if len(lines) > MAX_LINES:
        raise ValidationError(too_many_lines_message(len(lines)))
    if not lines:
        raise ValidationError("Paste at least one URL or handle, one per line.")
    membership = require_log_in(user, operation)
    if case is not None:
        require_change(user, case)
    if lines_are == "handles":
        return _log_handles(user=user, operation=operation, team=membership.team, lines=lines,
                            platform=platform, case=case)
    return _log_urls(user=user, operation=operation, team=membership.team, lines=lines, case=case)


def _log_urls(*, user, operation, team, lines, case) -> BulkResult:
    result = BulkResult()
    parsed = []
    for number, raw in lines:
        text = clean_line(raw)
        try:
            url, _ = canonical_url(text)
        except InvalidUrl as exc:
            reason = f"not a URL: {exc}"
            if text.startswith("@"):
                reason += " — it looks like a handle: paste handles with “Handles” chosen"
            result.lines.append(LineResult(number, raw, REFUSED, kind="url", reason=reason))
            continue
        line = LineResult(number, raw, "", kind="url")
        result.lines.append(line)
        parsed.append((line, url))

    # One query for what the team already holds, instead of one per line.
    known = {
        u.url: u
        for u in DetectedUrl.objects.visible_to(user).filter(
            operation=operation, team=team, url__in={url for _, url in parsed}
        ).select_related("platform")
    }
    first_line_of, new, platforms = {}, [], {}
    for line, url in parsed:
        if url in first_line_of:
            continue
        first_line_of[url] = line
        if url in known:
            line.outcome, line.record, line.reason = KNOWN, known[url], "your team already has this URL"
            continue
        host = canonical_url(url)[1]
        if host not in platforms:
            platforms[host] = platform_for_host(host)
        new.append((line, DetectedUrl(url=url, host=host, platform=platforms[host], case=case)))
    _save_new(new, user=user, operation=operation, summary="URL logged by bulk paste",
              one_by_one=lambda record: url_log(user=user, operation=operation, raw_url=record.url, case=case))
    for line, url in parsed:
        if first_line_of[url] is not line:
            _repeat(line, first_line_of[url])
    return result


def _log_handles(*, user, operation, team, lines, platform, case) -> BulkResult:
    result = BulkResult()
    parsed = []
    for number, raw in lines:
        text = clean_line(raw)
        line = LineResult(number, raw, "", kind="account")
        result.lines.append(line)
        on = platform
        refanged = refang(text)
        if "://" in refanged or refanged.lower().startswith("www."):
            try:
                _, host = canonical_url(refanged)
            except InvalidUrl as exc:
                line.outcome, line.reason = REFUSED, f"not a profile URL: {exc}"
                continue
            on = platform_for_host(host) or platform
            if on is None:
                line.outcome, line.reason = REFUSED, f"no catalogue platform has the domain {host}; choose one"
                continue
        elif on is None:
            line.outcome, line.reason = REFUSED, "choose the platform these handles are on"
            continue
        try:
            handle = canonical_handle(text)
        except ValueError as exc:
            line.outcome, line.reason = REFUSED, f"not a handle: {exc}"
            continue
        parsed.append((line, on, handle))

    known = {
        (a.platform_id, a.handle): a
        for a in SocialAccount.objects.visible_to(user).filter(
            operation=operation, team=team, handle__in={h for _, _, h in parsed}
        ).select_related("platform")
    }
    first_line_of, new = {}, []
    for line, on, handle in parsed:
        key = (on.pk, handle)
        if key in first_line_of:
            continue
        first_line_of[key] = line
        if key in known:
            line.outcome, line.record = KNOWN, known[key]
            line.reason = f"your team already has this account on {on}"
            continue
        new.append((line, SocialAccount(platform=on, handle=handle, case=case)))
    _save_new(new, user=user, operation=operation, summary="social account logged by bulk paste",
              one_by_one=lambda record: account_log(user=user, operation=operation, platform=record.platform,
                                                    handle=record.handle, case=case))
    for line, on, handle in parsed:
        if first_line_of[(on.pk, handle)] is not line:
            _repeat(line, first_line_of[(on.pk, handle)])
    return result


def _repeat(line: LineResult, first: LineResult) -> None:
    line.same_as = first.number
    line.record = first.record
    if first.outcome == REFUSED:
        line.outcome, line.reason = REFUSED, f"same as line {first.number}, which was refused"
    else:
        line.outcome, line.reason = KNOWN, f"same as line {first.number}"


def _save_new(new, *, user, operation, summary, one_by_one) -> None:
    """Save the new lines in batches; a batch that fails is retried line by line, each with its reason."""
    for start in range(0, len(new), BATCH):
        batch = new[start : start + BATCH]
        try:
            saved = findings_bulk_log(user=user, operation=operation, records=[r for _, r in batch], summary=summary)
        except (IntegrityError, ValidationError):
            # Someone saved one of these at the same moment, or one row is not storable: go one by one.
            for line, record in batch:
                _save_one(line, lambda record=record: one_by_one(record))
            continue
        for (line, _), record in zip(batch, saved, strict=True):
            line.outcome, line.record = SAVED, record
            # What the one-by-one services do on each save (they did it already for the fallback).
            selectors_refresh_later(record)


def _save_one(line: LineResult, log) -> None:
    """Save one line in its own transaction, so a refusal here leaves the other lines saved."""
    try:
        record, created = log()
    except (ValidationError, PermissionDenied) as exc:
        line.outcome = REFUSED
        line.reason = "; ".join(getattr(exc, "messages", None) or [str(exc)])
        return
    line.record = record
    line.outcome = SAVED if created else KNOWN
    if not created:
        line.reason = "your team already has it"
