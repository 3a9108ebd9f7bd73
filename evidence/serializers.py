"""What the evidence endpoints take in (the file's own shape, EvidenceSerializer, is the findings app's:
a case bundle carries it)."""

from rest_framework import serializers

from api.serializers import StrictSerializer
from findings.models import Case, DetectedUrl, PossibleVictim, SocialAccount, Suspect
from findings.serializers import CaseLinkField, EvidenceSerializer
from operations.models import Operation
from operations.record_api import VisibleIdField

__all__ = ["EvidenceCreateSerializer", "EvidenceSerializer", "EvidenceUpdateSerializer"]


class EvidenceCreateSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=False, help_text="Hashed (SHA-256) and typed by the server.")
    operation = VisibleIdField(Operation, required=False, help_text="Needed when the file documents no finding.")
    case = VisibleIdField(Case, required=False)
    suspect = VisibleIdField(Suspect, required=False)
    victim = VisibleIdField(PossibleVictim, required=False)
    url = VisibleIdField(DetectedUrl, required=False)
    account = VisibleIdField(SocialAccount, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    source_url = serializers.CharField(max_length=2048, required=False, allow_blank=True)
    captured_at = serializers.DateTimeField(required=False, help_text="When it was captured; now if not given.")

    FINDINGS = ("case", "suspect", "victim", "url", "account")

    def validate(self, attrs):
        findings = [attrs[name] for name in self.FINDINGS if attrs.get(name) is not None]
        if len(findings) > 1:
            raise serializers.ValidationError(
                "A file documents at most one finding: give one of " + ", ".join(self.FINDINGS)
            )
        operation = attrs.get("operation")
        if not findings and operation is None:
            raise serializers.ValidationError("Give the finding the file documents, or the operation.")
        if findings and operation is not None and findings[0].operation_id != operation.pk:
            raise serializers.ValidationError("The finding belongs to another operation.")
        attrs["finding"] = findings[0] if findings else None
        return attrs


class EvidenceUpdateSerializer(StrictSerializer):
    case = CaseLinkField(help_text="Evidence is never edited; only the case it hangs off may change.")
