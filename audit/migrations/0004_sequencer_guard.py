"""The append-only trigger, for a trail that is chained after it is written.

On PostgreSQL and SQLite alike:

- an event is inserted unchained (``seq``, ``prev_hash``, ``hash`` and ``sequenced_at`` empty);
- an UPDATE is allowed only to fill in those four columns, all at once, on an event where they
  are all empty, changing nothing else: an event is chained once, and never changed again;
- DELETE is refused;
- TRUNCATE is refused too (PostgreSQL; SQLite has none). Only a superuser whose session carries
  ``actionday.audit_truncate = 'allowed'`` may truncate: the throwaway cluster of the test suite
  gives its superuser that setting (scripts/lib.sh), because pytest-django empties the tables
  between tests with TRUNCATE. Why that is no hole in production: docs/decisions.md, "Audit trail".

Who may fill in the chain columns at all is a matter of privileges: in production only the
sequencer's database role holds UPDATE on them (``manage.py audit_db_roles``).

The PostgreSQL row trigger keeps its name, ``audit_append_only``. On SQLite, a later migration that
rebuilds this table (as Django does for most field changes there) drops these triggers with the old
table and must create them again.
"""

from django.db import migrations

CHAIN = ("seq", "prev_hash", "hash", "sequenced_at")
# Every other column of the table, for SQLite's trigger (PostgreSQL compares whole rows instead).
CONTENT = ("id", "at", "actor_id", "actor_name", "team", "action", "operation_id", "object_type", "object_id",
           "summary", "justification")


def _all(prefix, condition):
    return " AND ".join(f"{prefix}.{column} {condition}" for column in CHAIN)


POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT ({_all("NEW", "IS NULL")}) THEN
            RAISE EXCEPTION 'audit events are appended unchained: only the sequencer chains them';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND {_all("OLD", "IS NULL")}
       AND {_all("NEW", "IS NOT NULL")}
       AND to_jsonb(NEW) - ARRAY{list(CHAIN)} = to_jsonb(OLD) - ARRAY{list(CHAIN)} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
CREATE TRIGGER audit_append_only BEFORE INSERT OR UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('actionday.audit_truncate', true) = 'allowed'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE refused';
END;
$$;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
_UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT)
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_delete;",
    f"""CREATE TRIGGER audit_no_chained_insert BEFORE INSERT ON audit_auditevent
       WHEN NOT ({_all("NEW", "IS NULL")})
       BEGIN SELECT RAISE(ABORT, 'audit events are appended unchained: only the sequencer chains them'); END;""",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent
       WHEN NOT ({_all("OLD", "IS NULL")} AND {_all("NEW", "IS NOT NULL")} AND {_UNCHANGED})
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_no_chained_insert;",
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_delete;",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only trigger for {schema_editor.connection.vendor}")
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_unchained_events")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
