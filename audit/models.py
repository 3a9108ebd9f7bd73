"""The audit trail: who collected, changed, consulted, disclosed, combined or erased
personal data, when and why (EU Law Enforcement Directive 2016/680, Article 25).

Append-only: a database trigger refuses UPDATE and DELETE on this table (see the
migration), and every event carries the SHA-256 of its predecessor, so that
``manage.py verify_audit`` finds an event altered or removed behind the trigger's back.
Events name the object by type and id only: the trail holds no copy of personal data, so
erasing a record leaves nothing of it here.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        COLLECT = "collect", "Collection"
        ALTER = "alter", "Alteration"
        CONSULT = "consult", "Consultation"
        DISCLOSE = "disclose", "Disclosure"
        COMBINE = "combine", "Combination"
        ERASE = "erase", "Erasure"

    # Gapless position in the chain, handed out under a lock; a missing number is a removed event.
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database-level foreign keys: the trail must outlive the users and records it names.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    team = models.CharField(max_length=2, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    operation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True, help_text="What happened; never personal data.")
    justification = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}"

    def compute_hash(self) -> str:
        """SHA-256 over the predecessor's hash and every field of this event."""
        content = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "team": self.team,
            "action": self.action,
            "operation_id": self.operation_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "justification": self.justification,
            "prev_hash": self.prev_hash,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
