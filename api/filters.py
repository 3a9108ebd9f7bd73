"""Filter types every API list uses: ids as plain numbers, moments in ISO 8601 compared in UTC."""

import datetime as dt

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


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
