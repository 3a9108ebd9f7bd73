"""What the API says about agencies and operations (input and output shapes only, no rules)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import StrictSerializer

from .access import membership_in
from .models import Agency, Operation, Participation


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "country"]


class ParticipationSerializer(serializers.ModelSerializer):
    agency = AgencySerializer(read_only=True)

    class Meta:
        model = Participation
        fields = ["agency", "experts"]


class MembershipSummarySerializer(serializers.Serializer):
    role = serializers.CharField()
    team = serializers.CharField()


class OperationSerializer(serializers.ModelSerializer):
    lead_agency = AgencySerializer(read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)
    focus_tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    is_read_only = serializers.BooleanField(
        read_only=True, help_text="Closed and archived operations accept no writes."
    )
    membership = serializers.SerializerMethodField(help_text="The requesting user's role and country team.")

    class Meta:
        model = Operation
        fields = [
            "id", "code", "name", "crime_focus", "status", "starts_at", "ends_at", "is_read_only",
            "lead_agency", "participations", "focus_tags", "membership", "created_at",
        ]

    @extend_schema_field(MembershipSummarySerializer(allow_null=True))
    def get_membership(self, operation):
        membership = membership_in(self.context["request"].user, operation)
        return {"role": membership.role, "team": membership.team} if membership else None


class OperationCreateSerializer(StrictSerializer):
    code = serializers.SlugField(max_length=40, help_text="Short public code, e.g. THB-AW-2027.")
    name = serializers.CharField(max_length=200)
    crime_focus = serializers.CharField(max_length=200, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    lead_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), help_text="Agency id.")
    focus_tags = serializers.ListField(child=serializers.CharField(max_length=80), required=False,
                                       help_text="Names of the operation's focus tags.")
