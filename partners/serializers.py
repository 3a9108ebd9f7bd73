"""What the partners' endpoints take in and answer."""

from rest_framework import serializers

from api.base import ErrorSerializer
from api.serializers import StrictSerializer

from .models import WatchList


class WatchListImportSerializer(StrictSerializer):
    file = serializers.FileField(
        help_text="A STIX 2.1 bundle (JSON), a MISP event (JSON, as MISP exports it: {\"Event\": …}), or a plain "
                  "list: one identifier per line (phone number, e-mail address, wallet, URL, domain, or "
                  "platform:handle such as telegram:anna_vip), UTF-8; lines starting with # are skipped.",
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                 help_text="What the list is called on hits; the file's name if not given.")
    format = serializers.ChoiceField(choices=WatchList.Format.choices, required=False,
                                     help_text="stix, misp or list; recognised from the content if not given.")


class WatchListResultSerializer(serializers.Serializer):
    watch_list = serializers.IntegerField(allow_null=True, help_text="The new list's id; null when nothing was new.")
    name = serializers.CharField()
    format = serializers.ChoiceField(choices=WatchList.Format.choices)
    items = serializers.IntegerField(help_text="Items of the file that name an identifier.")
    ignored = serializers.IntegerField(help_text="Items that name nothing ActionDay matches (a file hash, a "
                                                 "STIX report, a host everybody links to).")
    created = serializers.IntegerField(help_text="Selectors added for your team.")
    existing = serializers.IntegerField(help_text="Selectors your team held already from a watch list (or repeated).")


class WatchListProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Line of a plain list, or null.")
    field = serializers.CharField(allow_blank=True, help_text="The item: `objects[3] url--…`, `Attribute[2] url`, …")
    reason = serializers.CharField()


class WatchListErrorSerializer(ErrorSerializer):
    rows = WatchListProblemSerializer(many=True, required=False, help_text="Every problem found in the list.")


class WatchListSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    source_format = serializers.ChoiceField(choices=WatchList.Format.choices)

    class Meta:
        model = WatchList
        fields = ["id", "operation", "team", "name", "source_format", "source_sha256", "items", "entry_count",
                  "created_by", "created_at"]
        read_only_fields = fields
