"""What every request body shares: a field the API does not take is refused, never ignored, and a JSON
value is taken only in the type the schema documents (``"notes": 0`` is not a text).

Every serializer that reads a request body is a ``StrictSerializer`` (the shapes of answers need not
be). ``api.schema`` documents the same: request bodies have ``additionalProperties: false``.
"""

from collections.abc import Mapping
from contextvars import ContextVar

from django.http import QueryDict
from rest_framework import exceptions, serializers

UNKNOWN_FIELD = "This field is not taken here."
# A browser's form (the browsable API's upload forms) sends its CSRF token with the fields.
FORM_EXTRAS = {"csrfmiddlewaretoken"}


_READING: ContextVar = ContextVar("api_body_reading", default=None)


class BodyReading:
    """Whether a write request's body was read by a ``StrictSerializer``: ``api.base.ApiMixin`` refuses a
    body that nothing read (sent to a transition or a delete, which take none)."""

    def __init__(self, request):
        self.request = request
        self.read = False
        self._token = _READING.set(self)

    def fields(self) -> list[str]:
        try:
            data = self.request.data
        except exceptions.APIException:  # a body that cannot be parsed is answered as such already
            return []
        if isinstance(data, Mapping):
            return [name for name in data if name not in FORM_EXTRAS]
        return ["non_field_errors"] if data else []

    def close(self):
        if self._token is not None:
            _READING.reset(self._token)
            self._token = None


def body_reading(request) -> BodyReading:
    return BodyReading(request)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def wrong_json_type(field, value) -> str:
    """Why ``value`` is not of the JSON type that ``field`` documents ("" when it is)."""
    if value is None:
        return ""  # the field's own allow_null decides
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "Expected a list."
        return next((wrong_json_type(field.child, item) for item in value if wrong_json_type(field.child, item)), "")
    if isinstance(field, serializers.BooleanField):
        return "" if isinstance(value, bool) else "Expected true or false."
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return "" if _is_int(value) else "Expected a whole number."
    if isinstance(field, serializers.ChoiceField):
        if all(isinstance(key, str) for key in field.choices):
            return "" if isinstance(value, str) else "Expected one of the choices, as text."
        return ""
    if isinstance(field, serializers.CharField | serializers.DateTimeField | serializers.DateField):
        return "" if isinstance(value, str) else "Expected text."
    return ""


# A request body: unknown fields, and JSON values of another type than documented, are a 400. (A comment,
# not a docstring: the schema would show it as the description of every request body.)
class StrictInput:

    def to_internal_value(self, data):
        reading = _READING.get()
        if reading is not None and data is reading.request.data:
            reading.read = True
        if isinstance(data, Mapping):
            writable = {name: field for name, field in self.fields.items() if not field.read_only}
            form = isinstance(data, QueryDict)
            errors = {name: [UNKNOWN_FIELD] for name in data if name not in writable
                      and not (form and name in FORM_EXTRAS)}
            if not form:
                for name, field in writable.items():
                    problem = wrong_json_type(field, data[name]) if name in data else ""
                    if problem:
                        errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictInput, serializers.Serializer):
    pass


class StrictModelSerializer(StrictInput, serializers.ModelSerializer):
    pass
