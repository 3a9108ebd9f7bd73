"""The platform catalogue, and each team's monitoring of a platform during an operation."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from operations.access import FindingQuerySet
from operations.models import TeamOwned


class Platform(models.Model):
    class Category(models.TextChoices):
        SOCIAL_MEDIA = "social_media", "Social media"
        DATING = "dating", "Dating"
        ESCORT = "escort", "Escort"
        CLASSIFIEDS = "classifieds", "Classifieds"
        JOB_BOARD = "job_board", "Job board"
        MARKETPLACE = "marketplace", "Marketplace"
        MESSAGING = "messaging", "Messaging"
        FORUM = "forum", "Forum"
        DARK_WEB_MARKET = "dark_web_market", "Dark-web market"
        OTHER = "other", "Other"

    class Surface(models.TextChoices):
        SURFACE = "surface", "Surface web"
        DARK = "dark", "Dark web"

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=32, choices=Category.choices)
    surface = models.CharField(max_length=16, choices=Surface.choices, default=Surface.SURFACE)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlatformDomain(models.Model):
    """A host name or onion address by which a URL is matched to its platform."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=255, unique=True, help_text="Lower case, no scheme, no 'www.'.")

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(condition=Q(domain=models.functions.Lower("domain")), name="domain_lower_case"),
        ]

    def __str__(self):
        return self.domain


class PlatformCheck(TeamOwned):
    """One team's monitoring of one platform in one operation."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        CHECKED = "checked", "Checked"

    # Shared with every team of the operation by default (DESIGN.md, access rule 3).
    shared_with_operation = True
    case_path = None

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="checks")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    # Known only once checked: True when indications of trafficking were found.
    with_indications = models.BooleanField(null=True, blank=True)
    focus_tags = models.ManyToManyField("operations.FocusTag", blank=True, related_name="checks")
    note = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta(TeamOwned.Meta):
        ordering = ["platform__name"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "team", "platform"], name="check_once_per_team"),
            models.CheckConstraint(
                condition=Q(status="checked", with_indications__isnull=False, finished_at__isnull=False)
                | (~Q(status="checked") & Q(with_indications__isnull=True)),
                name="check_outcome_only_when_checked",
            ),
        ]

    def __str__(self):
        return f"{self.platform} by {self.team} ({self.get_status_display()})"

    @property
    def outcome(self) -> str:
        if self.status != self.Status.CHECKED:
            return self.get_status_display()
        return "Checked, indications found" if self.with_indications else "Checked, no indications"
