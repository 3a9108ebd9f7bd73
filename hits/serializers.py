"""What the API says about cross-border hits, and what a decline takes in."""

from rest_framework import serializers

from api.serializers import StrictSerializer
from findings.models import Selector
from operations.countries import COUNTRY_CHOICES


class HitSideSerializer(serializers.Serializer):
    """One team's side of a hit: which team, in which operation, and its answer. The finding and
    the case are named only when the requesting user may see them under the access rule."""

    side = serializers.ChoiceField(choices=["a", "b"])
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES)
    operation = serializers.IntegerField(source="operation_id", help_text="Operation id.")
    operation_code = serializers.CharField()
    answer = serializers.ChoiceField(choices=["open", "shared", "declined"])
    reason = serializers.CharField(allow_blank=True, help_text="Why the team declined to share.")
    answered_at = serializers.DateTimeField(allow_null=True)
    yours = serializers.BooleanField(source="mine", help_text="The requesting user answers for this side.")
    finding_kind = serializers.ChoiceField(
        choices=["case", "suspect", "victim", "url", "account", "location"], allow_null=True,
        help_text="What the selector was read from — null unless the user may see that finding.",
    )
    finding_id = serializers.IntegerField(allow_null=True, help_text="Null unless the user may see the finding.")
    case = serializers.IntegerField(
        source="case_id", allow_null=True, help_text="Case id: null unless the user may see the case."
    )
    case_reference = serializers.CharField(allow_null=True)
    watch_list = serializers.IntegerField(
        source="watch_list_id", allow_null=True,
        help_text="The side is an entry of this watch list (id): null unless the user may see the list.",
    )
    watch_list_name = serializers.CharField(allow_null=True, help_text="The name of that watch list.")

    def to_representation(self, side):
        data = super().to_representation(side)
        data["finding_kind"] = data["finding_kind"] or None
        data["case_reference"] = data["case_reference"] or None
        data["watch_list_name"] = data["watch_list_name"] or None
        return data


class HitSerializer(serializers.Serializer):
    """Two country teams hold the same selector (hit/no-hit): its kind and value, and for each side
    only team, operation and answer — until that team shares its case."""

    id = serializers.IntegerField(source="hit.pk")
    kind = serializers.ChoiceField(source="hit.kind", choices=Selector.Kind.choices)
    value = serializers.CharField(source="hit.value", help_text="The selector both teams hold (normalised).")
    value_defanged = serializers.CharField(source="value_display", help_text="Addresses defanged, to show people.")
    operation = serializers.IntegerField(source="hit.operation_id", help_text="Where the hit was found (the later).")
    created_at = serializers.DateTimeField(source="hit.created_at")
    status = serializers.SerializerMethodField(help_text="open while either team has not answered.")
    your_side = serializers.SerializerMethodField(help_text="a or b: the side the user answers for; null for none.")
    sides = HitSideSerializer(many=True)

    def get_status(self, row) -> str:
        return "open" if any(side.answer == "open" for side in row.sides) else "answered"

    def get_your_side(self, row) -> str | None:
        return row.mine.side if row.mine else None


class HitDeclineSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=500,
        help_text="Why your team does not share: both teams and the coordinators read it, and it is kept in the "
                  "audit trail after the operation's records are erased, so name no one in it.",
    )
