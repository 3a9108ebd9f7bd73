"""What the application's database roles may do to the audit trail (PostgreSQL, production).

- the **owner** role owns the tables and runs the migrations; no web or worker process has it;
- the **app** role (web, worker, beat) may read the trail and append to it: SELECT and INSERT,
  nothing else — no UPDATE, DELETE or TRUNCATE, and as it owns nothing it cannot switch the
  trigger off either;
- the **sequencer** role may read the trail and fill in the four chain columns: SELECT, and
  UPDATE of ``seq``, ``prev_hash``, ``hash`` and ``sequenced_at`` only; the trigger lets that
  happen once per event and refuses everything else.

The roles themselves are created when the cluster is (docker/postgres/init-roles.sh); these
grants are per table, so they are applied after the migrations, by ``manage.py audit_db_roles``.
"""

from django.db import connection

from .models import CHAIN_FIELDS, AuditEvent


def grant_statements(*, app: str, sequencer: str) -> list[str]:
    quote = connection.ops.quote_name
    table, app, sequencer = quote(AuditEvent._meta.db_table), quote(app), quote(sequencer)
    columns = ", ".join(quote(column) for column in CHAIN_FIELDS)
    return [
        # Default privileges give the app role every table's DML; the trail is the exception.
        f"REVOKE ALL ON {table} FROM {app}",
        f"GRANT SELECT, INSERT ON {table} TO {app}",
        f"REVOKE ALL ON {table} FROM {sequencer}",
        f"GRANT SELECT ON {table} TO {sequencer}",
        f"GRANT UPDATE ({columns}) ON {table} TO {sequencer}",
    ]


def apply_grants(*, app: str, sequencer: str) -> list[str]:
    statements = grant_statements(app=app, sequencer=sequencer)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
