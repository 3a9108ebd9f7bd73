"""The import endpoint: ``POST /api/v1/operations/{id}/import/``, a file of findings into an operation."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import ApiView
from operations.models import Operation

from .imports import ImportRejected, import_findings
from .serializers import ImportErrorSerializer, ImportRequestSerializer, ImportResultSerializer


class ImportView(ApiView):
    """Findings of one kind from a CSV or JSON file, all or nothing, into an operation the user belongs to."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="operations_import",
        summary="Import URLs, social accounts, suspects, possible victims or locations from a CSV or JSON file",
        description=(
            "The whole file is checked first; either every row is saved or none is. Problems are listed with "
            "the line each is on. Rows the team holds already are recognised, so importing the same file "
            "twice creates nothing new. CSV: a header row naming the columns; JSON: an array of objects.\n\n"
            "Columns — urls: url, note, case · social-accounts: platform (name or domain), handle, "
            "display_name, note, case · suspects: alias, role, nationality, age_estimate, notes, case · "
            "victims: nationality, sex, age_band, is_minor, notes, case · locations: address, city, country, note, "
            "case (an address or a city in each row). `case` is a case reference (C-…)."
        ),
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            201: ImportResultSerializer,
            200: OpenApiResponse(ImportResultSerializer, description="Nothing new: every row was known."),
            400: OpenApiResponse(ImportErrorSerializer, description="The file was refused: nothing was saved."),
        },
    )
    def post(self, request, pk):
        operation = Operation.objects.visible_to(request.user).filter(pk=pk).first()
        if operation is None:
            raise exceptions.NotFound()
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
