# The Idempotency-Key answers belong to the API kit (api/), not to operations: the table is renamed
# and the model handed over without copying a row (api/migrations/0001_initial.py takes it up).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0004_operation_closed_and_erased_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="idempotencykey", table="api_idempotencykey")],
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
        ),
    ]
