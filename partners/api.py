"""The partners' formats in the API: a case or an operation as STIX 2.1 or MISP, and watch lists in.

Thin: what an export holds is ``partners.scope`` (the access rule and what may leave), the documents
are built in ``partners.stix`` and ``partners.misp``; an import is ``partners.watch_lists``.
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import ApiView, ApiViewSet, ErrorSerializer
from api.filters import VisibleIdFilter, id_schema
from findings.models import Case
from operations.countries import COUNTRY_CHOICES
from operations.models import Operation

from .exports import MISP_MEDIA_TYPE, STIX_MEDIA_TYPE, export_response
from .models import WatchList
from .scope import case_scope, operation_scope
from .serializers import (
    WatchListErrorSerializer,
    WatchListImportSerializer,
    WatchListResultSerializer,
    WatchListSerializer,
)
from .watch_lists import ListRejected, watch_list_delete, watch_list_import

BAD_QUERY = OpenApiResponse(ErrorSerializer, description="A query parameter this export does not take, or a "
                                                         "filter value that is not valid (`fields` names it).")
STIX_ANSWER = OpenApiResponse(OpenApiTypes.OBJECT, description=(
    "A STIX 2.1 bundle (an attachment): identities of the teams, per identifier an observable (exact) and an "
    "indicator joined by `based-on`, each case a report, markings from the handling code (TLP:AMBER for H0/H1, "
    "TLP:RED for H2/H3, and a statement). Phone numbers and wallets are the new observable types `phone-number` "
    "and `cryptocurrency-wallet`, defined by the extension-definitions in the bundle."))
MISP_ANSWER = OpenApiResponse(OpenApiTypes.OBJECT, description=(
    "A MISP event, `{\"Event\": …}` (an attachment): attributes phone-number, email, url, domain; coin-address "
    "and user-account objects; tags tlp:…, actionday:handling-code, exploitation type, focus tags and indicators; "
    "distribution from the handling code (H0/H1: this community only; H2/H3: your organisation only)."))
EXPORT_NOTE = (
    "Only what you may see. Nothing of a possible victim leaves; a suspect's identifiers only from a case whose "
    "handling code is H0 or H1. Names and descriptions are defanged, observables exact. Every export is recorded "
    "in the audit trail as a disclosure.")
FILTERS = [
    OpenApiParameter("team", str, enum=[code for code, _ in COUNTRY_CHOICES], description="Country team that "
                     "logged the records."),
    OpenApiParameter("created_after", OpenApiTypes.DATETIME, description="Logged at or after (ISO 8601, UTC)."),
    OpenApiParameter("created_before", OpenApiTypes.DATETIME, description="Logged before (ISO 8601, UTC)."),
    OpenApiParameter("case", id_schema(), description="Case id: only what hangs off this case."),
    OpenApiParameter("no_case", bool, description="true: only what is not linked to a case."),
]


class _Export(ApiView):
    fmt = ""

    def perform_content_negotiation(self, request, force=False):
        # A STIX client asks for application/stix+json: the answer is that, whatever the renderers say.
        return super().perform_content_negotiation(request, force=True)


class _CaseExport(_Export):
    def get(self, request, pk):
        if request.query_params:
            raise exceptions.ValidationError({name: ["This export takes no query parameter."]
                                              for name in request.query_params})
        case = Case.objects.visible_to(request.user).select_related("operation").filter(pk=pk).first()
        if case is None:
            raise exceptions.NotFound()
        return export_response(case_scope(user=request.user, case=case), self.fmt)


class _OperationExport(_Export):
    def get(self, request, pk):
        operation = Operation.objects.visible_to(request.user).filter(pk=pk).first()
        if operation is None:
            raise exceptions.NotFound()
        scope = operation_scope(user=request.user, operation=operation, params=request.query_params.dict())
        return export_response(scope, self.fmt)


class CaseStixView(_CaseExport):
    fmt = "stix"

    @extend_schema(operation_id="cases_stix", summary="The case as a STIX 2.1 bundle", description=EXPORT_NOTE,
                   responses={(200, STIX_MEDIA_TYPE): STIX_ANSWER, 400: BAD_QUERY})
    def get(self, request, pk):
        return super().get(request, pk)


class CaseMispView(_CaseExport):
    fmt = "misp"

    @extend_schema(operation_id="cases_misp", summary="The case as a MISP event", description=EXPORT_NOTE,
                   responses={(200, MISP_MEDIA_TYPE): MISP_ANSWER, 400: BAD_QUERY})
    def get(self, request, pk):
        return super().get(request, pk)


class OperationStixView(_OperationExport):
    fmt = "stix"

    @extend_schema(operation_id="operations_stix", summary="What you may see of an operation as a STIX 2.1 bundle",
                   description=EXPORT_NOTE + " The filters are those of the finding lists; the bundle groups "
                   "everything in one grouping, its cases as reports.",
                   parameters=FILTERS, responses={(200, STIX_MEDIA_TYPE): STIX_ANSWER, 400: BAD_QUERY})
    def get(self, request, pk):
        return super().get(request, pk)


class OperationMispView(_OperationExport):
    fmt = "misp"

    @extend_schema(operation_id="operations_misp", summary="What you may see of an operation as a MISP event",
                   description=EXPORT_NOTE + " The filters are those of the finding lists; the event's distribution "
                   "and TLP tag follow the strictest handling code it holds, each attribute's TLP tag its own.",
                   parameters=FILTERS, responses={(200, MISP_MEDIA_TYPE): MISP_ANSWER, 400: BAD_QUERY})
    def get(self, request, pk):
        return super().get(request, pk)


class WatchListImportView(ApiView):
    """A partner's watch list into an operation, as selectors of your team."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="operations_watch_lists_import",
        summary="Import a watch list (STIX 2.1 bundle, MISP event or plain list) as selectors of your team",
        description=(
            "The whole list is checked first: either every identifier is saved or none is, and a refusal names "
            "every bad item. Identifiers are normalised as those of findings (phone numbers in E.164 with your "
            "team's country as default, wallets only with a valid checksum, handles as platform:handle) and take "
            "part in cross-border matching: a hit on one names the list on your side. What your team already "
            "holds from a watch list in this operation is not added again: the same list twice adds nothing "
            "(200, `watch_list` null). STIX: url, domain-name, ipv4-addr, email-addr, user-account, phone-number "
            "and cryptocurrency-wallet objects, and indicators' equality patterns on them. MISP: attributes "
            "phone-number, email(-src/-dst), url, link, domain, hostname, ip-dst, btc, xmr; coin-address, "
            "user-account and telegram-account objects. Anything else is counted as ignored."
        ),
        request={"multipart/form-data": WatchListImportSerializer},
        responses={
            201: WatchListResultSerializer,
            200: OpenApiResponse(WatchListResultSerializer, description="Nothing new: every entry was held."),
            400: OpenApiResponse(WatchListErrorSerializer, description="The list was refused: nothing was saved."),
        },
    )
    def post(self, request, pk):
        operation = Operation.objects.visible_to(request.user).filter(pk=pk).first()
        if operation is None:
            raise exceptions.NotFound()
        form = WatchListImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            result = watch_list_import(
                user=request.user, operation=operation, data=upload.read(), filename=upload.name or "",
                name=form.validated_data.get("name", ""), format=form.validated_data.get("format", ""),
            )
        except ListRejected as rejected:
            body = {"code": "invalid_file", "detail": str(rejected), "rows": rejected.as_list()}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class WatchListFilter(django_filters.FilterSet):
    operation = VisibleIdFilter(model=Operation, field_name="operation_id", help_text="Operation id.")
    team = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, help_text="Country team that imported it.")

    class Meta:
        model = WatchList
        fields = []


@extend_schema_view(
    list=extend_schema(summary="The watch lists your teams imported (all of an operation you coordinate)"),
    retrieve=extend_schema(summary="One watch list"),
    destroy=extend_schema(summary="Remove a watch list and the selectors it added (their hits go with them)"),
)
class WatchListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ApiViewSet):
    queryset = WatchList.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = WatchListSerializer
    filterset_class = WatchListFilter
    ordering = ("-created_at", "-id")
    http_method_names = ["get", "delete", "head", "options"]

    def get_queryset(self):
        return WatchList.objects.visible_to(self.request.user).select_related("created_by")

    def perform_destroy(self, instance):
        watch_list_delete(user=self.request.user, watch_list=instance)
