"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app, and every
periodic job and queue route from ``jobs.schedule`` — the one place jobs are wired."""

import os

from celery import Celery

from jobs.schedule import BEAT_SCHEDULE, TASK_ROUTES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("actionday")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = BEAT_SCHEDULE
app.conf.task_routes = TASK_ROUTES
app.autodiscover_tasks()


@app.task(name="actionday.ping")
def ping(value="pong"):
    """A task with no side effect: proves that a worker is listening and answering."""
    return value
