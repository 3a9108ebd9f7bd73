"""Evidence files in the API: upload (hashed while it streams), list, read, download as an attachment."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import ErrorSerializer
from api.filters import VisibleIdFilter
from audit.consultation import HEADER as JUSTIFICATION_HEADER
from audit.consultation import QUERY_PARAMETER as JUSTIFICATION_PARAMETER
from findings.api import FindingViewSet, finding_schema
from findings.api_justification import VICTIM_READ_PARAMETERS, victim_justification
from findings.filters import CaseLinkedFilter
from findings.models import DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect

from .downloads import evidence_response
from .serializers import EvidenceCreateSerializer, EvidenceSerializer, EvidenceUpdateSerializer
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
