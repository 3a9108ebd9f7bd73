"""What the API says about audit events: every field, so that a reader can recompute the chain."""

from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", read_only=True, help_text="User name, or 'system'.")
    operation = serializers.IntegerField(source="operation_id", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id", "seq", "at", "actor", "actor_id", "team", "action", "operation", "object_type", "object_id",
            "summary", "justification", "prev_hash", "hash",
        ]
        read_only_fields = fields
