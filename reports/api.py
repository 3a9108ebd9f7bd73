"""Reports and figures in the API: ask for a PDF report, follow it, download it; read an
operation's latest figures, or have them compiled now; choose the published headline; draft, read
and edit the press paragraph.

Thin: who may ask for and download which report is ``reports.building`` (the same rule as the
pages, ``Report.objects.visible_to`` for lists); the download is ``reports.downloads.report_response``,
which records the disclosure; the figures are the coordinators' (like the dashboard): anyone else
gets the same 404 as for an operation that does not exist.
"""

import datetime as dt
from urllib.parse import urlencode

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiView, ApiViewSet, ErrorSerializer, error_body
from api.filters import VisibleIdFilter
from operations.models import Operation

from . import building
from .downloads import report_response
from .models import Report
from .serializers import (
    REPORT_REQUEST_KINDS,
    HeadlineSerializer,
    HeadlineSetSerializer,
    PendingSerializer,
    PressParagraphEditSerializer,
    PressParagraphSerializer,
    ReportRequestSerializer,
    ReportSerializer,
    StatisticsSerializer,
)
from .services import (
    headline_set,
    press_paragraph_current,
    press_paragraph_draft,
    press_paragraph_edit,
    press_paragraph_outdated,
    snapshot_latest,
    snapshot_request,
)
from .statistics import FIGURES, headline_keys, press_line

# Look again this many seconds after a "pending" answer.
RETRY_AFTER = 2
# As the dashboard: a read finding no figures (or, for an active operation, figures older than
# this) asks for a fresh compile.
STALE_AFTER = 60

UNAVAILABLE = OpenApiResponse(ErrorSerializer, description="The report is not done, or its file is unavailable.")


class ReportFilter(django_filters.FilterSet):
    operation = VisibleIdFilter(model=Operation, field_name="operation_id", help_text="Operation id.")
    kind = django_filters.ChoiceFilter(choices=Report.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)

    class Meta:
        model = Report
        fields = []


def _pending(detail: str, follow: str) -> Response:
    body = {"code": "pending", "detail": detail, "follow": follow}
    headers = {"Location": follow, "Retry-After": str(RETRY_AFTER)}
    return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


@extend_schema_view(
    list=extend_schema(summary="The reports the user may download: their own, and all of the operations they "
                               "coordinate"),
    retrieve=extend_schema(summary="One report: follow its status and progress until it is done"),
    create=extend_schema(
        summary="Ask for a PDF report",
        description="Operation summary: the operation's coordinators. Case file: anyone who sees the case. "
        "Country-team report: the team's analysts, and coordinators for any team. The report is built in the "
        "background: the answer (202) is the queued report; read it again until `status` is `done`, then "
        "download it. Asking again while the same report is queued or running returns that one.",
        request=PolymorphicProxySerializer(
            component_name="ReportRequest", serializers=REPORT_REQUEST_KINDS,
            resource_type_field_name="kind",
        ),
        responses={202: ReportSerializer},
    ),
    retry=extend_schema(summary="Queue a failed report again", request=None, responses={202: ReportSerializer}),
    download=extend_schema(
        summary="Download the PDF (an attachment, with its SHA-256 in X-Report-SHA256)",
        description="The stored file is checked against its SHA-256 first; each download is recorded in the "
        "audit trail as a disclosure.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 409: UNAVAILABLE},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """PDF reports: operation summary, case file, country-team report."""

    queryset = Report.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering = ("-requested_at", "-id")
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def get_queryset(self):
        return Report.objects.visible_to(self.request.user).select_related("case", "requested_by")

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, exceptions.ValidationError):
            raise exceptions.NotFound() from None

    def get_serializer_class(self):
        if self.action == "create":
            return ReportRequestSerializer
        return ReportSerializer

    def _queued(self, report):
        report = self.get_queryset().get(pk=report.pk)
        location = reverse("api:report-detail", args=[report.pk])
        data = ReportSerializer(report, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    def create(self, request, *args, **kwargs):
        form = ReportRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        report = building.report_request(
            user=request.user, kind=data["kind"], operation=data["operation"], case=data.get("case"),
            team=data.get("team", ""),
        )
        return self._queued(report)

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self._queued(building.report_retry(user=request.user, report=self.get_object()))

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        try:
            return report_response(user=request.user, report=report)
        except building.ReportUnavailable as exc:
            return Response(error_body("unavailable", str(exc)), status=status.HTTP_409_CONFLICT)


def _moment(text: str) -> dt.datetime:
    """The ``newer_than`` parameter, in UTC; 400 for anything else."""
    try:
        moment = parse_datetime(text.strip())
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        pass
    raise exceptions.ValidationError(
        {"newer_than": ["Give a date and time with its offset, e.g. 2026-11-23T08:00:00Z."]}
    )


def _headline(operation, totals: dict | None) -> list[dict]:
    totals = totals or {}
    return [{"key": key, "value": totals.get(key, 0), "text": press_line(key, totals.get(key, 0), totals)}
            for key in headline_keys(operation)]


class CoordinatorView(ApiView):
    """An operation's figures and what is published of them: for its coordinators only."""

    def _operation(self, request, pk) -> Operation:
        operation = Operation.objects.coordinated_by(request.user).filter(pk=pk).first()
        if operation is None:
            raise exceptions.NotFound()  # one answer for "no such operation", "not a member", "not a coordinator"
        return operation


class StatisticsView(CoordinatorView):
    """The figures of one operation, for its coordinators."""

    @extend_schema(
        operation_id="operations_statistics_retrieve",
        summary="The operation's latest figures (coordinators)",
        description="200 with the newest snapshot of the figures. 202 while there is none yet — or none "
        "counted after `newer_than` — with the address to look at again (`follow`, and `Location`).",
        parameters=[OpenApiParameter("newer_than", OpenApiTypes.DATETIME, OpenApiParameter.QUERY, required=False,
                                     description="Only figures counted at or after this moment (ISO 8601).")],
        responses={200: StatisticsSerializer, 202: PendingSerializer, 400: ErrorSerializer},
    )
    def get(self, request, pk):
        operation = self._operation(request, pk)
        raw = request.query_params.get("newer_than")
        newer_than = _moment(raw) if raw is not None else None
        snapshot = snapshot_latest(operation)
        if snapshot is None or (
            operation.status == Operation.Status.ACTIVE
            and snapshot.computed_at < timezone.now() - dt.timedelta(seconds=STALE_AFTER)
        ):
            snapshot_request(operation=operation, unless_newer_than=STALE_AFTER)
        if snapshot is None or (newer_than is not None and snapshot.computed_at < newer_than):
            return _pending("The figures are being counted: look again in a moment.", request.get_full_path())
        paragraph = press_paragraph_current(operation)
        data = {"operation_id": operation.pk, "computed_at": snapshot.computed_at,
                "headline": _headline(operation, snapshot.figures.get("totals")),
                "press_paragraph": paragraph.text if paragraph else None, "figures": snapshot.figures}
        return Response(StatisticsSerializer(data).data)

    @extend_schema(
        operation_id="operations_statistics_compile",
        summary="Compile the figures now (coordinators)",
        description="The statistics job runs once this request is answered. Follow the address in `follow` "
        "(also `Location`): it answers 202 until the new figures are stored, then 200 with them.",
        request=None,
        responses={202: PendingSerializer},
    )
    def post(self, request, pk):
        operation = self._operation(request, pk)
        requested_at = timezone.now()
        snapshot_request(operation=operation)
        follow = reverse("api:operation-statistics", args=[operation.pk])
        follow += "?" + urlencode({"newer_than": requested_at.isoformat()})
        return _pending("The figures are being compiled.", follow)


class HeadlineView(CoordinatorView):
    """The published headline of one operation: which figures, in which order."""

    def _answer(self, operation):
        snapshot = snapshot_latest(operation)
        data = {"figures": headline_keys(operation), "default": not operation.headline_figures,
                "available": list(FIGURES), "headline": _headline(operation, snapshot and snapshot.figures["totals"])}
        return Response(HeadlineSerializer(data).data)

    @extend_schema(operation_id="operations_headline_retrieve", summary="The published headline (coordinators)",
                   responses={200: HeadlineSerializer})
    def get(self, request, pk):
        return self._answer(self._operation(request, pk))

    @extend_schema(
        operation_id="operations_headline_update",
        summary="Choose the published headline and its order (coordinators)",
        description="`figures` lists figure keys (`available` in the answer) in the order the summary report and "
        "the press paragraph use them; an empty list goes back to the default. Until the operation is archived.",
        request=HeadlineSetSerializer, responses={200: HeadlineSerializer, 400: ErrorSerializer},
    )
    def put(self, request, pk):
        operation = self._operation(request, pk)
        form = HeadlineSetSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        operation = headline_set(user=request.user, operation=operation, keys=form.validated_data["figures"])
        return self._answer(operation)


class PressParagraphView(CoordinatorView):
    """The press paragraph of one operation, kept with the figures it was drafted from."""

    def _answer(self, operation, paragraph, status_code=status.HTTP_200_OK):
        totals = {row["key"]: row["value"] for row in paragraph.figures}
        data = {
            "text": paragraph.text, "draft": paragraph.draft, "drafted_at": paragraph.drafted_at,
            "drafted_by": paragraph.drafted_by, "edited_at": paragraph.edited_at, "edited_by": paragraph.edited_by,
            "snapshot": paragraph.snapshot,
            "figures": [{"key": row["key"], "value": row["value"], "text": press_line(row["key"], row["value"])}
                        for row in paragraph.figures if row["key"] in totals],
            "outdated": press_paragraph_outdated(paragraph, snapshot_latest(operation)),
        }
        return Response(PressParagraphSerializer(data).data, status=status_code)

    @extend_schema(operation_id="operations_press_paragraph_retrieve",
                   summary="The press paragraph and the figures it was drafted from (coordinators)",
                   responses={200: PressParagraphSerializer, 404: ErrorSerializer})
    def get(self, request, pk):
        operation = self._operation(request, pk)
        paragraph = press_paragraph_current(operation)
        if paragraph is None:
            raise exceptions.NotFound("No press paragraph drafted yet: POST to draft one from the headline.")
        return self._answer(operation, paragraph)

    @extend_schema(
        operation_id="operations_press_paragraph_draft",
        summary="Draft the press paragraph from the headline and the newest figures (coordinators)",
        description="A new draft replaces the paragraph (earlier drafts are kept with their figures). 400 while "
        "there are no figures yet.",
        request=None, responses={201: PressParagraphSerializer, 400: ErrorSerializer},
    )
    def post(self, request, pk):
        operation = self._operation(request, pk)
        paragraph = press_paragraph_draft(user=request.user, operation=operation)
        return self._answer(operation, paragraph, status.HTTP_201_CREATED)

    @extend_schema(operation_id="operations_press_paragraph_edit", summary="Edit the press paragraph (coordinators)",
                   request=PressParagraphEditSerializer,
                   responses={200: PressParagraphSerializer, 400: ErrorSerializer})
    def patch(self, request, pk):
        operation = self._operation(request, pk)
        form = PressParagraphEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        paragraph = press_paragraph_edit(user=request.user, operation=operation, text=form.validated_data["text"])
        return self._answer(operation, paragraph)
