"""Who takes part in what: agencies, operations, their participations and user memberships.

`TeamOwned` is the base of every finding: each belongs to one operation and one country team.
The rule about who sees and changes what is in `operations/access.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .access import OperationQuerySet
from .choices import READ_ONLY_STATUSES, OperationStatus, Role
from .countries import COUNTRY_CHOICES


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        PROSECUTION = "prosecution", "Prosecution"
        LABOUR_INSPECTORATE = "labour_inspectorate", "Labour inspectorate"
        BORDER_GUARD = "border_guard", "Border guard"
        EU_AGENCY = "eu_agency", "EU agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Blank for EU bodies (Europol, Eurojust), which belong to no country.
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, blank=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="agency_unique_name_country")]

    def __str__(self):
        return f"{self.name} ({self.country})" if self.country else self.name


class Operation(models.Model):
    Status = OperationStatus

    code = models.SlugField(max_length=40, unique=True, help_text="Short public code, e.g. THB-AW-2025.")
    name = models.CharField(max_length=200)
    crime_focus = models.CharField(max_length=200, default="Trafficking in human beings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_operations")
    agencies = models.ManyToManyField(Agency, through="Participation", related_name="operations")
    created_at = models.DateTimeField(default=timezone.now)
    # The figures the coordinator publishes, in order (keys of reports.statistics.FIGURES).
    headline_figures = models.JSONField(default=list, blank=True)
    # When the operation was last closed (the retention period runs from here; the end date when unset).
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the retention job erased its personal data (retention/services.py); its figures are frozen since.
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="operation_ends_after_start"),
        ]

    def __str__(self):
        return self.code

    READ_ONLY_STATUSES = READ_ONLY_STATUSES

    @property
    def is_read_only(self) -> bool:
        """Closed and archived operations accept no more writes."""
        return self.status in self.READ_ONLY_STATUSES


class FocusTag(models.Model):
    """A focus of an operation ("Ukrainian refugees"); checks and cases carry them, figures split by them."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="focus_tags")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["operation", "name"], name="focus_tag_unique_in_operation")]

    def __str__(self):
        return self.name


class Participation(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="participations")
    experts = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "agency"], name="participation_unique_agency"),
        ]

    def __str__(self):
        return f"{self.agency} in {self.operation}"


class Membership(models.Model):
    Role = Role

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    team = models.CharField(max_length=2, choices=COUNTRY_CHOICES, help_text="The country team the user works for.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="members")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "operation"], name="membership_one_per_operation"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.team}) in {self.operation}"


class TeamOwned(models.Model):
    """A record logged during an operation by one country team (a finding, in the design's words).

    What the access rule (``operations.access``) asks of each kind of record:

    - ``shared_with_operation``: every team of the operation sees it (platform checks, URLs, accounts);
    - ``case_path``: the path to the case it hangs off ("pk" for a case itself), if it hangs off one;
    - ``shared_case_ids(...)``: the ids of the cases shared with a team or a person — given by the
      model that holds the shares (the case), so that the rule needs no import of it.
    """

    shared_with_operation = False
    case_path = None

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        # The country-team rule is a plain indexed filter: operation first, then team; then the
        # time, so that a team's newest records are read straight off the index (the workspace list).
        indexes = [models.Index(fields=["operation", "team", "created_at"], name="%(class)s_op_team_time")]

    @classmethod
    def shared_case_ids(cls, *, operation_ids, group_name: str = "", user=None) -> list[int]:
        """The ids of the cases of ``operation_ids`` shared with the group or the user (none by default)."""
        return []
