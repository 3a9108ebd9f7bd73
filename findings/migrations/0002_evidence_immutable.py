"""An evidence file's content, hash and capture record never change once stored.

Its links (which case or finding it documents) may still move; deleting it is erasure,
which the retention job does and audits.
"""

from django.db import migrations

IMMUTABLE = ["file", "sha256", "size", "content_type", "original_name", "captured_at", "captured_by_id", "source_url"]
_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in IMMUTABLE)
_changed_sqlite = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in IMMUTABLE)

POSTGRES_UP = f"""
CREATE FUNCTION evidence_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_changed} THEN
        RAISE EXCEPTION 'evidence is immutable once stored';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER evidence_immutable BEFORE UPDATE ON findings_evidence
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS evidence_immutable ON findings_evidence;
DROP FUNCTION IF EXISTS evidence_refuse_change();
"""
SQLITE_UP = f"""
CREATE TRIGGER evidence_immutable BEFORE UPDATE ON findings_evidence
WHEN {_changed_sqlite}
BEGIN SELECT RAISE(ABORT, 'evidence is immutable once stored'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS evidence_immutable;"


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        schema_editor.execute(statements_by_vendor[schema_editor.connection.vendor], params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
