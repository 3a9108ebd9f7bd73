"""The platform catalogue and each team's platform checks, in the API.

Checks are read through ``PlatformCheck.objects.visible_to`` (shared with the whole operation)
and move through ``platforms.services``: plan (create), start, finish.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet
from api.filters import IdFilter
from operations.record_api import FindingFilter, RecordViewSet
from operations.record_api import record_schema as finding_schema

from . import catalogue, services
from .models import Platform, PlatformCheck
from .serializers import (
    PlatformCheckCreateSerializer,
    PlatformCheckFinishSerializer,
    PlatformCheckSerializer,
    PlatformSaveSerializer,
    PlatformSerializer,
)


class PlatformFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Platform.Category.choices)
    surface = django_filters.ChoiceFilter(choices=Platform.Surface.choices)
    active = django_filters.BooleanFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")
    domain = django_filters.CharFilter(field_name="domains__domain", lookup_expr="iexact", distinct=True)

    class Meta:
        model = Platform
        fields = []


@extend_schema_view(
    list=extend_schema(summary="The platform catalogue"), retrieve=extend_schema(summary="One platform"),
    create=extend_schema(summary="Add a platform to the catalogue (administrators, lead coordinators)",
                         request=PlatformSaveSerializer, responses={201: PlatformSerializer}),
    partial_update=extend_schema(summary="Change a platform of the catalogue", request=PlatformSaveSerializer,
                                 responses={200: PlatformSerializer}),
)
class PlatformViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The platform catalogue (reference data): checks and accounts name a platform by its id. A file of
    platforms is imported at /api/v1/platform-catalogue/import/."""

    queryset = Platform.objects.prefetch_related("domains")
    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter
    ordering = ("name", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = PlatformSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        platform = catalogue.platform_save(by=request.user, **serializer.validated_data)
        return Response(PlatformSerializer(platform).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        platform = self.get_object()
        current = {"name": platform.name, "category": platform.category, "surface": platform.surface,
                   "active": platform.active, "domains": list(platform.domains.values_list("domain", flat=True))}
        serializer = PlatformSaveSerializer(data=request.data, partial=True)  # what is not sent stays
        serializer.is_valid(raise_exception=True)
        platform = catalogue.platform_save(by=request.user, platform=platform,
                                           **(current | serializer.validated_data))
        return Response(PlatformSerializer(Platform.objects.get(pk=platform.pk)).data)


class PlatformCheckFilter(FindingFilter):
    platform = IdFilter(field_name="platform_id", help_text="Platform id.")
    status = django_filters.ChoiceFilter(choices=PlatformCheck.Status.choices)
    with_indications = django_filters.BooleanFilter()
    category = django_filters.ChoiceFilter(field_name="platform__category", choices=Platform.Category.choices)

    class Meta:
        model = PlatformCheck
        fields = []


@finding_schema(
    "platform checks",
    PlatformCheckSerializer,
    extra={
        "create": extend_schema(
            summary="Put a platform on the team's checklist",
            description="Planning a platform the team has planned already returns that check.",
            request=PlatformCheckCreateSerializer,
            responses={201: PlatformCheckSerializer},
        ),
        "start": extend_schema(summary="Start checking (planned → in progress)", request=None,
                               responses={200: PlatformCheckSerializer}),
        "finish": extend_schema(summary="Finish the check, with or without indications (in progress → checked)",
                                request=PlatformCheckFinishSerializer, responses={200: PlatformCheckSerializer}),
    },
)
class PlatformCheckViewSet(RecordViewSet):
    """Each team's monitoring of a platform: planned → in progress → checked. Shared with the operation."""

    model = PlatformCheck
    export_kind = "platform-checks"
    export_columns = [
        ("platform", lambda r: r.platform.name), ("status", lambda r: r.status),
        ("with_indications", lambda r: "" if r.with_indications is None else ("yes" if r.with_indications else "no")),
        ("focus_tags", lambda r: "; ".join(sorted(t.name for t in r.focus_tags.all()))), ("note", lambda r: r.note),
        ("started_at", lambda r: r.started_at.isoformat() if r.started_at else ""),
        ("finished_at", lambda r: r.finished_at.isoformat() if r.finished_at else ""),
    ]
    export_related = (["platform"], ["focus_tags"])
    serializer_class = PlatformCheckSerializer
    create_serializer_class = PlatformCheckCreateSerializer
    filterset_class = PlatformCheckFilter
    select = ("operation", "created_by", "platform", "checked_by")
    prefetch = ("focus_tags",)
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, data):
        return services.check_plan(user=self.request.user, **data), True

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.answer(services.check_start(user=request.user, check=self.get_object()))

    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        check = self.get_object()
        form = PlatformCheckFinishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        check = services.check_finish(user=request.user, check=check, **form.validated_data)
        return self.answer(check, status.HTTP_200_OK)
