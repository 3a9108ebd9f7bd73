"""Persons on a page: what of a possible victim a list may show, and which records the page showed.

A page that lists suspects or victims (the workspace, a case page) names them in the audit trail, as the
API's lists do (``operations.consultations``). A victim is listed by code only until the member has given
the reason for reading the victims of its case in this session (``audit.consultation``, asked when a
victim's record is opened): then the list shows the victim's particulars too, and the consultation
carries that reason.
"""

from audit.consultation import session_justification
from operations.consultations import record_shown, shown_rows

from ..models import PossibleVictim, Suspect


def victim_particulars_shown(session, victims) -> dict[int, str]:
    """{victim id: the reason given for it} of the victims whose particulars this session may list."""
    return {v.pk: why for v in victims if (why := session_justification(session, v))}


def record_persons_shown(*, request, suspects, victims, how: str, justified: dict[int, str]) -> None:
    """Name the suspects and victims a page showed; victims shown with their particulars with the reason."""
    record_shown(user=request.user, model=Suspect, rows=shown_rows(suspects), how=how)
    by_reason: dict[str, list] = {}
    for victim in victims:
        by_reason.setdefault(justified.get(victim.pk, ""), []).append(victim)
    for reason, group in by_reason.items():
        record_shown(user=request.user, model=PossibleVictim, rows=shown_rows(group),
                     how=how if reason else f"{how} (codes only)", justification=reason)
