"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app."""

import logging
import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("actionday")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="actionday.ping")
def ping(value="pong"):
    """A task with no side effect: proves that a worker is listening and answering."""
    return value


logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs):
    """Send ``task`` once the current transaction commits; nothing is sent if it rolls back.

    A web request never waits for a broker: when Redis cannot take the message, the failure is
    logged and the request goes on. Each job keeps its own pending state in the database (a
    queued report, an unmatched selector, an active operation's figures), and a periodic sweep
    enqueues what is still pending, so nothing is lost while Redis is down.
    """

    def send():
        try:
            # ignore_result: nobody waits on these, and subscribing to a result would retry Redis.
            task.apply_async(args=args, kwargs=kwargs, retry=False, ignore_result=True)
        except Exception:  # broker unreachable: the sweep picks the job up later
            logger.warning("could not enqueue %s%r; the periodic sweep will retry", task.name, args, exc_info=True)

    transaction.on_commit(send)
