"""The operations and agencies of the API, and the bulk import into an operation.

An operation is visible to its members only (``Operation.objects.visible_to``); its status moves
through ``operations.services`` (coordinators, or administrators who are members). Agencies are
reference data, readable by every signed-in user.
"""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api import ApiViewSet, ErrorSerializer
from findings.imports import ImportRejected, import_findings
from findings.serializers import ImportProblemSerializer, ImportRequestSerializer, ImportResultSerializer
from operations.countries import COUNTRY_CHOICES

from . import services
from .models import Agency, Operation
from .serializers import AgencySerializer, OperationSerializer


class ImportErrorSerializer(ErrorSerializer):
    rows = ImportProblemSerializer(
        many=True, required=False, help_text="Every problem found in the file, with the line it is on."
    )


class OperationFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Operation.Status.choices)

    class Meta:
        model = Operation
        fields = []


@extend_schema_view(
    list=extend_schema(summary="The operations the user is a member of"),
    retrieve=extend_schema(summary="One operation"),
    start=extend_schema(summary="Start the operation (planned → active), or reopen it (closed → active)",
                        request=None, responses={200: OperationSerializer}),
    close=extend_schema(summary="Close the operation: its findings become read-only", request=None,
                        responses={200: OperationSerializer}),
    archive=extend_schema(summary="Archive a closed operation", request=None, responses={200: OperationSerializer}),
)
class OperationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Operations (action days), visible to their members."""

    queryset = Operation.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = OperationSerializer
    filterset_class = OperationFilter
    ordering = ("-starts_at", "-id")

    def get_queryset(self):
        return (
            Operation.objects.visible_to(self.request.user)
            .select_related("lead_agency")
            .prefetch_related("participations__agency", "focus_tags")
        )

    def _moved(self, operation):
        operation = self.get_queryset().get(pk=operation.pk)
        return Response(OperationSerializer(operation, context={"request": self.request}).data)

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._moved(services.operation_start(user=request.user, operation=self.get_object()))

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._moved(services.operation_close(user=request.user, operation=self.get_object()))

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._moved(services.operation_archive(user=request.user, operation=self.get_object()))

    @extend_schema(
        summary="Import URLs, social accounts, suspects or possible victims from a CSV or JSON file",
        description=(
            "The whole file is checked first; either every row is saved or none is. Problems are listed with "
            "the line each is on. Rows the team holds already are recognised, so importing the same file "
            "twice creates nothing new. CSV: a header row naming the columns; JSON: an array of objects.\n\n"
            "Columns — urls: url, note, case · social-accounts: platform (name or domain), handle, "
            "display_name, note, case · suspects: alias, role, nationality, age_estimate, notes, case · "
            "victims: nationality, sex, age_band, is_minor, notes, case. `case` is a case reference (C-…)."
        ),
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            201: ImportResultSerializer,
            200: OpenApiResponse(ImportResultSerializer, description="Nothing new: every row was known."),
            400: OpenApiResponse(ImportErrorSerializer, description="The file was refused: nothing was saved."),
        },
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request, pk=None):
        operation = self.get_object()
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            result = import_findings(
                user=request.user,
                operation=operation,
                kind=form.validated_data["kind"],
                data=upload.read(),
                filename=upload.name or "",
                format=form.validated_data.get("format", ""),
            )
        except ImportRejected as rejected:
            body = {"code": "invalid_file", "detail": str(rejected), "rows": rejected.as_list()}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Agency.Kind.choices)
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Agency
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Agencies (reference data)"), retrieve=extend_schema(summary="One agency")
)
class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Agencies taking part in operations (reference data)."""

    queryset = Agency.objects.all()
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    ordering = ("name", "id")
