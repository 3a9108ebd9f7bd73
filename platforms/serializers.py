"""What the API says about the platform catalogue and platform checks, and what it takes in."""

from rest_framework import serializers

from api.serializers import StrictSerializer
from operations.record_api import FindingSerializer, FocusTagNamesField, NewFindingSerializer

from .models import Platform, PlatformCheck


class PlatformSerializer(serializers.ModelSerializer):
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")

    class Meta:
        model = Platform
        fields = ["id", "name", "category", "surface", "active", "domains"]


class PlatformSaveSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=Platform.Category.choices)
    surface = serializers.ChoiceField(choices=Platform.Surface.choices, default=Platform.Surface.SURFACE)
    domains = serializers.ListField(child=serializers.CharField(max_length=255), default=list,
                                    help_text="Domains or onion addresses; on a change, the platform's whole list.")
    active = serializers.BooleanField(default=True)


class PlatformCheckSerializer(FindingSerializer):
    platform_name = serializers.CharField(source="platform.name", read_only=True)
    focus_tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    checked_by = serializers.CharField(source="checked_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PlatformCheck
        fields = [
            *FindingSerializer.Meta.fields,
            "platform", "platform_name", "status", "with_indications", "focus_tags", "note", "checked_by",
            "started_at", "finished_at",
        ]
        read_only_fields = fields


class PlatformCheckCreateSerializer(NewFindingSerializer):
    platform = serializers.PrimaryKeyRelatedField(queryset=Platform.objects.all(), help_text="Id in the catalogue.")
    focus_tags = FocusTagNamesField()


class PlatformCheckFinishSerializer(StrictSerializer):
    with_indications = serializers.BooleanField(help_text="Whether signs of trafficking were found.")
    focus_tags = FocusTagNamesField()
    note = serializers.CharField(required=False, allow_blank=True)
