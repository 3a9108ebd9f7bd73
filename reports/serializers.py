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
    """A report asked for. A case file names its case, a country-team report its team; the other kinds
    take neither (documented per kind by ``REPORT_REQUEST_KINDS``)."""

    kind = serializers.ChoiceField(choices=Report.Kind.choices)
    operation = VisibleIdField(Operation, help_text="Id of an operation the user is a member of.")
    case = VisibleIdField(Case, required=False, help_text="The case of a case file.")
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES, required=False,
                                   help_text="The country team of a team report.")

    def validate(self, attrs):
        needs = {Report.Kind.CASE_FILE: "case", Report.Kind.TEAM_REPORT: "team"}.get(attrs["kind"])
        errors = {name: [f"Only a {'case file' if name == 'case' else 'country-team report'} takes a {name}."]
                  for name in ("case", "team") if name in attrs and name != needs}
        if needs and needs not in attrs:
            errors[needs] = ["This field is required for this kind of report."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class _SummaryRequest(StrictSerializer):
    kind = serializers.ChoiceField(choices=[Report.Kind.OPERATION_SUMMARY])
    operation = VisibleIdField(Operation, help_text="Id of an operation the user is a member of.")


class _CaseFileRequest(_SummaryRequest):
    kind = serializers.ChoiceField(choices=[Report.Kind.CASE_FILE])
    case = VisibleIdField(Case, help_text="The case of the case file.")


class _TeamReportRequest(_SummaryRequest):
    kind = serializers.ChoiceField(choices=[Report.Kind.TEAM_REPORT])
    team = serializers.ChoiceField(choices=COUNTRY_CHOICES, help_text="The country team of the report.")


# The request's shape for each kind, for the schema (ReportRequestSerializer reads them all).
REPORT_REQUEST_KINDS = {
    Report.Kind.OPERATION_SUMMARY.value: _SummaryRequest,
    Report.Kind.CASE_FILE.value: _CaseFileRequest,
    Report.Kind.TEAM_REPORT.value: _TeamReportRequest,
}


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
    press_paragraph = serializers.CharField(
        allow_null=True, help_text="The press paragraph as last edited (GET .../press-paragraph/ for its figures)."
    )
    figures = serializers.DictField(
        help_text="Every figure: `totals`, `per_team`, `per_focus_tag` and `breakdowns` (see the dashboard). "
        "`entities_checked` is the sum of `platforms_checked`, `persons_checked`, `locations` and `phone_numbers`."
    )


class HeadlineSerializer(serializers.Serializer):
    figures = serializers.ListField(child=serializers.CharField(), help_text="The chosen figure keys, in order.")
    default = serializers.BooleanField(help_text="True while no coordinator has chosen: the default headline.")
    available = serializers.ListField(child=serializers.CharField(), help_text="Every figure key there is.")
    headline = HeadlineFigureSerializer(many=True, help_text="The chosen figures with the newest numbers, if any.")


class HeadlineSetSerializer(StrictSerializer):
    figures = serializers.ListField(
        child=serializers.CharField(), allow_empty=True,
        help_text="Figure keys in the order to publish them; an empty list goes back to the default.",
    )


class PressParagraphSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The paragraph as the coordinators last edited it.")
    draft = serializers.CharField(help_text="The paragraph as drafted from the figures.")
    drafted_at = serializers.DateTimeField()
    drafted_by = serializers.CharField(source="drafted_by.username")
    edited_at = serializers.DateTimeField(allow_null=True)
    edited_by = serializers.CharField(source="edited_by.username", allow_null=True, default=None)
    figures_computed_at = serializers.DateTimeField(source="snapshot.computed_at",
                                                    help_text="When the figures it was drafted from were counted.")
    figures = HeadlineFigureSerializer(many=True, help_text="The headline it was drafted from, with its numbers.")
    outdated = serializers.BooleanField(help_text="The headline or its numbers changed since it was drafted.")


class PressParagraphEditSerializer(StrictSerializer):
    text = serializers.CharField(max_length=4000, allow_blank=True, help_text="The text to publish.")


class PendingSerializer(serializers.Serializer):
    """The answer while a job is still at work: where to look again."""

    code = serializers.CharField(help_text="pending")
    detail = serializers.CharField()
    follow = serializers.CharField(help_text="GET this address until it answers 200 (also in the Location header).")
