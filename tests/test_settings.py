"""Settings: the embedded default when nothing is set; production refuses a half configuration."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.DEBUG)"
)
GOOD_KEY = "k" * 50


def run_settings(**env_vars):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")}
    env = base | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env_vars
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)


def test_nothing_set_gives_the_embedded_default_without_debug_and_says_so():
    result = run_settings(SQLITE_PATH="/tmp/actionday-settings-probe.sqlite3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "memory://", "False"]
    assert "embedded mode" in result.stderr


def test_debug_is_on_in_the_embedded_mode_only_when_asked_for():
    result = run_settings(SQLITE_PATH="/tmp/actionday-settings-probe.sqlite3", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"


def test_database_and_redis_urls_select_postgresql_and_celery_on_redis():
    result = run_settings(DATABASE_URL="postgres://u@127.0.0.1:5/x", REDIS_URL="redis://127.0.0.1:6/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "redis://127.0.0.1:6/0", "False"]
    assert "embedded mode" not in result.stderr


def test_a_database_without_redis_is_told_jobs_need_a_broker_not_run_inline():
    # Jobs run in-process only in the embedded shape: a developer's PostgreSQL without Redis is refused
    # at start-up with what to set, instead of silently running every job inside the request.
    result = run_settings(DATABASE_URL="postgres://u@127.0.0.1:5/x")
    assert result.returncode != 0
    assert "DATABASE_URL is set but REDIS_URL is not" in result.stderr
    assert "embedded" in result.stderr


def test_production_refuses_the_default_secret_key():
    result = run_settings(ACTIONDAY_ENV="production", DATABASE_URL="postgres://u@h/x", REDIS_URL="redis://h/0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug_on():
    result = run_settings(
        ACTIONDAY_ENV="production", SECRET_KEY=GOOD_KEY, DEBUG="true",
        DATABASE_URL="postgres://u@h/x", REDIS_URL="redis://h/0",
    )
    assert result.returncode != 0
    assert "DEBUG off" in result.stderr


def test_production_refuses_to_run_jobs_inline_without_redis():
    result = run_settings(ACTIONDAY_ENV="production", SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u@h/x")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_starts_when_everything_is_given():
    result = run_settings(
        ACTIONDAY_ENV="production", SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u@h/x", REDIS_URL="redis://h/0",
        AUDIT_CHECKPOINT_VERIFY_KEYS="k" * 44,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"


def test_a_job_of_a_dead_worker_is_handed_out_again_only_after_the_longest_build_could_end():
    from django.conf import settings

    from reports.building import BUILD_TIME_LIMIT

    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert BUILD_TIME_LIMIT < timeout <= 15 * 60  # not a second worker on a live build; not an hour's wait
