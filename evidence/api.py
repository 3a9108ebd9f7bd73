"""Evidence files in the API: upload (hashed while it streams), list, read, download as an attachment;
page captures: ask for them, follow them, retry them."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import ApiViewSet, ErrorSerializer
from api.filters import VisibleIdFilter
from audit.consultation import HEADER as JUSTIFICATION_HEADER
from audit.consultation import QUERY_PARAMETER as JUSTIFICATION_PARAMETER
from findings.api import FindingViewSet, finding_schema
from findings.api_justification import VICTIM_READ_PARAMETERS, victim_justification
from findings.filters import CaseLinkedFilter
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from operations.record_api import FindingFilter
from platforms.models import PlatformCheck

from .capturing import capture_request, capture_retry, captures_request_for_case, captures_request_for_check
from .downloads import evidence_response
from .models import Capture
from .serializers import (
    CaptureBatchSerializer,
    CaptureRequestSerializer,
    CaptureSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
)
from .services import EvidenceSizeLimitHandler, evidence_attach, size_limit_message


class EvidenceFilter(CaseLinkedFilter):
    sha256 = django_filters.CharFilter(lookup_expr="iexact")
    content_type = django_filters.CharFilter()
    suspect = VisibleIdFilter(model=Suspect, field_name="suspect_id", help_text="Suspect id.")
    victim = VisibleIdFilter(model=PossibleVictim, field_name="victim_id", help_text="Possible victim id.")
    url = VisibleIdFilter(model=DetectedUrl, field_name="url_id", help_text="Detected URL id.")
    account = VisibleIdFilter(model=SocialAccount, field_name="account_id", help_text="Social account id.")

    class Meta:
        model = Evidence
        fields = []


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
        evidence = self.get_object()
        # A possible victim's evidence needs the same justification as the victim's record.
        justification = victim_justification(request, required=bool(evidence.victim_id))
        # Always an inert attachment: the browser stores it, never renders it here.
        return evidence_response(user=request.user, evidence=evidence, justification=justification,
                                 content_type="application/octet-stream")


# --- page captures -----------------------------------------------------------------------------------


class CaptureFilter(FindingFilter):
    url = VisibleIdFilter(field_name="url_id", model=DetectedUrl, help_text="URL finding id.")
    case = VisibleIdFilter(field_name="url__case_id", model=Case, help_text="Case id (the captures of its URLs).")
    platform_check = VisibleIdFilter(field_name="platform_check_id", model=PlatformCheck,
                                     help_text="Platform check id.")
    status = django_filters.ChoiceFilter(choices=Capture.Status.choices)

    class Meta:
        model = Capture
        fields = []


def _own_origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@extend_schema_view(
    list=extend_schema(summary="List the page captures the user may see (those of URLs of cases they see)"),
    retrieve=extend_schema(summary="One page capture: follow its status and progress until it is done or failed"),
    create=extend_schema(
        summary="Capture pages: of a URL finding, of every URL of a case, or of addresses met on a platform check",
        description="Give exactly one of `url`, `case` or `platform_check` (with `addresses`, which are logged as "
        "URLs of your team first). Only who may change the URL (its team, the operation's coordinators) may have "
        "it captured. A worker's headless Chromium saves each page — screenshot, rendered HTML, MHTML, WARC, "
        "TLS details — and stores the files as evidence of the URL with their SHA-256; the manifest's SHA-256 "
        "goes into the audit trail. The answer (202) lists the queued captures; read each until `status` is "
        "`done` or `failed` (with `reason`). A capture of the same URL already under way is returned, not "
        "repeated.",
        request=CaptureRequestSerializer,
        responses={202: CaptureBatchSerializer, 400: ErrorSerializer},
    ),
    retry=extend_schema(summary="Queue a failed capture again", request=None,
                        responses={202: CaptureSerializer, 400: ErrorSerializer}),
)
class CaptureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Page captures: their progress, and once done their files (evidence) and manifest hash."""

    queryset = Capture.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = CaptureSerializer
    filterset_class = CaptureFilter
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return Capture.objects.visible_to(self.request.user).select_related("url", "created_by") \
            .prefetch_related("files")

    def get_serializer_class(self):
        return CaptureRequestSerializer if self.action == "create" else CaptureSerializer

    def _accepted(self, captures, serializer):
        ids = [c.pk for c in captures]
        fresh = {c.pk: c for c in self.get_queryset().filter(pk__in=ids)}
        context = self.get_serializer_context()
        if serializer is CaptureSerializer:
            return Response(CaptureSerializer(fresh[ids[0]], context=context).data, status=status.HTTP_202_ACCEPTED)
        data = {"captures": CaptureSerializer([fresh[i] for i in ids], many=True, context=context).data}
        return Response(data, status=status.HTTP_202_ACCEPTED)

    def create(self, request, *args, **kwargs):
        form = CaptureRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data, origin = form.validated_data, _own_origin(request)
        if data.get("url") is not None:
            captures = [capture_request(user=request.user, url=data["url"], own_origin=origin)]
        elif data.get("case") is not None:
            captures = captures_request_for_case(user=request.user, case=data["case"], own_origin=origin)
        else:
            captures = captures_request_for_check(user=request.user, check=data["platform_check"],
                                                  addresses="\n".join(data["addresses"]), own_origin=origin)
        return self._accepted(captures, CaptureBatchSerializer)

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self._accepted([capture_retry(user=request.user, capture=self.get_object())], CaptureSerializer)
