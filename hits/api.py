"""Cross-border hits in the API: list and read them, and answer for your own side.

Thin: hits are read through ``Hit.objects.visible_to`` and shown through ``hits.services.hit_rows``,
which names the other team's finding or case only once the access rule lets the user see it;
answers go through ``hit_share`` and ``hit_decline``, the same functions as the hits pages. No
selector id is ever given out: it would point at the other team's record.
"""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet
from api.filters import VisibleIdFilter
from findings.models import Hit, Selector
from operations.countries import COUNTRY_CHOICES
from operations.models import Operation

from . import services as hit_services
from .serializers import HitDeclineSerializer, HitSerializer


class HitFilter(django_filters.FilterSet):
    operation = VisibleIdFilter(
        model=Operation, via=lambda hits, pk: hits.filter(Q(operation_a_id=pk) | Q(operation_b_id=pk)),
        help_text="Operation id (one the user is a member of): hits involving it on either side.",
    )
    team = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, method="involving_team",
                                       help_text="A team holding either side.")
    kind = django_filters.ChoiceFilter(choices=Selector.Kind.choices)
    status = django_filters.ChoiceFilter(choices=[("open", "open"), ("answered", "answered")], method="in_status",
                                         help_text="open: a team has not answered yet; answered: both have.")

    class Meta:
        model = Hit
        fields = []

    def involving_team(self, queryset, name, value):
        return queryset.involving_team(value)

    def in_status(self, queryset, name, value):
        return queryset.open() if value == "open" else queryset.answered()


@extend_schema_view(
    list=extend_schema(summary="The cross-border hits the user may see (their teams', or all of the operations "
                               "they coordinate)"),
    retrieve=extend_schema(summary="One hit"),
    share=extend_schema(
        summary="Answer for your side: share your case with the other team",
        description="Shares the case your team's selector hangs off with the other team, as from the case page. "
        "Only the team that holds a side answers for it; coordinators see hits but do not answer.",
        request=None,
        responses={200: HitSerializer},
    ),
    decline=extend_schema(
        summary="Answer for your side: decline to share, with a reason",
        request=HitDeclineSerializer,
        responses={200: HitSerializer},
    ),
)
class HitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Two country teams hold the same selector. Each side sees the other's team, operation and answer
    only; prosecutors see no hits."""

    queryset = Hit.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = HitSerializer
    filterset_class = HitFilter
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return Hit.objects.visible_to(self.request.user).select_related(
            "operation_a", "operation_b", "selector_a", "selector_b"
        )

    def _rows(self, hits):
        return hit_services.hit_rows(hits, user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(HitSerializer(self._rows(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(HitSerializer(self._rows([self.get_object()])[0]).data)

    def _answered(self, hit):
        return Response(HitSerializer(self._rows(self.get_queryset().filter(pk=hit.pk))[0]).data)

    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        return self._answered(hit_services.hit_share(user=request.user, hit=self.get_object()))

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        hit = self.get_object()
        form = HitDeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        hit = hit_services.hit_decline(user=request.user, hit=hit, reason=form.validated_data["reason"])
        return self._answered(hit)
