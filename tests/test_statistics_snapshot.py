"""On PostgreSQL the compile reads one snapshot on two connections; the figures are the same."""

import pytest
from django.db import connection, transaction

from reports.statistics import compile_figures

from .cast import build_cast
from .test_statistics_counting import log_dataset

pytestmark = pytest.mark.django_db(transaction=True)


def now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


# Connections this test opens carry this name (libpq reads PGAPPNAME when it connects): the Celery
# worker of the test run may open connections to the same database meanwhile, and they do not count.
APPLICATION = "statistics-snapshot-test"


def connections_opened_since(moment) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_start > %s "
            "AND application_name = %s", [moment, APPLICATION]
        )
        return cursor.fetchone()[0]


def test_the_two_connection_compile_equals_the_one_connection_compile_and_leaves_no_connection(monkeypatch):
    monkeypatch.setenv("PGAPPNAME", APPLICATION)
    cast = build_cast()
    log_dataset(cast)
    started = now()
    parallel = compile_figures(cast.operation)  # its own transaction: snapshot shared by two connections
    assert connections_opened_since(started) == 0  # the second connection was closed
    with transaction.atomic():  # inside a caller's transaction: everything on this connection
        sequential = compile_figures(cast.operation)
    assert parallel == sequential
    assert parallel["totals"]["urls"] == 2 and parallel["totals"]["victims"] == 4
