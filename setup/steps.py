"""What each move of an operation's status does and locks, in the words the confirmation page shows.

The moves themselves, and who may make them, are ``operations.services`` (``OPERATION_MOVES``).
"""

from django.conf import settings

from operations.models import Operation
from operations.services import OPERATION_MOVES

S = Operation.Status

# target status → (button, what it does, what it locks)
STEPS = {
    S.ACTIVE: ("Start the operation",
               "Analysts log findings and work their checklists; the figures are compiled every minute.",
               "Nothing is locked."),
    S.CLOSED: ("Close the operation",
               "The day is over: the figures stay as they are, and the summary report can be built from them.",
               "Every finding, platform check and case becomes read-only for everyone, coordinators included. "
               "The retention period ({days} days) starts: after it, the personal "
               "data of the operation is erased and only its figures are kept."),
    S.ARCHIVED: ("Archive the operation",
                 "The operation is kept for the record only.",
                 "Final: it can no longer be reopened, and its headline figures can no longer be changed."),
}
REOPEN = ("Reopen the operation",
          "For a day closed by mistake: findings, checks and cases can be changed again.",
          "The retention period stops running until the operation is closed again.")


def step(operation: Operation, target: str):
    """(button, does, locks) of moving ``operation`` to ``target``."""
    button, does, locks = REOPEN if (target == S.ACTIVE and operation.status == S.CLOSED) else STEPS[target]
    return button, does, locks.format(days=settings.RETENTION_DAYS)


def next_steps(operation: Operation) -> list[tuple[str, str, str, str]]:
    """The moves open to the operation now: (target, button, does, locks)."""
    if operation.erased_at:
        targets = [t for t in OPERATION_MOVES[operation.status] if t != S.ACTIVE]
    else:
        targets = sorted(OPERATION_MOVES[operation.status], key=list(S.values).index)
    return [(t, *step(operation, t)) for t in targets]
