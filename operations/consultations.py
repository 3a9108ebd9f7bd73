"""Which records of persons a list, search, export or bundle showed, in the audit trail.

Reading one suspect's or possible victim's record is recorded as a consultation of that record; a
list shows many at once, and the trail must say which. One event per list answer and per operation
and country team whose records it showed (each team and each operation's coordinators find it in
their part of the trail), naming the records by id in its summary — never their content. A long list
takes as many events as its ids need (a summary holds 300 characters): a page of 50 victims is one or
two events, where one event per record would be fifty (docs/decisions.md has the figures).
"""

import audit

SUMMARY_LENGTH = 300  # audit.models.AuditEvent.summary


def record_shown(*, user, model, rows, how: str, action: str = "consult", justification: str = "") -> int:
    """Record that ``user`` was shown the records ``rows`` of ``model``: (pk, operation_id, team) each.

    ``how`` says where ("listed through the API", "exported as CSV"); returns the number of events.
    """
    groups: dict[tuple, list[int]] = {}
    for pk, operation_id, team in rows:
        groups.setdefault((operation_id, team), []).append(pk)
    label = model._meta.verbose_name_plural
    written = 0
    for (operation_id, team), ids in sorted(groups.items(), key=lambda item: (item[0][0] or 0, item[0][1])):
        for summary in _summaries(f"{label} {how}:", sorted(ids)):
            audit.record(actor=user, action=action, operation=operation_id, team=team,
                         object_type=model._meta.label_lower, summary=summary, justification=justification)
            written += 1
    return written


def _summaries(head: str, ids: list[int]) -> list[str]:
    """``head`` followed by as many ids as fit, as often as needed."""
    summaries, current = [], head
    for pk in ids:
        word = f" {pk}"
        if len(current) + len(word) > SUMMARY_LENGTH:
            summaries.append(current)
            current = head
        current += word
    if current != head:
        summaries.append(current)
    return summaries


def shown_rows(records) -> list[tuple]:
    """(pk, operation_id, team) of records already read."""
    return [(r.pk, r.operation_id, r.team) for r in records]
