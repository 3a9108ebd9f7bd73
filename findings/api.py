"""The findings resources of the API: cases, suspects, victims, URLs, social accounts, evidence.

Thin: every read starts from ``Model.objects.visible_to(request.user)`` (so another team's
record is "not found", like a missing one), every write is one service call of
``findings.services`` — the same functions the pages call — and every transition is an action
(``POST /cases/{id}/refer/``). Errors come back in the one shape of ``config.api``.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from audit.consultation import HEADER as JUSTIFICATION_HEADER
from audit.consultation import MAX_LENGTH as JUSTIFICATION_MAX_LENGTH
from audit.consultation import MIN_LENGTH as JUSTIFICATION_MIN_LENGTH
from audit.consultation import QUERY_PARAMETER as JUSTIFICATION_PARAMETER
from audit.consultation import clean_justification, record_consultation
from config.api import ApiViewSet, EditConflictErrorSerializer, ErrorSerializer
from operations.access import require_change

from . import services
from .evidence import EvidenceSizeLimitHandler, evidence_attach, size_limit_message
from .exports import case_bundle, export_csv
from .filters import CaseFilter, EvidenceFilter, SocialAccountFilter, SuspectFilter, UrlFilter, VictimFilter
from .models import Case, DetectedUrl, Evidence, Indicator, PossibleVictim, SocialAccount, Suspect
from .serializers import (
    CaseBundleSerializer,
    CaseCreateSerializer,
    CaseReferSerializer,
    CaseSerializer,
    CaseShareSerializer,
    CaseSharesSerializer,
    CaseUpdateSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    IndicatorSerializer,
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

CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8), a header row first.")


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    # List, read, export and delete one kind of finding; subclasses add create and update.

    model = None
    export_kind = ""
    select = ("operation", "created_by")
    prefetch = ()
    create_serializer_class = None
    update_serializer_class = None
    ordering = ("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Only for the documentation (integer ids); requests read through get_queryset.
        cls.queryset = cls.model.objects.none()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user).select_related(*self.select)
        return queryset.prefetch_related(*self.prefetch) if self.prefetch else queryset

    def get_serializer_class(self):
        # The browsable API asks with the method of the form it draws, on the list or detail page.
        method = getattr(self.request, "method", "")
        if self.create_serializer_class and (self.action == "create" or (self.action, method) == ("list", "POST")):
            return self.create_serializer_class
        if self.update_serializer_class and (
            self.action == "partial_update" or (self.action, method) == ("retrieve", "PATCH")
        ):
            return self.update_serializer_class
        return self.serializer_class

    def parsed(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, record, status_code=status.HTTP_200_OK):
        """The record as the user now sees it, read back through the access rule."""
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.serializer_class(record, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = self.parsed()
        case = data.get("case")
        if case is not None:
            require_change(request.user, case)  # adding to a case is changing it
        record, created = self.perform_create(data)
        return self.answer(record, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        require_change(request.user, record)  # also when the body changes nothing: no "OK" to a reader
        data = self.parsed()
        missing = object()
        case = data.pop("case", missing)
        indicators = data.pop("indicators", None)
        if data:
            record = services.finding_update(user=request.user, finding=record, **data)
        if case is not missing and case != record.case:
            record = services.link_to_case(user=request.user, finding=record, case=case)
        if indicators is not None:
            services.indicators_set(user=request.user, finding=record, indicators=indicators)
        return self.answer(record)

    def retrieve(self, request, *args, **kwargs):
        """One record, and the consultation recorded in the audit trail."""
        record = self.get_object()
        record_consultation(user=request.user, obj=record, summary=f"{record._meta.verbose_name} read through the API",
                            justification=self.justification(request))
        return Response(self.get_serializer(record).data)

    def justification(self, request) -> str:
        """Why the record is read; only victims' records ask (see VictimViewSet)."""
        return ""

    def destroy(self, request, *args, **kwargs):
        services.finding_delete(user=request.user, finding=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, data):
        raise NotImplementedError

    @action(detail=False, methods=["get"])
    def export(self, request, *args, **kwargs):
        """Everything of this list the user may see, with the list's filters, as CSV."""
        queryset = self.filter_queryset(self.get_queryset())
        lines = export_csv(user=request.user, kind=self.export_kind, queryset=queryset)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="actionday-{self.export_kind}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response


def finding_schema(name, output, create=None, update=None, extra=None):
    """The documentation of a finding resource's standard endpoints."""
    views = {
        "list": extend_schema(summary=f"List the {name} the user may see"),
        "retrieve": extend_schema(summary=f"Read one of the {name}"),
        "destroy": extend_schema(summary=f"Delete one of the {name} logged in error"),
        "export": extend_schema(
            summary=f"Export the {name} the user may see as CSV",
            filters=True,
            responses={(200, "text/csv"): CSV_RESPONSE},
        ),
    }
    if create:
        views["create"] = extend_schema(
            summary=f"Log one of the {name} for the user's team",
            request=create,
            responses={201: output, 200: OpenApiResponse(output, description="Already logged by the team.")},
        )
    if update:
        views["partial_update"] = extend_schema(summary=f"Change one of the {name}", request=update, responses=output)
    views.update(extra or {})
    return extend_schema_view(**views)


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
        serializer = CaseReferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_refer(user=request.user, case=self.get_object(), **serializer.validated_data)
        return self.answer(case)

    @extend_schema(summary="Record that an investigation was opened", request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="open-investigation")
    def open_investigation(self, request, pk=None):
        return self.answer(services.case_open_investigation(user=request.user, case=self.get_object()))

    @extend_schema(summary="Close the case", request=None, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.answer(services.case_close(user=request.user, case=self.get_object()))

    def _share_target(self, request):
        serializer = CaseShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "team" in data:
            return "team", data["team"]
        prosecutor = get_user_model().objects.filter(username=data["prosecutor"]).first()
        if prosecutor is None:
            # The same words as for a user who is no prosecutor here: names are not probed this way.
            raise ValidationError(f"{data['prosecutor']} is not a prosecutor in this operation.")
        return "prosecutor", prosecutor

    @extend_schema(
        summary="Share the case with a country team or a named prosecutor",
        description="Sharing a case shares what hangs off it. Teams see it to work on it; prosecutors to read it.",
        request=CaseShareSerializer,
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

    @extend_schema(summary="Withdraw a share", request=CaseShareSerializer, responses={200: CaseSharesSerializer})
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
        responses={200: CaseBundleSerializer},
    )
    @action(detail=True, methods=["get"])
    def bundle(self, request, pk=None):
        return Response(case_bundle(user=request.user, case=self.get_object(), request=request))


# --- what hangs off a case ---------------------------------------------------------------------------


@finding_schema("suspects", SuspectSerializer, SuspectCreateSerializer, SuspectUpdateSerializer)
class SuspectViewSet(FindingViewSet):
    """Potential perpetrators. Seen by other teams when their case is shared."""

    model = Suspect
    export_kind = "suspects"
    serializer_class = SuspectSerializer
    create_serializer_class = SuspectCreateSerializer
    update_serializer_class = SuspectUpdateSerializer
    filterset_class = SuspectFilter

    def perform_create(self, data):
        return services.suspect_log(user=self.request.user, **data), True


class JustificationRequired(APIException):
    status_code = 428
    default_code = "justification_required"
    default_detail = (
        f"Reading a possible victim's record needs a justification: say why in the {JUSTIFICATION_HEADER} header "
        f"(ASCII) or the `{JUSTIFICATION_PARAMETER}` query parameter, at least {JUSTIFICATION_MIN_LENGTH} characters. "
        "It is recorded in the audit trail with your name."
    )


VICTIM_READ_PARAMETERS = [
    OpenApiParameter(JUSTIFICATION_HEADER, str, OpenApiParameter.HEADER, required=False,
                     description="Why the record is read (ASCII)."),
    OpenApiParameter(JUSTIFICATION_PARAMETER, str, OpenApiParameter.QUERY, required=False,
                     description=f"Why the record is read, when the {JUSTIFICATION_HEADER} header is not sent."),
]

VICTIM_READ = extend_schema(
    summary="Read one of the possible victims (with a justification)",
    description=(
        "A possible victim's record is read only with a reason, recorded in the audit trail with the reader's name "
        f"(Article 25 of the Law Enforcement Directive): send it in the `{JUSTIFICATION_HEADER}` header or the "
        f"`{JUSTIFICATION_PARAMETER}` query parameter, {JUSTIFICATION_MIN_LENGTH} to {JUSTIFICATION_MAX_LENGTH} "
        "characters. Without one the answer is 428 (`justification_required`); one too short or too long is 400. "
        "A record the user may not see is 404 either way. Name no one in it: the trail keeps it after the record "
        "is erased."
    ),
    parameters=VICTIM_READ_PARAMETERS,
    responses={200: VictimSerializer, 400: ErrorSerializer, 428: ErrorSerializer},
)


@finding_schema("possible victims", VictimSerializer, VictimCreateSerializer, VictimUpdateSerializer,
                extra={"retrieve": VICTIM_READ})
class VictimViewSet(FindingViewSet):
    """Possible victims, known by a pseudonymous code. Seen by other teams when their case is shared.

    Reading one record needs a justification (``X-Justification`` or ``?justification=``), recorded in the
    audit trail; the API keeps no session, so every read brings its own.
    """

    model = PossibleVictim
    export_kind = "victims"
    serializer_class = VictimSerializer
    create_serializer_class = VictimCreateSerializer
    update_serializer_class = VictimUpdateSerializer
    filterset_class = VictimFilter

    def perform_create(self, data):
        return services.victim_log(user=self.request.user, **data), True

    def justification(self, request) -> str:
        return victim_justification(request)


def victim_justification(request) -> str:
    """The reason given for reading a possible victim's record (or its evidence) through the API.

    428 when none is given; ValidationError (400, with the reason) when it says too little or too much.
    """
    text = request.headers.get(JUSTIFICATION_HEADER) or request.query_params.get(JUSTIFICATION_PARAMETER) or ""
    if not text.strip():
        raise JustificationRequired()
    return clean_justification(text)


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


# --- evidence ------------------------------------------------------------------------------------------


@finding_schema(
    "evidence files",
    EvidenceSerializer,
    update=EvidenceUpdateSerializer,
    extra={
        "create": extend_schema(
            summary="Upload an evidence file",
            description="Multipart upload. The server computes the SHA-256 while the file streams in and judges "
            "its type from its content; the file is never changed afterwards.",
            request={"multipart/form-data": EvidenceCreateSerializer},
            responses={201: EvidenceSerializer, 413: ErrorSerializer},
        ),
    },
)
class EvidenceViewSet(FindingViewSet):
    """Stored files with their SHA-256. Never edited or deleted by hand; seen with their case."""

    model = Evidence
    export_kind = "evidence"
    serializer_class = EvidenceSerializer
    create_serializer_class = EvidenceCreateSerializer
    update_serializer_class = EvidenceUpdateSerializer
    filterset_class = EvidenceFilter
    select = ("operation", "created_by", "captured_by")
    ordering = ("-captured_at", "-id")
    # Evidence is never deleted by hand (the retention job erases it).
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_parsers(self):
        if getattr(self.request, "method", None) == "POST":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    def initialize_request(self, request, *args, **kwargs):
        # Before anything reads the body: a file over the limit is cut off, not written to disk.
        self.size_limit = EvidenceSizeLimitHandler(request)
        if request.method == "POST":
            request.upload_handlers.insert(0, self.size_limit)
        return super().initialize_request(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        request.data  # noqa: B018 - reads the body, through the size limit
        if self.size_limit.too_large:
            return Response({"code": "too_large", "detail": size_limit_message()},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        data = self.parsed()
        evidence = evidence_attach(
            user=request.user,
            upload=data["file"],
            finding=data["finding"],
            operation=data.get("operation"),
            description=data.get("description", ""),
            source_url=data.get("source_url", ""),
            captured_at=data.get("captured_at"),
        )
        return self.answer(evidence, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download the evidence file (as an attachment, with its SHA-256 in X-Evidence-SHA256)",
        description=(
            "The evidence of a possible victim needs the same justification as the victim's record, in the "
            f"`{JUSTIFICATION_HEADER}` header or the `{JUSTIFICATION_PARAMETER}` query parameter: without one the "
            "answer is 428 (`justification_required`)."
        ),
        parameters=VICTIM_READ_PARAMETERS,
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY), 400: ErrorSerializer,
                   428: ErrorSerializer},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        from .downloads import evidence_response

        evidence = self.get_object()
        # A possible victim's evidence needs the same justification as the victim's record.
        justification = victim_justification(request) if evidence.victim_id else ""
        # Always an inert attachment: the browser stores it, never renders it here.
        return evidence_response(user=request.user, evidence=evidence, justification=justification,
                                 content_type="application/octet-stream")


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
