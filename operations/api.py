"""The operations and agencies of the API.

An operation is visible to its members only (``Operation.objects.visible_to``); its status moves
through ``operations.services`` (coordinators, or administrators who are members). Agencies are
reference data, readable by every signed-in user.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet

from . import services
from .access import require_create_operations
from .countries import COUNTRY_CHOICES
from .models import Agency, Operation
from .serializers import AgencySerializer, OperationCreateSerializer, OperationSerializer


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
    reopen=extend_schema(summary="Reopen a closed operation (closed → active)", request=None,
                         responses={200: OperationSerializer}),
    create=extend_schema(
        summary="Create an operation (planned)",
        description="Administrators, and holders of `operations.add_operation`, who become its lead coordinator. "
                    "Then import its participants: POST /api/v1/operations/{id}/participants/.",
        request=OperationCreateSerializer, responses={201: OperationSerializer}),
)
class OperationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Operations (action days), visible to their members (and to administrators)."""

    queryset = Operation.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = OperationSerializer
    filterset_class = OperationFilter
    ordering = ("-starts_at", "-id")

    def get_queryset(self):
        user = self.request.user
        # Administrators are no members: they reach the operations they set up, as the set-up pages do.
        operations = Operation.objects.managed_by(user) if user.is_staff else Operation.objects.visible_to(user)
        return operations.select_related("lead_agency").prefetch_related("participations__agency", "focus_tags")

    def _moved(self, operation, status_code=200):
        operation = self.get_queryset().get(pk=operation.pk)
        return Response(OperationSerializer(operation, context={"request": self.request}).data, status=status_code)

    def create(self, request, *args, **kwargs):
        require_create_operations(request.user)  # who may not is told so whatever the body says
        serializer = OperationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        operation = services.operation_create(user=request.user, **serializer.validated_data)
        return self._moved(operation, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._moved(services.operation_reopen(user=request.user, operation=self.get_object()))

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._moved(services.operation_start(user=request.user, operation=self.get_object()))

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._moved(services.operation_close(user=request.user, operation=self.get_object()))

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._moved(services.operation_archive(user=request.user, operation=self.get_object()))


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
