"""Every periodic job, and which queue each kind of job goes to: the one place they are wired.

``config/celery.py`` hands both to the Celery app. The tasks themselves live beside the work they
do (``<app>/tasks.py``) and are found by name.
"""

BEAT_SCHEDULE = {
    # The figures of every active operation, recompiled every minute (reports/tasks.py).
    "compile-statistics-of-active-operations": {
        "task": "reports.compile_statistics_of_active_operations",
        "schedule": 60.0,
    },
    # PDF reports stuck in queued (lost enqueue) or running (dead worker) are sent again (reports/building.py).
    "sweep-reports": {"task": "reports.sweep_reports", "schedule": 60.0},
    # Page captures stuck in queued (lost enqueue) or claimed by a dead worker are sent again (evidence/capture_job.py).
    "sweep-captures": {"task": "evidence.sweep_captures", "schedule": 60.0, "options": {"expires": 55.0}},
    # Selectors still unmatched (an enqueue lost while Redis was down) are matched (hits/tasks.py).
    "match-unmatched-selectors": {
        "task": "hits.match_selectors_sweep", "schedule": 60.0, "options": {"expires": 55.0},
    },
    # Personal data of operations whose retention period ran out is erased within the hour (retention/tasks.py).
    "erase-expired-personal-data": {
        "task": "retention.erase_expired", "schedule": 3600.0, "options": {"expires": 3540.0},
    },
}

# Jobs that must not wait behind others get a queue of their own (and a worker that listens to it).
TASK_ROUTES: dict[str, dict] = {
    # A page capture drives Chromium for up to a minute and needs its memory: its own worker
    # (docker-compose.yml, capture-worker), so figures and reports never wait behind one.
    "evidence.capture_page": {"queue": "capture"},
}
