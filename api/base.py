"""What every endpoint of the API under /api/v1/ shares: one error shape, one transaction per write,
and the Idempotency-Key header. Authentication and paging are in ``api.auth`` and ``api.paging``,
the documentation of all of it in ``api.schema``.

The resources themselves live beside their models (``operations/api.py``, ``findings/api.py``, …)
and are registered in ``config/api_urls.py``. No access rule lives here: reads go through
``visible_to``, writes through the service functions, which raise ``PermissionDenied`` and
``ValidationError``; ``exception_handler`` turns those into answers. Nothing here knows a domain
app: an app with an error of its own (the edit conflict of a case) answers it in its own views.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status, views, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from . import idempotency
from .serializers import UNKNOWN_FIELD, body_reading

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


class StateConflict(DjangoValidationError):
    """A request the record's current state refuses (a move its status does not allow): 409, not 400 —
    the request is well formed, and may succeed once the record is in another state."""


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
    """Map Django's exceptions and DRF's own to one shape; anything else is a 500 (None)."""
    if isinstance(exc, StateConflict):
        return Response(error_body("conflict", " ".join(exc.messages)), status=status.HTTP_409_CONFLICT)
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
            self.idempotency_record = idempotency.claim(request)  # a replay answers here, body read or not
        if request.method not in SAFE_METHODS:
            self.body_reading = body_reading(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        reading = getattr(self, "body_reading", None)
        if reading is not None:
            reading.close()
            if response.status_code < 400 and not reading.read and reading.fields():
                # An endpoint that takes no body (a transition, a delete) was sent one: refused like any field
                # the API does not take, and what the request did is rolled back with the error answer.
                fields = {name: [UNKNOWN_FIELD] for name in reading.fields()}
                response = Response(_validation_body(fields), status=status.HTTP_400_BAD_REQUEST)
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            if response.status_code >= 400:
                transaction.set_rollback(True)
            else:
                idempotency.remember(getattr(self, "idempotency_record", None), response)
        return response


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    # Ids are digits and nothing else: "12%0A" is no address of record 12 (any other address under /api/
    # is the API's 404).
    lookup_value_regex = "[0-9]+"


class ApiView(ApiMixin, views.APIView):
    pass


@csrf_exempt  # it changes nothing, whatever the method: a POST to a wrong address is a 404, not a CSRF 403
def not_found(request, *args, **kwargs):
    """Any other path under /api/: the API's own 404, not the site's HTML page."""
    return JsonResponse(error_body("not_found", "Not found."), status=404)


