"""How work leaves a request: Celery jobs, sent by name once the transaction commits.

A service never imports a task module. It names the job (``enqueue_on_commit("reports.build_report",
report_id)``), so the app that owns the job can sit above the app that asks for it, and importing
a service never starts a Celery app. Every periodic job is in ``jobs.schedule``.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args, **kwargs) -> None:
    """Send the job ``task_name`` once the current transaction commits; nothing is sent if it rolls back.

    A web request never waits for a broker: when Redis cannot take the message, the failure is
    logged and the request goes on. Each job keeps its own pending state in the database (a
    queued report, an unmatched selector, an active operation's figures), and a periodic sweep
    enqueues what is still pending, so nothing is lost while Redis is down.

    In the embedded mode (no broker) the job runs in-process, right after the commit.
    """

    def send():
        app = current_app
        try:
            if app.conf.task_always_eager:
                # send_task ignores "always eager": run the registered task itself, in-process.
                if task_name not in app.tasks:
                    app.loader.import_default_modules()  # the apps' tasks modules, found by autodiscovery
                app.tasks[task_name].apply(args=args, kwargs=kwargs)
            else:
                # ignore_result: nobody waits on these, and subscribing to a result would retry Redis.
                # The queue comes from task_routes (jobs.schedule.TASK_ROUTES), as for any sent task.
                app.send_task(task_name, args=args, kwargs=kwargs, retry=False, ignore_result=True)
        except Exception:  # broker unreachable: the sweep picks the job up later
            logger.warning("could not enqueue %s%r; the periodic sweep will retry", task_name, args, exc_info=True)

    transaction.on_commit(send)


def send_now(task_name: str, *args, expires: float | None = None) -> None:
    """Send the job ``task_name`` at once, not after a commit: for sweeps, which run in a worker and
    resend what is still pending. Raises when the broker cannot take it (the next sweep tries again)."""
    app = current_app
    if app.conf.task_always_eager:
        if task_name not in app.tasks:
            app.loader.import_default_modules()
        app.tasks[task_name].apply(args=args)
        return
    app.send_task(task_name, args=args, expires=expires, retry=False, ignore_result=True)
