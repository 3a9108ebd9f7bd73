"""What the import endpoint takes in and answers."""

from rest_framework import serializers

from api.base import ErrorSerializer
from api.serializers import StrictSerializer


class ImportRequestSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=["urls", "social-accounts", "suspects", "victims", "locations"])
    file = serializers.FileField(help_text="CSV with a header row, or a JSON array of objects (UTF-8).")
    format = serializers.ChoiceField(
        choices=["csv", "json"], required=False, help_text="Guessed from the file name and content if not given."
    )


class ImportResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rows = serializers.IntegerField(help_text="Data rows in the file.")
    created = serializers.IntegerField()
    existing = serializers.IntegerField(help_text="Rows your team had logged already (or repeated in the file).")


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Line of the file where the row starts.")
    field = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class ImportErrorSerializer(ErrorSerializer):
    rows = ImportProblemSerializer(
        many=True, required=False, help_text="Every problem found in the file, with the line it is on."
    )
