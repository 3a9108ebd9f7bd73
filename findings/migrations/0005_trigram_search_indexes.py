"""Trigram indexes for the workspace search (PostgreSQL only; nothing on SQLite).

The search matches with ``icontains``, which Django writes on PostgreSQL as
``UPPER(column::text) LIKE UPPER('%text%')``. A plain B-tree index cannot serve a pattern with a
leading wildcard; a GIN index of pg_trgm trigrams on exactly that expression can, so each index is
on ``UPPER(column::text)`` and the queries need no change of lookup. The notes and display names
are searched together with the URL and the handle (an OR), so they are indexed too: an OR is only
served by indexes when every side has one.
"""

from django.db import migrations

INDEXES = [
    # (index name, table, column)
    ("findings_url_url_trgm", "findings_detectedurl", "url"),
    ("findings_url_note_trgm", "findings_detectedurl", "note"),
    ("findings_account_handle_trgm", "findings_socialaccount", "handle"),
    ("findings_account_display_trgm", "findings_socialaccount", "display_name"),
    ("findings_suspect_alias_trgm", "findings_suspect", "alias"),
    ("findings_case_title_trgm", "findings_case", "title"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other database objects may have come to use it.


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0004_cross_border_hits"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
