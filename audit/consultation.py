"""Consultations: reading a record of a person is recorded, and a possible victim's record needs a reason.

Article 25 of the Law Enforcement Directive asks the log of a consultation to say who, when and
*why*. For cases, suspects, URLs, accounts and evidence the "why" is the operation the reader works
in; a possible victim's record asks for the reason in words:

- on the pages, once per case and session: the first victim record of a case that a member opens
  asks for a justification; it is kept in the session and goes into the consultation event of every
  victim record of that case the member opens until the session ends. A victim linked to no case is
  a scope of its own.
- in the API, which keeps no session, on every read of a victim record: an ``X-Justification``
  header (ASCII, as HTTP headers are) or a ``justification`` query parameter (any language).

The justification is the reader's own words about their reason, not a copy of the record.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import AuditEvent

SESSION_KEY = "audit_justifications"
MIN_LENGTH = 10
MAX_LENGTH = 500
HEADER = "X-Justification"
QUERY_PARAMETER = "justification"


def justification_scope(victim) -> str:
    """What one justification covers: the victim's case, or the victim alone when it has none."""
    return f"case:{victim.case_id}" if victim.case_id else f"victim:{victim.pk}"


def clean_justification(text) -> str:
    """The justification as it will be recorded; ValidationError when it says too little or too much."""
    text = " ".join((text or "").split())
    if len(text) < MIN_LENGTH:
        raise ValidationError(
            f"Say why you need to read this possible victim's record (at least {MIN_LENGTH} characters): "
            "the reason is recorded in the audit trail with your name."
        )
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"Keep the justification under {MAX_LENGTH} characters.")
    return text


def session_justification(session, victim) -> str:
    """The justification given in this session for the victim's case ("" when none was given)."""
    return (session.get(SESSION_KEY) or {}).get(justification_scope(victim), "")


def remember_justification(session, victim, text: str) -> None:
    justified = dict(session.get(SESSION_KEY) or {})
    justified[justification_scope(victim)] = text
    session[SESSION_KEY] = justified


def record_consultation(*, user, obj, summary: str, justification: str = "") -> AuditEvent:
    """Record that ``user`` read ``obj`` (a page or an API read), with the reason when one was given."""
    from .trail import record

    with transaction.atomic():
        return record(actor=user, action=AuditEvent.Action.CONSULT, obj=obj, summary=summary,
                      justification=justification)
