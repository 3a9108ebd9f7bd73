"""The retention job: every hour (jobs/schedule.py), erase what has been kept long enough."""

from celery import shared_task

from .services import erase_expired as erase


@shared_task(name="retention.erase_expired")
def erase_expired() -> list[str]:
    """Erase the personal data of every operation whose retention period ran out; returns their codes.

    Idempotent: an erased operation is never due again, and two runs at once lock the operation's row.
    """
    return [erasure.operation.code for erasure in erase()]
