"""What the API says about reports and figures, and what it takes in: shapes only."""

from django.urls import reverse
from rest_framework import serializers

from api.serializers import StrictSerializer
from findings.models import Case
from findings.serializers import VisibleIdField
from operations.countries import COUNTRY_CHOICES
from operations.models import Operation

from .models import Report


class ReportSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True, allow_null=True, default=None)
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES, allow_blank=True, read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    download = serializers.SerializerMethodField(help_text="Where the PDF is served once the report is done.")

    class Meta:
        model = Report
        fields = [
            "id", "kind", "operation", "case", "case_reference", "team", "status", "progress", "error", "sha256",
            "requested_by", "requested_at", "started_at", "finished_at", "download",
        ]
        read_only_fields = fields

    def get_download(self, report) -> str | None:
        if report.status != Report.Status.DONE:
            return None
        return reverse("api:report-download", args=[report.pk])


class ReportRequestSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Report.Kind.choices)
    operation = VisibleIdField(Operation, help_text="Id of an operation the user is a member of.")
    case = VisibleIdField(Case, required=False, allow_null=True, help_text="The case of a case file.")
    team = serializers.ChoiceField(
        choices=COUNTRY_CHOICES, required=False, allow_blank=True, help_text="The country team of a team report."
    )


class HeadlineFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.IntegerField()
    text = serializers.CharField(
        help_text='In the press style: "33 potential victims of human trafficking identified".'
    )


class StatisticsSerializer(serializers.Serializer):
    operation = serializers.IntegerField(source="operation_id")
    computed_at = serializers.DateTimeField(help_text="When these figures were counted.")
    headline = HeadlineFigureSerializer(many=True, help_text="The figures the coordinators publish, in order.")
    figures = serializers.DictField(
        help_text="Every figure: `totals`, `per_team`, `per_focus_tag` and `breakdowns` (see the dashboard)."
    )


class PendingSerializer(serializers.Serializer):
    """The answer while a job is still at work: where to look again."""

    code = serializers.CharField(help_text="pending")
    detail = serializers.CharField()
    follow = serializers.CharField(help_text="GET this address until it answers 200 (also in the Location header).")
