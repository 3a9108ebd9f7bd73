"""Locations: a place an advert or a possible victim points to (an address or a city, in a country).

A model of the findings app kept in its own module (``findings.models`` imports it): like a
suspect or a victim it hangs off a case and is seen by other teams only when that case is shared —
an address can be someone's home. Stored once per team and operation by its key
(``identifiers.places.location_key``), so that the figures count a place once across teams.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from identifiers.places import location_key
from operations.access import FindingQuerySet
from operations.countries import COUNTRY_CHOICES
from operations.models import TeamOwned


class Location(TeamOwned):
    """A place found during monitoring: an address or a city, and its country."""

    shared_with_operation = False
    case_path = "case_id"

    address = models.CharField(max_length=300, blank=True, help_text="Street and number, or a landmark.")
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, blank=True)
    # The place in canonical form: what the figures count and the once-per-team rule compares.
    key = models.CharField(max_length=600, editable=False, blank=True)
    case = models.ForeignKey("findings.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="locations")
    note = models.TextField(blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta(TeamOwned.Meta):
        ordering = ["country", "city", "address"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "team", "key"], name="location_once_per_team"),
            models.CheckConstraint(condition=~models.Q(address="", city=""), name="location_has_address_or_city",
                                   violation_error_message="Give an address or a city."),
        ]

    def __str__(self):
        return ", ".join(part for part in (self.address, self.city, self.get_country_display()) if part)

    @classmethod
    def shared_case_ids(cls, **kwargs) -> list[int]:
        # The case model holds the shares; it is defined in findings.models, which imports this module.
        return apps.get_model("findings", "Case").shared_case_ids(**kwargs)

    def clean(self):
        self.address, self.city = " ".join(self.address.split()), " ".join(self.city.split())
        if not (self.address or self.city):
            raise ValidationError("Give an address or a city.")
        self.key = location_key(address=self.address, city=self.city, country=self.country)

    def save(self, *args, **kwargs):
        self.key = location_key(address=self.address, city=self.city, country=self.country)
        super().save(*args, **kwargs)
