"""A sequencer killed (SIGKILL) in the middle of a pass loses nothing: the next one chains it all.

Real ``manage.py audit_sequencer`` processes on the test database, killed for real.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from django.db import connections, transaction

import audit
from audit.models import AuditEvent
from audit.sequencer import chain_head
from audit.trail import record_many, verify_trail

from .conftest import ROOT, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_SEQUENCE_INLINE = False
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


def sequencer(checkpoint_file, *args):
    env = os.environ | {"DATABASE_URL": worker_database_url(), "CONN_MAX_AGE": "0",
                        "AUDIT_SEQUENCE_INLINE": "false", "AUDIT_CHECKPOINT_FILE": str(checkpoint_file)}
    return subprocess.Popen([sys.executable, "manage.py", "audit_sequencer", "--interval", "0.05", *args],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def psql():
    db = connections["default"].settings_dict
    return psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])


def wait_for(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"waited {timeout}s for {what}")


def sequencing_backend(probe):
    with probe.cursor() as cursor:
        cursor.execute("SELECT pid, wait_event_type FROM pg_stat_activity "
                       "WHERE query LIKE 'UPDATE audit_auditevent%%' AND pid <> pg_backend_pid()")
        return cursor.fetchone()


def backend_alive(probe, pid) -> bool:
    with probe.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_a_sequencer_killed_mid_pass_loses_nothing(checkpoint_file):
    record_many(actor=None, action="consult", objects=[AuditEvent(pk=n) for n in range(3000)], summary="batch")
    pending = list(AuditEvent.objects.order_by("id").values_list("pk", flat=True))
    # Hold one event in the middle of the batch, so that the pass stops half-way through its UPDATE...
    blocker, probe = psql(), psql()
    probe.autocommit = True
    with blocker.cursor() as cursor:
        cursor.execute("SELECT 1 FROM audit_auditevent WHERE id = %s FOR UPDATE", [pending[1500]])
    first = sequencer(checkpoint_file, "--batch", "5000")
    try:
        wait_for(lambda: (sequencing_backend(probe) or (0, ""))[1] == "Lock", "the pass to wait half-way")
        backend = sequencing_backend(probe)[0]
        # ...and kill it there, for real.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
    wait_for(lambda: not backend_alive(probe, backend), "the killed sequencer's transaction to end")
    probe.close()
    # Nothing of the killed pass stayed: every event is still waiting, none half chained.
    assert AuditEvent.objects.filter(seq__isnull=False).count() == 0
    assert AuditEvent.objects.exclude(hash__isnull=True).count() == 0

    second = sequencer(checkpoint_file, "--once")
    assert second.wait(timeout=60) == 0, second.stderr.read().decode()
    chained = list(AuditEvent.objects.order_by("seq").values_list("seq", "pk"))
    assert [seq for seq, _ in chained] == list(range(1, 3001)) and [pk for _, pk in chained] == pending
    result = verify_trail()
    assert result.problems == [] and result.anchor.seq == 3000


def test_sequencers_killed_at_random_while_writers_append_leave_a_whole_chain(checkpoint_file):
    stop, errors, written = threading.Event(), [], []

    def writer():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    written.append(audit.record(actor=None, action="consult", object_type="writer").pk)
                time.sleep(0.002)
        except Exception as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    rng = random.Random(17)
    try:
        for _ in range(6):
            head = chain_head().seq
            process = sequencer(checkpoint_file, "--batch", "50")
            # Killed while it works: once it has chained something, at a random moment of its loop.
            wait_for(lambda head=head: chain_head().seq > head, "the sequencer to start chaining", timeout=60)
            time.sleep(rng.uniform(0, 0.3))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors
    last = sequencer(checkpoint_file, "--once")
    assert last.wait(timeout=60) == 0, last.stderr.read().decode()
    chained = list(AuditEvent.objects.order_by("seq").values_list("seq", "pk"))
    assert [seq for seq, _ in chained] == list(range(1, len(written) + 1))
    assert sorted(pk for _, pk in chained) == sorted(written)
    assert verify_trail().problems == []
