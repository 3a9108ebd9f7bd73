"""How the API documents what every endpoint shares: the error answers, the Idempotency-Key header,
readable operation ids, and our session authentication (drf-spectacular)."""

from drf_spectacular import authentication
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from .base import ErrorSerializer
from .idempotency import KEY_PATTERN, MAX_KEY_LENGTH

_ERROR_DESCRIPTIONS = {
    "400": "The request is not valid: `fields` says what is wrong with which input (or query parameter).",
    "401": "No credentials, or credentials that are not valid (`Authorization: Token <key>`).",
    "403": "Authenticated, but not allowed to do this (the operation is read-only, the record is another "
    "team's, prosecutors never write, or the CSRF token of a session is missing).",
    "404": "No such record — or one the user may not see: both get the same answer.",
    "404-list": "The `cursor` points to no page of this list: start again from the first page, without it.",
    "415": "The body is not in a media type this endpoint reads (`application/json`, or `multipart/form-data` "
    "for the uploads).",
    "409": "The record's current state does not allow this (a status move it cannot make from where it is): "
    "`detail` says from where to where.",
    "422": "This Idempotency-Key was already used for a different request.",
}


class SessionScheme(authentication.SessionScheme):
    """Our session authentication (it also requires the second factor) is documented as a session cookie."""

    target_class = "api.auth.SessionAuthentication"


# What the code refuses in any text, said in the schema: NUL characters (no database column holds
# them), and, where a text may not be blank, one that is only spaces (it is trimmed, then blank).
NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"

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
                    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
                    OpenApiParameter.HEADER,
                    required=False,
                    description=f"A unique string (a UUID) of 1 to {MAX_KEY_LENGTH} printable ASCII characters, "
                    "not starting or ending with a space. A retry with the same key (same user, within 24 hours) "
                    "gets the first answer again, with `Idempotent-Replayed: true`, and changes nothing; the "
                    "same key with a different request is refused (422).",
                )
            )
        return parameters

    def _get_filter_parameters(self):
        # A filter sent without a value is refused (api.filters.StrictFilterBackend): say so.
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                schema.setdefault("minLength", 1)
                schema.setdefault("pattern", NO_NUL)
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request" and type(field) is serializers.CharField
            and schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema)
        ):
            schema["pattern"] = NO_NUL if field.allow_blank or not field.trim_whitespace else NOT_BLANK
        if direction == "request" and isinstance(field, serializers.FileField) and not field.allow_empty_file:
            schema["minLength"] = 1  # an empty file is refused
        return schema

    def _get_request_body(self, direction="request"):
        # A body of one of several shapes (a report of each kind) is required all the same.
        body = super()._get_request_body(direction)
        if body and isinstance(self.get_request_serializer(), PolymorphicProxySerializer):
            body["required"] = True
        return body

    def _map_basic_serializer(self, serializer, direction):
        # Request bodies take no field they do not list (api.serializers.StrictSerializer refuses it).
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        paginated = bool(self._get_pagination_parameters())
        if self.method not in SAFE_METHODS or self._get_filter_parameters() or paginated:
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        elif paginated:
            codes.append("404-list")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if self.method == "POST" and getattr(self.view, "action", None) not in _STANDARD_ACTIONS:
            codes.append("409")  # an action on a record: a transition its state may refuse
        if self.method == "POST" and getattr(self.view, "honours_idempotency_key", False):
            codes.append("422")
        for key in codes:
            code = key.split("-")[0]
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[key])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
