"""The findings resources of the API: cases, suspects, victims, URLs, social accounts.

Thin: every read starts from ``Model.objects.visible_to(request.user)`` (so another team's
record is "not found", like a missing one), every write is one service call of
``findings.services`` — the same functions the pages call — and every transition is an action
(``POST /cases/{id}/refer/``). Errors come back in the one shape of ``api.base``; a case saved over
a newer version answers 409 with the case as it is now. Evidence files are the evidence app's.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet, ErrorSerializer, error_body
from audit.consultation import HEADER as JUSTIFICATION_HEADER
from audit.consultation import QUERY_PARAMETER as JUSTIFICATION_PARAMETER
from operations.access import require_change
from operations.record_api import RecordViewSet
from operations.record_api import record_schema as finding_schema

from . import services
from .api_justification import (
    JUSTIFICATION_REQUIRED,
    VICTIM_EXPORT,
    VICTIM_LIST,
    VICTIM_READ,
    VICTIM_READ_PARAMETERS,
    victim_justification,
)
from .duplicates import duplicate_set
from .exports import COLUMNS, RELATED, case_bundle, hide_unseen_cases
from .filters import CaseFilter, LocationFilter, SocialAccountFilter, SuspectFilter, UrlFilter, VictimFilter
from .models import Case, DetectedUrl, Indicator, Location, PossibleVictim, SocialAccount, Suspect
from .serializers import (
    CASE_SHARE_SHAPES,
    CaseBundleSerializer,
    CaseCloseSerializer,
    CaseCreateSerializer,
    CaseReferSerializer,
    CaseSerializer,
    CaseShareSerializer,
    CaseSharesSerializer,
    CaseUpdateSerializer,
    IndicatorSerializer,
    LocationCreateSerializer,
    LocationSerializer,
    LocationUpdateSerializer,
    SocialAccountCreateSerializer,
    SocialAccountSerializer,
    SocialAccountUpdateSerializer,
    SuspectCreateSerializer,
    SuspectSerializer,
    SuspectUpdateSerializer,
    UrlCreateSerializer,
    UrlSerializer,
    UrlUpdateSerializer,
    VictimCreateSerializer,
    VictimSerializer,
    VictimUpdateSerializer,
)


class FindingViewSet(RecordViewSet):
    """A finding resource: the record base, plus logging and changing through the findings services."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.export_kind in COLUMNS:
            cls.export_columns = COLUMNS[cls.export_kind]
            cls.export_related = RELATED[cls.export_kind]

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        require_change(request.user, record)  # also when the body changes nothing: no "OK" to a reader
        data = self.parsed()
        missing = object()
        case = data.pop("case", missing)
        indicators = data.pop("indicators", None)
        duplicate_of = data.pop("duplicate_of", missing)
        if data:
            record = services.finding_update(user=request.user, finding=record, **data)
        if case is not missing and case != record.case:
            record = services.link_to_case(user=request.user, finding=record, case=case)
        if indicators is not None:
            services.indicators_set(user=request.user, finding=record, indicators=indicators)
        if duplicate_of is not missing and getattr(duplicate_of, "pk", None) != record.duplicate_of_id:
            record = duplicate_set(user=request.user, record=record, duplicate_of=duplicate_of)
        return self.answer(record)

    def destroy(self, request, *args, **kwargs):
        services.finding_delete(user=request.user, finding=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def export_chunks(self, queryset):
        for chunk in super().export_chunks(queryset):
            yield hide_unseen_cases(chunk, user=self.request.user)


CASE_SHARE = PolymorphicProxySerializer(component_name="CaseShare", serializers=CASE_SHARE_SHAPES,
                                       resource_type_field_name=None)


class EditConflictErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(help_text="Send this version with your changes to save them.")
    current = serializers.DictField(help_text="The record as it is now.")


# --- cases -------------------------------------------------------------------------------------------


@finding_schema(
    "cases",
    CaseSerializer,
    create=CaseCreateSerializer,
    extra={
        "partial_update": extend_schema(
            summary="Change a case",
            description="Send the `version` you read: if the case changed since, nothing is saved and the "
            "answer is 409 with the case as it is now.",
            request=CaseUpdateSerializer,
            responses={200: CaseSerializer, 409: EditConflictErrorSerializer},
        ),
    },
)
class CaseViewSet(FindingViewSet):
    """Cases: leads for national follow-up. Other teams see a case once it is shared with them."""

    def handle_exception(self, exc):
        if isinstance(exc, services.EditConflict):
            current = CaseSerializer(exc.current, context=self.get_serializer_context()).data
            body = error_body("edit_conflict", exc.messages[0], current_version=exc.current.version, current=current)
            # Answered here, not by api.base's handler, which knows no app's records; still rolled back.
            return Response(body, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    model = Case
    export_kind = "cases"
    serializer_class = CaseSerializer
    create_serializer_class = CaseCreateSerializer
    update_serializer_class = CaseUpdateSerializer
    filterset_class = CaseFilter
    prefetch = ("indicators", "focus_tags")

    def perform_create(self, data):
        indicators = data.pop("indicators", None)
        case = services.case_create(user=self.request.user, **data)
        if indicators:
            services.indicators_set(user=self.request.user, finding=case, indicators=indicators)
        return case, True

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        data = self.parsed()
        version = data.pop("version")
        focus_tags = data.pop("focus_tags", None)
        indicators = data.pop("indicators", None)
        # The version is checked even when only tags change: the user decided on what they read.
        case = services.case_update(user=request.user, case=case, expected_version=version, **data)
        if focus_tags is not None:
            services.case_focus_tags_set(user=request.user, case=case, focus_tags=focus_tags)
        if indicators is not None:
            services.indicators_set(user=request.user, finding=case, indicators=indicators)
        return self.answer(case)

    @extend_schema(summary="Refer the case to a national authority", request=CaseReferSerializer,
                   responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        case = self.get_object()  # "not found" before "your body is wrong", as every other action
        serializer = CaseReferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_refer(user=request.user, case=case, **serializer.validated_data)
        return self.answer(case)

    @extend_schema(summary="Record that an investigation was opened", request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="open-investigation")
    def open_investigation(self, request, pk=None):
        return self.answer(services.case_open_investigation(user=request.user, case=self.get_object()))

    @extend_schema(summary="Close the case, saying why", request=CaseCloseSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()  # a case that is not there is a 404 before its body is read
        serializer = CaseCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.answer(services.case_close(user=request.user, case=case, **serializer.validated_data))

    def _share_target(self, request):
        serializer = CaseShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "team" in data:
            return "team", data["team"]
        prosecutor = services.share_prosecutor_named(case=self.get_object(), username=data["prosecutor"])
        if prosecutor is None:
            # The same words as for a user who is no prosecutor here: names are not probed this way.
            raise ValidationError(f"{data['prosecutor']} is not a prosecutor in this operation.")
        return "prosecutor", prosecutor

    @extend_schema(
        summary="Share the case with a country team or a named prosecutor",
        description="Sharing a case shares what hangs off it. Teams see it to work on it; prosecutors to read it.",
        request=CASE_SHARE,
        responses={200: CaseSharesSerializer},
    )
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        case = self.get_object()
        kind, target = self._share_target(request)
        if kind == "team":
            services.case_share_with_team(user=request.user, case=case, team=target)
        else:
            services.case_share_with_prosecutor(user=request.user, case=case, prosecutor=target)
        return Response(self._shares(case))

    @extend_schema(summary="Withdraw a share", request=CASE_SHARE, responses={200: CaseSharesSerializer})
    @action(detail=True, methods=["post"])
    def unshare(self, request, pk=None):
        case = self.get_object()
        kind, target = self._share_target(request)
        if kind == "team":
            services.case_unshare_with_team(user=request.user, case=case, team=target)
        else:
            services.case_unshare_with_prosecutor(user=request.user, case=case, prosecutor=target)
        return Response(self._shares(case))

    @extend_schema(summary="Who the case is shared with (for those who may change it)",
                   responses={200: CaseSharesSerializer})
    @action(detail=True, methods=["get"])
    def shares(self, request, pk=None):
        case = self.get_object()
        require_change(request.user, case)
        return Response(self._shares(case))

    @staticmethod
    def _shares(case):
        shares = services.case_shares(case)
        return {"teams": shares["teams"], "prosecutors": sorted(u.get_username() for u in shares["prosecutors"])}

    @extend_schema(
        summary="The case with everything hanging off it that the user may see, as one JSON document",
        description="A case with possible victims the user may see needs a justification, as reading their "
        f"records does (`{JUSTIFICATION_HEADER}` or `{JUSTIFICATION_PARAMETER}`); without one the answer is 428. "
        "The suspects and victims in the bundle are named in the audit trail, as a disclosure.",
        parameters=VICTIM_READ_PARAMETERS,
        responses={200: CaseBundleSerializer, 428: JUSTIFICATION_REQUIRED},
    )
    @action(detail=True, methods=["get"])
    def bundle(self, request, pk=None):
        case = self.get_object()
        # The bundle holds the victims' whole records: the same reason as for reading them one by one.
        victims = PossibleVictim.objects.visible_to(request.user).filter(case=case).exists()
        justification = victim_justification(request, required=victims)
        return Response(case_bundle(user=request.user, case=case, request=request, justification=justification))


# --- what hangs off a case ---------------------------------------------------------------------------


@finding_schema("suspects", SuspectSerializer, SuspectCreateSerializer, SuspectUpdateSerializer)
class SuspectViewSet(FindingViewSet):
    """Potential perpetrators. Seen by other teams when their case is shared."""

    model = Suspect
    persons = True
    export_kind = "suspects"
    serializer_class = SuspectSerializer
    create_serializer_class = SuspectCreateSerializer
    update_serializer_class = SuspectUpdateSerializer
    filterset_class = SuspectFilter

    def perform_create(self, data):
        return services.suspect_log(user=self.request.user, **data), True


@finding_schema("possible victims", VictimSerializer, VictimCreateSerializer, VictimUpdateSerializer,
                extra={"retrieve": VICTIM_READ, "list": VICTIM_LIST, "export": VICTIM_EXPORT})
class VictimViewSet(FindingViewSet):
    """Possible victims, known by a pseudonymous code. Seen by other teams when their case is shared.

    Reading one record needs a justification (``X-Justification`` or ``?justification=``), recorded in the
    audit trail; the API keeps no session, so every read brings its own.
    """

    model = PossibleVictim
    persons = True
    export_kind = "victims"
    serializer_class = VictimSerializer
    create_serializer_class = VictimCreateSerializer
    update_serializer_class = VictimUpdateSerializer
    filterset_class = VictimFilter

    def perform_create(self, data):
        return services.victim_log(user=self.request.user, **data), True

    def justification(self, request) -> str:
        return victim_justification(request)


@finding_schema("detected URLs", UrlSerializer, UrlCreateSerializer, UrlUpdateSerializer)
class UrlViewSet(FindingViewSet):
    """Detected URLs, stored canonical and once per team; shared with the whole operation."""

    model = DetectedUrl
    export_kind = "urls"
    serializer_class = UrlSerializer
    create_serializer_class = UrlCreateSerializer
    update_serializer_class = UrlUpdateSerializer
    filterset_class = UrlFilter
    select = ("operation", "created_by", "platform")
    prefetch = ("indicators",)

    def perform_create(self, data):
        return services.url_log(
            user=self.request.user, operation=data["operation"], raw_url=data["url"], case=data.get("case"),
            note=data.get("note", ""),
        )


@finding_schema("social accounts", SocialAccountSerializer, SocialAccountCreateSerializer,
                SocialAccountUpdateSerializer)
class SocialAccountViewSet(FindingViewSet):
    """Accounts on a platform (handles), once per team; shared with the whole operation."""

    model = SocialAccount
    export_kind = "social-accounts"
    serializer_class = SocialAccountSerializer
    create_serializer_class = SocialAccountCreateSerializer
    update_serializer_class = SocialAccountUpdateSerializer
    filterset_class = SocialAccountFilter
    select = ("operation", "created_by", "platform")

    def perform_create(self, data):
        return services.account_log(user=self.request.user, **data)


@finding_schema("locations", LocationSerializer, LocationCreateSerializer, LocationUpdateSerializer)
class LocationViewSet(FindingViewSet):
    """Places an advert or a possible victim points to; seen by other teams when their case is shared."""

    model = Location
    export_kind = "locations"
    serializer_class = LocationSerializer
    create_serializer_class = LocationCreateSerializer
    update_serializer_class = LocationUpdateSerializer
    filterset_class = LocationFilter

    def perform_create(self, data):
        return services.location_log(user=self.request.user, **data)


# --- reference data --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The indicator taxonomy"), retrieve=extend_schema(summary="One indicator")
)
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The indicator taxonomy: the codes cases and URLs take."""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering = ("code",)
    filterset_fields = ["exploitation_type", "active"]
