"""What the set-up API takes in and answers: shapes only."""

from rest_framework import serializers

from api.base import ErrorSerializer
from api.serializers import StrictModelSerializer, StrictSerializer
from operations.countries import COUNTRY_CHOICES
from operations.models import Agency, FocusTag, Membership, Operation
from operations.record_api import VisibleIdField


class FileImportSerializer(StrictSerializer):
    file = serializers.FileField(help_text="CSV (UTF-8, a header row) or an Excel workbook (.xlsx, first sheet).")
    dry_run = serializers.BooleanField(default=False, help_text="Check and show what would change; save nothing.")


class ProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Line of the file (the sheet's row number).")
    field = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class FileErrorSerializer(ErrorSerializer):
    rows = ProblemSerializer(many=True, required=False, help_text="Every problem found, with its line.")


class ParticipantsAgencySerializer(serializers.Serializer):
    line = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    experts = serializers.IntegerField()
    experts_before = serializers.IntegerField(allow_null=True)
    accounts = serializers.IntegerField(help_text="Member accounts of the agency in the operation before.")
    state = serializers.ChoiceField(choices=["new", "joins", "changed", "unchanged"])


class ParticipantsPersonSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()
    team = serializers.CharField()
    agency = serializers.CharField()
    state = serializers.ChoiceField(choices=["new", "joins", "changed", "renamed", "unchanged"])


class ParticipantsResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    sha256 = serializers.CharField(help_text="Of the file read.")
    counts = serializers.DictField(child=serializers.IntegerField())
    agencies = ParticipantsAgencySerializer(many=True)
    people = ParticipantsPersonSerializer(many=True)


class CatalogueRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField()
    surface = serializers.CharField()
    new_domains = serializers.ListField(child=serializers.CharField())
    state = serializers.ChoiceField(choices=["new", "changed", "unchanged"])


class CatalogueResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    platforms = CatalogueRowSerializer(many=True)


class OperationSetUpField(VisibleIdField):
    """An operation the requesting user sets up (administrators: any); any other id does not exist."""

    def __init__(self, **kwargs):
        super().__init__(Operation, **kwargs)

    def get_queryset(self):
        return Operation.objects.set_up_by(self.context["request"].user)


class OperationManagedField(VisibleIdField):
    """An operation the requesting user manages (its coordinators; administrators: any)."""

    def __init__(self, **kwargs):
        super().__init__(Operation, **kwargs)

    def get_queryset(self):
        return Operation.objects.managed_by(self.context["request"].user)


class FocusTagSerializer(StrictModelSerializer):
    operation = OperationSetUpField()

    class Meta:
        model = FocusTag
        fields = ["id", "operation", "name"]
        read_only_fields = ["id"]


class FocusTagImportSerializer(FileImportSerializer):
    operation = OperationSetUpField()


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    signed_up = serializers.SerializerMethodField(help_text="Has chosen a password and set up the authenticator app.")

    class Meta:
        model = Membership
        fields = ["id", "operation", "username", "email", "name", "role", "team", "agency", "signed_up"]
        read_only_fields = fields

    def get_signed_up(self, membership) -> bool:
        return membership.user_id in self.context.get("signed_up", set())


class MembershipCreateSerializer(StrictSerializer):
    operation = OperationManagedField()
    email = serializers.EmailField(help_text="Their user name; a person new to ActionDay gets an account without "
                                             "password and signs up through a link.")
    name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)


class MembershipUpdateSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES, required=False)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)


class SignUpLinksRequestSerializer(StrictSerializer):
    delivery = serializers.ChoiceField(choices=["email", "list"], help_text=(
        "email: each link is mailed to its person (after the request commits); list: the links are answered, "
        "for the agencies' own secure channel. Either way the links sent before stop working."))
    memberships = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**53), required=False,
        help_text="Only these members (ids); everyone who has not signed up when left out.")


class SignUpLinkSerializer(serializers.Serializer):
    membership = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    name = serializers.CharField()
    team = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()


class SignUpLinksResultSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    emailed = serializers.BooleanField(help_text="True: mailed when the request committed.")
    links = SignUpLinkSerializer(many=True, required=False, help_text="With delivery=list only.")
