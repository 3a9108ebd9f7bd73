"""What the evidence endpoints take in (the file's own shape, EvidenceSerializer, is the findings app's:
a case bundle carries it), and page captures in and out."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import StrictSerializer
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from findings.serializers import CaseLinkField, EvidenceSerializer
from identifiers.canonical import defang
from operations.models import Operation
from operations.record_api import VisibleIdField
from platforms.models import PlatformCheck

from .capturing import MAX_ADDRESSES
from .models import Capture

__all__ = [
    "CaptureBatchSerializer", "CaptureRequestSerializer", "CaptureSerializer", "EvidenceCreateSerializer",
    "EvidenceSerializer", "EvidenceUpdateSerializer",
]


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


# --- page captures ----------------------------------------------------------------------------------


class CaptureFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="The file, as an attachment (the evidence download).")

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "download"]
        read_only_fields = fields

    def get_download(self, record) -> str:
        return reverse("api:evidence-download", args=[record.pk])


class CaptureSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True,
                                       help_text="Who asked for the capture.")
    address_defanged = serializers.SerializerMethodField()
    final_url_defanged = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField(help_text="The case of the captured URL (the capture follows it).")
    files = serializers.SerializerMethodField(help_text="The evidence files, once done.")

    class Meta:
        model = Capture
        fields = [
            "id", "operation", "team", "created_by", "created_at", "url", "case", "platform_check",
            "address", "address_defanged", "status", "progress", "reason", "attempts", "started_at", "ended_at",
            "final_url", "final_url_defanged", "http_status", "load_complete", "truncated", "egress",
            "browser_version", "tls_fingerprint", "manifest_sha256", "files",
        ]
        read_only_fields = fields

    def get_address_defanged(self, record) -> str:
        return defang(record.address)

    def get_final_url_defanged(self, record) -> str:
        return defang(record.final_url) if record.final_url else ""

    def get_case(self, record) -> int | None:
        return record.url.case_id if record.url_id else None

    @extend_schema_field(CaptureFileSerializer(many=True))
    def get_files(self, record):
        return CaptureFileSerializer(record.ordered_files, many=True, context=self.context).data


class CaptureRequestSerializer(StrictSerializer):
    """Exactly one of: a URL finding; a case (all its URLs); a platform check with the addresses met there."""

    url = VisibleIdField(DetectedUrl, required=False, help_text="Capture this URL finding's page.")
    case = VisibleIdField(Case, required=False, help_text="Capture the page of every URL of this case.")
    platform_check = VisibleIdField(PlatformCheck, required=False,
                                    help_text="Log `addresses` as URLs of your team and capture them.")
    addresses = serializers.ListField(child=serializers.CharField(max_length=2048), required=False,
                                      max_length=MAX_ADDRESSES, help_text="With `platform_check` only.")

    TARGETS = ("url", "case", "platform_check")

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["This field is not taken here."] for name in unknown})
        targets = [name for name in self.TARGETS if attrs.get(name) is not None]
        if len(targets) != 1:
            raise serializers.ValidationError("Give exactly one of: url, case, platform_check.")
        if targets[0] == "platform_check" and not attrs.get("addresses"):
            raise serializers.ValidationError({"addresses": ["Give the addresses to capture."]})
        if targets[0] != "platform_check" and "addresses" in attrs:
            raise serializers.ValidationError({"addresses": ["Only with platform_check."]})
        return attrs


class CaptureBatchSerializer(StrictSerializer):
    captures = CaptureSerializer(many=True)
