"""Figures and generated PDF reports of an operation."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from findings.models import Case
from operations.access import reach_of
from operations.models import Membership, Operation


class StatisticsSnapshot(models.Model):
    """The figures of one operation at one moment, as compiled by the statistics job."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="snapshots")
    computed_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "computed_at"
        indexes = [models.Index(fields=["operation", "-computed_at"], name="snapshot_latest")]

    def __str__(self):
        return f"{self.operation} at {self.computed_at:%Y-%m-%d %H:%M}"


class PressParagraph(models.Model):
    """The press paragraph of an operation: drafted from its headline figures, then edited by a coordinator.

    Kept with the figures it was drafted from: the snapshot (whose figures never change once stored)
    and the headline values themselves, so the text can always be checked against its numbers. A new
    draft is a new row; the newest row is the operation's paragraph.
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="press_paragraphs")
    snapshot = models.ForeignKey(StatisticsSnapshot, on_delete=models.PROTECT, related_name="press_paragraphs")
    # [{"key": "victims", "value": 33}, ...]: the headline as it was when drafted, in its order.
    figures = models.JSONField(default=list)
    draft = models.TextField(help_text="The text as drafted from the figures.")
    text = models.TextField(help_text="The text as the coordinator edited it.")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["operation", "-drafted_at"], name="press_paragraph_latest")]

    def __str__(self):
        return f"Press paragraph of {self.operation} drafted {self.drafted_at:%Y-%m-%d %H:%M}"


def report_path(instance, filename):
    return f"reports/{instance.operation_id}/{instance.pk}.pdf"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """``may_download`` (reports/building.py) as a queryset: the reports ``user`` may list and download
        once done (the API's lists and the reports page). tests/test_api_reports.py holds the two together,
        cell by cell."""
        if not user.is_authenticated:
            return self.none()
        reach = reach_of(user)
        coordinated, analysed = reach.coordinated, reach.analyst_ops_by_team
        # A team report stays available while its team takes part in the operation.
        team_present = Exists(Membership.objects.filter(operation_id=OuterRef("operation_id"), team=OuterRef("team")))
        askable = ~Q(kind=Report.Kind.TEAM_REPORT) | team_present
        anyones = Q(operation_id__in=coordinated)
        own = Q(kind=Report.Kind.CASE_FILE, case__in=Case.objects.visible_to(user).values("pk"))
        for team, operation_ids in analysed.items():
            own |= Q(kind=Report.Kind.TEAM_REPORT, team=team, operation_id__in=operation_ids)
        return self.filter(askable & (anyones | (Q(requested_by=user) & own)))


class Report(models.Model):
    """A requested PDF: a job record that the build task updates as it goes."""

    class Kind(models.TextChoices):
        OPERATION_SUMMARY = "operation_summary", "Operation summary"
        CASE_FILE = "case_file", "Case file"
        TEAM_REPORT = "team_report", "Country-team report"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # The identifier printed on the report's last page: random, so it reveals no count.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="reports")
    case = models.ForeignKey("findings.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    team = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=report_path, blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Builds started since it was asked for (or retried): a report whose worker dies every time is
    # given up after a few (reports/building.py, MAX_ATTEMPTS) instead of being sent again forever.
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
            models.CheckConstraint(
                condition=~Q(kind="case_file") | Q(case__isnull=False), name="report_case_file_has_case"
            ),
            models.CheckConstraint(
                condition=~Q(kind="team_report") | ~Q(team=""), name="report_team_report_has_team"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(sha256="") & ~Q(file="")), name="report_done_has_file"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.id}"
