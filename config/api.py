"""What every endpoint of the API under /api/v1/ shares: authentication, paging, one error shape,
one transaction per write, the Idempotency-Key header, and how all of it is documented.

The resources themselves live beside their models (``operations/api.py``, ``findings/api.py``, …)
and are registered in ``config/api_urls.py``. No access rule lives here: reads go through
``visible_to``, writes through the service functions, which raise ``PermissionDenied`` and
``ValidationError``; ``exception_handler`` turns those into answers.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular import authentication
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, views, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from . import api_defaults, idempotency

# --- tokens ------------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    created = serializers.DateTimeField()


# --- the one error shape -------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a stable ``code`` for scripts and a ``detail`` for people."""

    code = serializers.CharField(help_text="not_found, permission_denied, invalid, not_authenticated, …")
    detail = serializers.CharField()

    def get_fields(self):
        # "fields" is a Serializer attribute, so the key is added here rather than declared.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Per input field, what is wrong with it (nested fields as `parent.child`).",
        )
        return fields


class EditConflictErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(help_text="Send this version with your changes to save them.")
    current = serializers.DictField(help_text="The record as it is now.")


def error_body(code: str, detail: str, **extra) -> dict:
    return {"code": code, "detail": detail, **extra}


def _flatten(errors, prefix="") -> dict[str, list[str]]:
    """DRF's nested error details as {"field": [...], "parent.child": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = "non_field_errors" if key in (NON_FIELD_ERRORS, "non_field_errors") else str(key)
            for sub, messages in _flatten(value, f"{prefix}{name}.").items():
                flat.setdefault(sub, []).extend(messages)
    elif isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        for index, value in enumerate(errors):
            for sub, messages in _flatten(value, f"{prefix}{index}.").items():
                flat.setdefault(sub, []).extend(messages)
    else:
        messages = errors if isinstance(errors, list) else [errors]
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(m) for m in messages]
    return flat


def _validation_body(fields: dict[str, list[str]]) -> dict:
    parts = [(m if name == "non_field_errors" else f"{name}: {m}") for name, ms in fields.items() for m in ms]
    detail = " ".join(parts) or "The request is not valid."
    if list(fields) == ["non_field_errors"]:
        return error_body("invalid", detail)
    return error_body("invalid", detail, fields={k: v for k, v in fields.items() if k != "non_field_errors"})


def exception_handler(exc, context):
    """Map the domain's exceptions and DRF's own to one shape; anything else is a 500 (None)."""
    from findings.services import EditConflict  # late: settings load this module before the apps

    if isinstance(exc, EditConflict):
        from findings.serializers import CaseSerializer

        current = CaseSerializer(exc.current, context={"request": context.get("request")}).data
        body = error_body("edit_conflict", exc.messages[0], current_version=exc.current.version, current=current)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return Response(_validation_body(_flatten(exc.message_dict)), status=status.HTTP_400_BAD_REQUEST)
        return Response(error_body("invalid", " ".join(exc.messages)), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = _validation_body(_flatten(exc.detail))
    elif isinstance(exc, exceptions.NotFound):
        body = error_body("not_found", "Not found.")  # one answer for "does not exist" and "not yours"
    else:
        detail = exc.detail
        if not isinstance(detail, str):
            detail = " ".join(m for ms in _flatten(detail).values() for m in ms)
        body = error_body(getattr(exc.detail, "code", None) or exc.default_code, str(detail))
    return Response(body, status=exc.status_code, headers=headers)


# --- the base of every endpoint ---------------------------------------------------------------------


class ApiMixin:
    """A write (any method but GET/HEAD/OPTIONS) runs in one transaction: an error answer rolls all of
    it back. A POST with an ``Idempotency-Key`` header is answered once; a retry replays that answer.
    """

    honours_idempotency_key = True

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and self.honours_idempotency_key:
            self.idempotency_record = idempotency.claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            if response.status_code >= 400:
                transaction.set_rollback(True)
            else:
                idempotency.remember(getattr(self, "idempotency_record", None), response)
        return response


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    pass


class ApiView(ApiMixin, views.APIView):
    pass


@csrf_exempt  # it changes nothing, whatever the method: a POST to a wrong address is a 404, not a CSRF 403
def not_found(request, *args, **kwargs):
    """Any other path under /api/: the API's own 404, not the site's HTML page."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)


# --- documentation ---------------------------------------------------------------------------------

_ERROR_DESCRIPTIONS = {
    "400": "The request is not valid: `fields` says what is wrong with which input (or query parameter).",
    "401": "No credentials, or credentials that are not valid (`Authorization: Token <key>`).",
    "403": "Authenticated, but not allowed to do this (the operation is read-only, the record is another "
    "team's, prosecutors never write, or the CSRF token of a session is missing).",
    "404": "No such record — or one the user may not see: both get the same answer.",
    "422": "This Idempotency-Key was already used for a different request.",
}


class SessionScheme(authentication.SessionScheme):
    """Our session authentication (it also requires the second factor) is documented as a session cookie."""

    target_class = "config.api_defaults.SessionAuthentication"


_STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy", None}


class AutoSchema(SpectacularAutoSchema):
    """Documents what every endpoint shares: the error answers and the Idempotency-Key header."""

    def get_operation_id(self):
        # An action reads as what it does: cases_refer, platform_checks_finish, urls_export.
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) not in _STANDARD_ACTIONS:
            operation_id = operation_id.removesuffix("_create").removesuffix("_retrieve")
        return operation_id

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and getattr(self.view, "honours_idempotency_key", False):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Any unique string (a UUID) of at most 255 characters. A retry with the same "
                    "key gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if self.method not in SAFE_METHODS or self._get_filter_parameters() or self._get_pagination_parameters():
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        if self.method == "POST" and getattr(self.view, "honours_idempotency_key", False):
            codes.append("422")
        for code in codes:
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


# --- the token endpoint ------------------------------------------------------------------------------


class TokenView(ApiView):
    """The API token of the user who is logged in: scripts authenticate with it."""

    honours_idempotency_key = False  # a replay would hand out a token that has since been replaced

    @extend_schema(
        operation_id="token_create",
        request=None,
        responses={201: TokenSerializer},
        summary="Issue a new API token",
        description="Replaces any token the user had: the old one stops working at once.",
    )
    def post(self, request):
        if not api_defaults.may_have_token(request.user):
            raise exceptions.PermissionDenied("This account may not use API tokens.")
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
        return Response({"token": token.key, "created": token.created}, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="token_destroy", request=None, responses={204: None}, summary="Revoke the API token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
