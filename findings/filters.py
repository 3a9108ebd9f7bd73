"""Filters of the API's finding lists (django-filter). They only narrow what ``visible_to`` allows.

Related records are filtered by id (``?operation=3&case=12``) as plain numbers: an id outside the
user's reach gives an empty list, never a "no such record" that would tell it exists.
"""

import datetime as dt

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from operations.countries import COUNTRY_CHOICES

from .models import Case, DetectedUrl, Evidence, ExploitationType, PossibleVictim, SocialAccount, Suspect


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


class FindingFilter(django_filters.FilterSet):
    """What every finding list can be filtered by."""

    operation = IdFilter(field_name="operation_id", help_text="Operation id.")
    team = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, help_text="Country team that logged it.")
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte")
    created_before = InstantFilter(field_name="created_at", lookup_expr="lt")


class CaseLinkedFilter(FindingFilter):
    case = IdFilter(field_name="case_id", help_text="Case id.")
    no_case = django_filters.BooleanFilter(field_name="case", lookup_expr="isnull", help_text="Not linked to a case.")


class CaseFilter(FindingFilter):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    exploitation_type = django_filters.ChoiceFilter(choices=ExploitationType.choices)
    handling_code = django_filters.ChoiceFilter(choices=Case.HandlingCode.choices)
    reference = django_filters.CharFilter(lookup_expr="iexact")
    indicator = django_filters.CharFilter(field_name="indicators__code", help_text="Indicator code.", distinct=True)
    focus_tag = django_filters.CharFilter(field_name="focus_tags__name", help_text="Focus tag name.", distinct=True)

    class Meta:
        model = Case
        fields = []


class SuspectFilter(CaseLinkedFilter):
    role = django_filters.ChoiceFilter(choices=Suspect.Role.choices)
    nationality = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    alias = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Suspect
        fields = []


class VictimFilter(CaseLinkedFilter):
    nationality = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    sex = django_filters.ChoiceFilter(choices=PossibleVictim.Sex.choices)
    age_band = django_filters.ChoiceFilter(choices=PossibleVictim.AgeBand.choices)
    is_minor = django_filters.BooleanFilter()
    code = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = PossibleVictim
        fields = []


class UrlFilter(CaseLinkedFilter):
    host = django_filters.CharFilter(lookup_expr="iexact")
    platform = IdFilter(field_name="platform_id", help_text="Platform id.")
    indicator = django_filters.CharFilter(field_name="indicators__code", help_text="Indicator code.", distinct=True)

    class Meta:
        model = DetectedUrl
        fields = []


class SocialAccountFilter(CaseLinkedFilter):
    platform = IdFilter(field_name="platform_id", help_text="Platform id.")
    handle = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SocialAccount
        fields = []


class EvidenceFilter(CaseLinkedFilter):
    sha256 = django_filters.CharFilter(lookup_expr="iexact")
    content_type = django_filters.CharFilter()
    suspect = IdFilter(field_name="suspect_id")
    victim = IdFilter(field_name="victim_id")
    url = IdFilter(field_name="url_id")
    account = IdFilter(field_name="account_id")

    class Meta:
        model = Evidence
        fields = []
