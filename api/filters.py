"""Filter types every API list uses: ids as plain numbers, moments in ISO 8601 compared in UTC, ids of
other records resolved through the access rule first — and the backend that reads them strictly.

A filter that names another record (``?case=12``, ``?operation=3``, ``?suspect=7``) is a
``VisibleIdFilter``: the id is looked up in ``Model.objects.visible_to(user)`` of the record it names
before anything is filtered, and a record the user may not see filters to nothing, exactly like one
that does not exist. Without it a list of records the user may see (URLs are shared with the whole
operation) answers "which of them hang off hidden case 8", and counting through ``?case=1..N`` maps
every hidden case.
"""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.drainage import set_override
from rest_framework import exceptions

# Ids are PostgreSQL bigints (and SQLite integers): anything above is no record, and a 400 says so.
MAX_ID = 2**63 - 1
EMPTY_VALUE = "Give a value, or leave the parameter out."
BOOLEAN_VALUE = "Give true or false."


def id_schema(description: str = "", minimum: int = 1) -> dict:
    schema = {"type": "integer", "format": "int64", "minimum": minimum, "maximum": MAX_ID}
    return {**schema, "description": description} if description else schema


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number from 1 to 2^63 − 1; anything else is a 400 with a field error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # Documented as what it takes (an integer in range), not as django-filter's "number".
        set_override(self, "field", id_schema(self.extra.get("help_text", ""), self.extra["min_value"]))


class VisibleIdFilter(IdFilter):
    """The id of another record, resolved through that record's ``visible_to`` first.

    ``model`` is the record named; ``visible(user)``, when the records a user may name are not the
    model's ``visible_to`` (an auditor names any operation); ``via(queryset, value)`` narrows when a
    field name cannot say how (a hit names an operation on either side). A hidden id and an unknown id
    both filter to nothing.
    """

    def __init__(self, *args, model, visible=None, via=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.visible = visible or (lambda user: model.objects.visible_to(user))
        self.via = via

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if not self.visible(self.parent.request.user).filter(pk=value).exists():
            return qs.none()
        return self.via(qs, value) if self.via else super().filter(qs, value)


class _UtcDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        # In UTC: the database refuses offsets beyond ±15:59 that ISO 8601 allows.
        try:
            return value.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Enter a moment between the years 1 and 9999.", code="invalid") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (e.g. 2026-11-23T08:00:00Z), compared in UTC."""

    field_class = _UtcDateTimeField


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter sent without a value is refused, not ignored:
    ``?created_after=`` is a script's mistake (an empty variable), and answering the unfiltered list
    to it would hand out what the script meant to leave out. A yes/no filter takes true or false only."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, field in filterset_class.base_filters.items():
                values = request.query_params.getlist(name)
                if any(v == "" for v in values):
                    errors[name] = [EMPTY_VALUE]
                elif isinstance(field, django_filters.BooleanFilter) and not set(values) <= {"true", "false"}:
                    # django-filter reads "yes", "1", "True" and ignores the rest; the schema says true or false.
                    errors[name] = [BOOLEAN_VALUE]
            if errors:
                raise exceptions.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
