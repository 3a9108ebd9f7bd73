"""A real worker on a real Redis runs a task and returns its result."""

import pytest

from config.celery import ping


@pytest.mark.worker
def test_a_real_worker_runs_a_task_and_returns_its_result(celery_worker):
    result = ping.delay("from the test")
    assert result.get(timeout=30) == "from the test"
    assert result.successful()
