"""Filters of the API's finding lists (django-filter). They only narrow what ``visible_to`` allows.

Related records are filtered by id (``?operation=3&case=12``), each resolved through the access rule
of the record it names first (``api.filters.VisibleIdFilter``): an id outside the user's reach gives
an empty list, exactly like an id that does not exist. Platforms and indicators are reference data
that everyone sees.
"""

import django_filters

from api.filters import IdFilter, VisibleIdFilter
from operations.countries import COUNTRY_CHOICES, NATIONALITY_CHOICES
from operations.record_api import FindingFilter

from .models import Case, DetectedUrl, ExploitationType, Location, PossibleVictim, SocialAccount, Suspect


class CaseLinkedFilter(FindingFilter):
    case = VisibleIdFilter(model=Case, field_name="case_id", help_text="Case id.")
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
    nationality = django_filters.ChoiceFilter(choices=NATIONALITY_CHOICES)
    alias = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Suspect
        fields = []


class VictimFilter(CaseLinkedFilter):
    nationality = django_filters.ChoiceFilter(choices=NATIONALITY_CHOICES)
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


class LocationFilter(CaseLinkedFilter):
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    city = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Location
        fields = []
