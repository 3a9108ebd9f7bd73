"""Production's database roles: the app may only read and append to the trail, the sequencer may
only chain it — roles created in the test cluster, connected as for real."""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from django.db import connection, connections

from audit.models import GENESIS_HASH, AuditEvent
from audit.roles import apply_grants
from audit.trail import verify_trail

from .conftest import ROOT, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)
APP, SEQUENCER = f"audit_app_{os.getpid()}", f"audit_sequencer_{os.getpid()}"
INSERT = ("INSERT INTO audit_auditevent (at, actor_name, team, action, object_type, object_id, summary, "
          "justification) VALUES (now(), 'x', '', 'consult', 'test', '1', '', '') RETURNING id")


@pytest.fixture
def roles(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    with connection.cursor() as cursor:
        for role in (APP, SEQUENCER):
            cursor.execute(f"CREATE ROLE {role} LOGIN")
    apply_grants(app=APP, sequencer=SEQUENCER)
    opened = []

    def connect(role):
        db = connections["default"].settings_dict
        opened.append(psycopg2.connect(dbname=db["NAME"], user=role, host=db["HOST"], port=db["PORT"]))
        opened[-1].autocommit = True
        return opened[-1].cursor()

    yield connect
    for each in opened:
        each.close()
    with connection.cursor() as cursor:
        for role in (APP, SEQUENCER):
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def refused(cursor, sql, params=()):
    with pytest.raises(psycopg2.Error) as error:
        cursor.execute(sql, params)
    return str(error.value)


def test_the_app_role_reads_and_appends(roles):
    app = roles(APP)
    app.execute(INSERT)
    [event_id] = app.fetchone()
    app.execute("SELECT count(*) FROM audit_auditevent WHERE id = %s", [event_id])
    assert app.fetchone() == (1,)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET summary = 'x'",
    "UPDATE audit_auditevent SET seq = 1, prev_hash = 'p', hash = 'h', sequenced_at = now()",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
])
def test_the_app_role_cannot_change_remove_or_chain_events(roles, statement):
    app = roles(APP)
    app.execute(INSERT)
    assert "permission denied" in refused(app, statement)
    assert AuditEvent.objects.count() == 1


def test_the_app_role_cannot_switch_the_trigger_off(roles):
    assert "must be owner" in refused(roles(APP), "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET summary = 'x'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    INSERT,
])
def test_the_sequencer_role_can_do_nothing_but_chain(roles, statement):
    roles(APP).execute(INSERT)
    assert "permission denied" in refused(roles(SEQUENCER), statement)


def test_the_sequencer_role_chains_an_event_once(roles):
    app, sequencer = roles(APP), roles(SEQUENCER)
    app.execute(INSERT)
    [event_id] = app.fetchone()
    chain = "UPDATE audit_auditevent SET seq = 1, prev_hash = %s, hash = 'h', sequenced_at = now() WHERE id = %s"
    sequencer.execute(chain, [GENESIS_HASH, event_id])
    assert "append-only" in refused(sequencer, chain, [GENESIS_HASH, event_id])


def as_role(role):
    parts = urlsplit(worker_database_url())
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))


def test_web_appends_and_the_sequencer_chains_each_under_its_own_role(roles, settings):
    env = os.environ | {"AUDIT_SEQUENCE_INLINE": "false", "AUDIT_CHECKPOINT_FILE": str(settings.AUDIT_CHECKPOINT_FILE),
                        "CONN_MAX_AGE": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    script = ("import django; django.setup(); import audit\n"
              "for n in range(5): audit.record(actor=None, action='consult', object_type='test', object_id=str(n))")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env | {"DATABASE_URL": as_role(APP)}, check=True)
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 5
    subprocess.run([sys.executable, "manage.py", "audit_sequencer", "--once"], cwd=ROOT,
                   env=env | {"DATABASE_URL": as_role(SEQUENCER)}, check=True, capture_output=True)
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    result = verify_trail()
    assert result.problems == [] and result.anchor.seq == 5
