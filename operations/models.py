"""Who takes part in what: agencies, operations, their participations and user memberships.

`TeamOwned` is the base of every finding: each belongs to one operation and one country team.
The rule about who sees and changes what is in `operations/access.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

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


class OperationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Operations the user is a member of, in any role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def active(self):
        return self.filter(status=Operation.Status.ACTIVE)


class Operation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

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
    # When the retention job erased its personal data (findings/retention.py); its figures are frozen since.
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="operation_ends_after_start"),
        ]

    def __str__(self):
        return self.code

    READ_ONLY_STATUSES = (Status.CLOSED, Status.ARCHIVED)

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
    class Role(models.TextChoices):
        ANALYST = "analyst", "Analyst"
        COORDINATOR = "coordinator", "Coordinator"
        PROSECUTOR = "prosecutor", "Prosecutor"

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
    """A record logged during an operation by one country team."""

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


class IdempotencyKey(models.Model):
    """The first answer to an API POST sent with an ``Idempotency-Key`` header (config/idempotency.py).

    A retry with the same key from the same user gets this answer again and changes nothing. The
    row is written in the same transaction as the request's changes, so either both exist or neither.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body: the same key sent with another request is a client error.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.key} ({self.user_id})"
