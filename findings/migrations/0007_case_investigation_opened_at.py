from django.db import migrations, models

OPENED = "investigation_opened"


def backfill(apps, schema_editor):
    """When each case's investigation was opened: the audit trail records the move
    ("case referred → investigation_opened"); a case still in that status without the event
    (made before the trail, or by hand) takes its last change."""
    Case = apps.get_model("findings", "Case")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    moves = AuditEvent.objects.filter(object_type="findings.case", action="alter",
                                      summary__endswith=f"→ {OPENED}").values_list("object_id", "at")
    opened_at = {}
    for object_id, at in moves:
        opened_at.setdefault(object_id, at)
    for case in Case.objects.filter(models.Q(status=OPENED) | models.Q(pk__in=[int(i) for i in opened_at
                                                                                 if i.isdigit()])).iterator():
        case.investigation_opened_at = opened_at.get(str(case.pk), case.updated_at)
        case.save(update_fields=["investigation_opened_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("findings", "0006_team_newest_first_index"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="investigation_opened_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
