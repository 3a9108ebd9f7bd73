"""The audit trail: who collected, changed, consulted, disclosed, combined or erased
personal data, when and why (EU Law Enforcement Directive 2016/680, Article 25).

An event is appended *unchained*: its ``seq``, ``prev_hash``, ``hash`` and ``sequenced_at``
are empty, so that writers never wait for each other. One sequencer (``audit/sequencer.py``)
then takes the unchained events in the order they were inserted (``id``), gives each the
next gapless ``seq`` and the SHA-256 of its predecessor, and signs the head of the chain
now and then (``audit/checkpoints.py``). A database trigger (see the migrations) refuses
every UPDATE and DELETE but that one filling in of the four chain columns, once, and
refuses TRUNCATE; ``manage.py verify_audit`` finds an event altered, removed or re-chained
behind the trigger's back.

Events name the object by type and id only: the trail holds no copy of personal data, so
erasing a record leaves nothing of it here.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

GENESIS_HASH = "0" * 64
# The columns the sequencer fills in, once; nothing else of an event ever changes.
CHAIN_FIELDS = ("seq", "prev_hash", "hash", "sequenced_at")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        COLLECT = "collect", "Collection"
        ALTER = "alter", "Alteration"
        CONSULT = "consult", "Consultation"
        DISCLOSE = "disclose", "Disclosure"
        COMBINE = "combine", "Combination"
        ERASE = "erase", "Erasure"

    # Gapless position in the chain, given by the sequencer; empty until then. A missing number
    # is a removed event.
    seq = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
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
    # Empty (NULL, not "") until sequenced: the trigger tells "not yet chained" by it.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # When the sequencer chained the event (one value per sequencing pass); empty on events
    # chained before there was a sequencer, which were chained as they were written.
    sequenced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Chain order; events not yet chained come after it, in the order they were inserted.
        ordering = [F("seq").asc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # The sequencer's work list: small, because events leave it within a second or two.
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_unsequenced"),
        ]

    def __str__(self):
        position = f"#{self.seq}" if self.seq is not None else f"(id {self.pk}, not yet sequenced)"
        return f"{position} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}"

    @property
    def is_sequenced(self) -> bool:
        return self.seq is not None

    def compute_hash(self) -> str:
        """SHA-256 over the predecessor's hash and every field of this event.

        Events chained by the sequencer also cover their ``id`` (the order they were inserted in)
        and ``sequenced_at``, so that neither can be changed unseen; events chained before the
        sequencer existed keep the content they were hashed with.
        """
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
        if self.sequenced_at is not None:
            content |= {"id": self.pk, "sequenced_at": self.sequenced_at.isoformat()}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
