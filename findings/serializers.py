"""What the API says about findings, and what it takes in: shapes only.

Output serializers describe a record; input serializers parse a request for one service call.
Ids of related records are looked up among those the user may see (``visible_to``), so an id of
someone else's case is "does not exist", exactly like a missing one.
"""

from django.urls import reverse
from rest_framework import serializers

from api.serializers import StrictSerializer
from identifiers.canonical import defang
from operations.countries import COUNTRY_CHOICES, NATIONALITY_CHOICES
from operations.record_api import (
    FindingSerializer,
    FocusTagNamesField,
    NewFindingSerializer,
    RelatedNamesField,
    VisibleIdField,
)
from platforms.models import Platform

from .models import (
    Case,
    DetectedUrl,
    Evidence,
    ExploitationType,
    Indicator,
    Location,
    PossibleVictim,
    SocialAccount,
    Suspect,
)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "name", "description", "exploitation_type", "active"]


class IndicatorCodesField(RelatedNamesField):
    """Indicator codes of the taxonomy (GET /api/v1/indicators/)."""

    child = serializers.SlugField(max_length=60)
    attribute = "code"

    def to_internal_value(self, data):
        codes = set(super().to_internal_value(data))
        indicators = list(Indicator.objects.filter(code__in=codes))
        unknown = codes - {i.code for i in indicators}
        if unknown:
            raise serializers.ValidationError(f"Unknown indicator code(s): {', '.join(sorted(unknown))}.")
        return indicators


# --- output ---------------------------------------------------------------------------------------


class CaseSerializer(FindingSerializer):
    indicators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    # Read-only choice fields lose their blank choice in the schema unless it is declared (empty: not closed).
    close_reason = serializers.ChoiceField(choices=Case.CloseReason.choices, allow_blank=True, read_only=True)
    focus_tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Case
        fields = [
            *FindingSerializer.Meta.fields,
            "reference", "title", "summary", "exploitation_type", "status", "source_reliability",
            "information_assessment", "handling_code", "handling_restrictions", "referred_to",
            "investigation_opened_at", "close_reason", "close_note", "indicators", "focus_tags", "version",
        ]
        read_only_fields = fields


class VisibleReferenceField(serializers.IntegerField):
    """The id of another record this one names — null when the reader may not see that record.

    URLs and accounts are shared with the whole operation, the case they hang off is not; a team's
    suspect may hang off another team's case; a victim may be marked as the same person as another
    team's record. An id the reader may not see is not given away with the record that names it.
    """

    def __init__(self, model, field: str, **kwargs):
        self.model = model
        kwargs.update(source=field, read_only=True, allow_null=True)
        kwargs.setdefault("help_text", f"Id of the {model._meta.verbose_name}; null when none, or one you may not see.")
        super().__init__(**kwargs)

    def to_representation(self, pk):
        request = self.context.get("request")
        if pk is None or request is None:
            return pk
        known = self.context.setdefault("_visible_references", {})  # one answer per record and response
        key = (self.model._meta.label_lower, pk)
        if key not in known:
            known[key] = self.model.objects.visible_to(request.user).filter(pk=pk).exists()
        return pk if known[key] else None


class VisibleCaseField(VisibleReferenceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Id of the case it hangs off; null when none, or one you may not see.")
        super().__init__(Case, "case_id", **kwargs)


# Read-only choice fields lose their blank choice in the schema unless it is declared.
def _blank_country():
    return serializers.ChoiceField(choices=NATIONALITY_CHOICES, allow_blank=True, read_only=True,
                                   help_text="ISO 3166-1 alpha-2, XK Kosovo, XX stateless; empty: unknown.")


class SuspectSerializer(FindingSerializer):
    case = VisibleCaseField()
    nationality = _blank_country()

    class Meta:
        model = Suspect
        fields = [*FindingSerializer.Meta.fields, "case", "alias", "role", "nationality", "age_estimate", "notes",
                  "duplicate_of"]
        read_only_fields = fields


class VictimSerializer(FindingSerializer):
    case = VisibleCaseField()
    duplicate_of = VisibleReferenceField(PossibleVictim, "duplicate_of_id",
                                         help_text="Id of the record of the same person; null when none, or one "
                                         "you may not see.")
    nationality = _blank_country()

    class Meta:
        model = PossibleVictim
        fields = [
            *FindingSerializer.Meta.fields,
            "case", "code", "nationality", "sex", "age_band", "is_minor", "notes", "duplicate_of",
        ]
        read_only_fields = fields


class UrlSerializer(FindingSerializer):
    case = VisibleCaseField()
    url_defanged = serializers.SerializerMethodField(help_text="The inert form to show people: hxxps://host[.]tld/…")
    platform_name = serializers.CharField(source="platform.name", read_only=True, allow_null=True, default=None)
    indicators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = DetectedUrl
        fields = [
            *FindingSerializer.Meta.fields,
            "case", "url", "url_defanged", "host", "platform", "platform_name", "indicators", "note",
        ]
        read_only_fields = fields

    def get_url_defanged(self, record) -> str:
        return defang(record.url)


class SocialAccountSerializer(FindingSerializer):
    case = VisibleCaseField()
    platform_name = serializers.CharField(source="platform.name", read_only=True)

    class Meta:
        model = SocialAccount
        fields = [
            *FindingSerializer.Meta.fields,
            "case", "platform", "platform_name", "handle", "display_name", "note",
        ]
        read_only_fields = fields


class LocationSerializer(FindingSerializer):
    country = _blank_country()

    class Meta:
        model = Location
        fields = [*FindingSerializer.Meta.fields, "case", "address", "city", "country", "note"]
        read_only_fields = fields


class EvidenceSerializer(FindingSerializer):
    case = VisibleCaseField()
    suspect = VisibleReferenceField(Suspect, "suspect_id")
    victim = VisibleReferenceField(PossibleVictim, "victim_id")
    url = VisibleReferenceField(DetectedUrl, "url_id")
    account = VisibleReferenceField(SocialAccount, "account_id")
    captured_by = serializers.CharField(source="captured_by.username", read_only=True)
    source_url_defanged = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField(help_text="Where the file itself is served (as an attachment).")

    class Meta:
        model = Evidence
        fields = [
            *FindingSerializer.Meta.fields,
            "case", "suspect", "victim", "url", "account", "sha256", "size", "content_type", "original_name",
            "description", "source_url", "source_url_defanged", "captured_at", "captured_by", "download",
        ]
        read_only_fields = fields

    def get_source_url_defanged(self, record) -> str:
        return defang(record.source_url)

    def get_download(self, record) -> str:
        return reverse("api:evidence-download", args=[record.pk])


# --- input ----------------------------------------------------------------------------------------


class CaseLinkField(VisibleIdField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "Id of a case of the same operation, or null.")
        super().__init__(Case, **kwargs)


class CaseCreateSerializer(NewFindingSerializer):
    title = serializers.CharField(max_length=200)
    exploitation_type = serializers.ChoiceField(choices=ExploitationType.choices)
    summary = serializers.CharField(required=False, allow_blank=True)
    source_reliability = serializers.ChoiceField(choices=Case.SourceReliability.choices, required=False)
    information_assessment = serializers.ChoiceField(choices=Case.InformationAssessment.choices, required=False)
    handling_code = serializers.ChoiceField(choices=Case.HandlingCode.choices, required=False)
    handling_restrictions = serializers.CharField(max_length=300, required=False, allow_blank=True)
    focus_tags = FocusTagNamesField()
    indicators = IndicatorCodesField(required=False)


class CaseUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read. If the case changed since, nothing is saved (409)."
    )
    title = serializers.CharField(max_length=200, required=False)
    exploitation_type = serializers.ChoiceField(choices=ExploitationType.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    source_reliability = serializers.ChoiceField(choices=Case.SourceReliability.choices, required=False)
    information_assessment = serializers.ChoiceField(choices=Case.InformationAssessment.choices, required=False)
    handling_code = serializers.ChoiceField(choices=Case.HandlingCode.choices, required=False)
    handling_restrictions = serializers.CharField(max_length=300, required=False, allow_blank=True)
    focus_tags = FocusTagNamesField()
    indicators = IndicatorCodesField(required=False)


class CaseReferSerializer(StrictSerializer):
    referred_to = serializers.CharField(max_length=200, help_text="The authority the case is handed to.")


class CaseCloseSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=Case.CloseReason.choices, help_text="Why the case is closed.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                 help_text="Required with `other`; kept on the case, not in the timeline.")


class CaseShareSerializer(StrictSerializer):
    team = serializers.ChoiceField(
        choices=COUNTRY_CHOICES, required=False, help_text="A country team of the operation."
    )
    prosecutor = serializers.CharField(
        max_length=150, required=False, help_text="User name of a prosecutor of the operation."
    )

    def validate(self, attrs):
        if ("team" in attrs) == ("prosecutor" in attrs):
            raise serializers.ValidationError("Give either a team or a prosecutor.")
        return attrs


class _ShareWithTeam(StrictSerializer):
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES, help_text="A country team of the operation.")


class _ShareWithProsecutor(StrictSerializer):
    prosecutor = serializers.CharField(max_length=150, help_text="User name of a prosecutor of the operation.")


# A share names a team or a prosecutor, not both: the two shapes, for the schema (CaseShareSerializer reads both).
CASE_SHARE_SHAPES = [_ShareWithTeam, _ShareWithProsecutor]


class CaseSharesSerializer(serializers.Serializer):
    teams = serializers.ListField(child=serializers.CharField())
    prosecutors = serializers.ListField(child=serializers.CharField(), help_text="User names.")


class SuspectCreateSerializer(NewFindingSerializer):
    alias = serializers.CharField(max_length=200)
    case = CaseLinkField()
    role = serializers.ChoiceField(choices=Suspect.Role.choices, required=False)
    nationality = serializers.ChoiceField(choices=NATIONALITY_CHOICES, required=False, allow_blank=True)
    age_estimate = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class DuplicateOfField(VisibleIdField):
    def __init__(self, model, **kwargs):
        kwargs.update(required=False, allow_null=True, help_text=(
            "Id of a record of the same kind and operation that stands for the same person (the figures count "
            "them once); null to unlink. Coordinators, or who may change this record and sees the other."))
        super().__init__(model, **kwargs)


class SuspectUpdateSerializer(StrictSerializer):
    alias = serializers.CharField(max_length=200, required=False)
    case = CaseLinkField()
    role = serializers.ChoiceField(choices=Suspect.Role.choices, required=False)
    nationality = serializers.ChoiceField(choices=NATIONALITY_CHOICES, required=False, allow_blank=True)
    age_estimate = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    duplicate_of = DuplicateOfField(Suspect)


class VictimCreateSerializer(NewFindingSerializer):
    case = CaseLinkField()
    nationality = serializers.ChoiceField(choices=NATIONALITY_CHOICES, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=PossibleVictim.Sex.choices, required=False)
    age_band = serializers.ChoiceField(choices=PossibleVictim.AgeBand.choices, required=False)
    is_minor = serializers.BooleanField(required=False, help_text="Set by itself for the bands under 18.")
    notes = serializers.CharField(required=False, allow_blank=True)


class VictimUpdateSerializer(StrictSerializer):
    case = CaseLinkField()
    nationality = serializers.ChoiceField(choices=NATIONALITY_CHOICES, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=PossibleVictim.Sex.choices, required=False)
    age_band = serializers.ChoiceField(choices=PossibleVictim.AgeBand.choices, required=False)
    is_minor = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    duplicate_of = DuplicateOfField(PossibleVictim)


class UrlCreateSerializer(NewFindingSerializer):
    url = serializers.CharField(
        max_length=4096, help_text="As pasted: defanged forms (hxxps://host[.]tld) are accepted and stored canonical."
    )
    case = CaseLinkField()
    note = serializers.CharField(required=False, allow_blank=True)


class UrlUpdateSerializer(StrictSerializer):
    case = CaseLinkField()
    note = serializers.CharField(required=False, allow_blank=True)
    indicators = IndicatorCodesField(required=False)


class SocialAccountCreateSerializer(NewFindingSerializer):
    platform = serializers.PrimaryKeyRelatedField(queryset=Platform.objects.all(), help_text="Id in the catalogue.")
    handle = serializers.CharField(max_length=300, help_text="@name, name or a profile URL.")
    case = CaseLinkField()
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class SocialAccountUpdateSerializer(StrictSerializer):
    case = CaseLinkField()
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class LocationCreateSerializer(NewFindingSerializer):
    address = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                    help_text="Street and number, or a landmark. An address or a city is needed.")
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES, required=False, allow_blank=True)
    case = CaseLinkField()
    note = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        if not (attrs.get("address") or "").strip() and not (attrs.get("city") or "").strip():
            raise serializers.ValidationError({"city": ["Give an address or a city."]})
        return attrs


class LocationUpdateSerializer(StrictSerializer):
    case = CaseLinkField()
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class TimelineEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField(allow_null=True, help_text="Position in the hash-chained audit trail.")
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    team = serializers.CharField(allow_blank=True)
    action = serializers.ChoiceField(choices=["collect", "alter", "consult", "disclose", "combine", "erase"])
    what = serializers.CharField(help_text="The action in people's words: “logged (collection)”.")
    record = serializers.CharField(help_text="The record the event is about: Case C-…, Suspect …, URL 3, Evidence E2.")
    summary = serializers.CharField(allow_blank=True)


class CaseBundleSerializer(serializers.Serializer):
    """A case with everything hanging off it that the user may see, for a case file."""

    format = serializers.CharField(help_text="actionday-case-bundle/1")
    exported_at = serializers.DateTimeField()
    exported_by = serializers.CharField()
    handling_code = serializers.CharField(help_text="Applies to everything in the bundle.")
    case = CaseSerializer()
    suspects = SuspectSerializer(many=True)
    victims = VictimSerializer(many=True)
    urls = UrlSerializer(many=True)
    social_accounts = SocialAccountSerializer(many=True)
    locations = LocationSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    shared_with_teams = serializers.ListField(child=serializers.CharField())
    timeline = TimelineEntrySerializer(many=True, help_text="The case's history as the reader sees it, oldest first.")
