"""A page capture: the job that saves a URL finding's page, and the evidence files it leaves.

A capture is a team record like the URL it documents: it belongs to the URL's operation and
country team, and hangs off the URL's case *through the URL* (``case_path``), so it follows the URL
when the URL moves to another case, exactly as the URL's evidence files do, and whoever sees that
case sees its captures. Its files are ordinary ``findings.Evidence`` rows (immutable, hashed, in
the evidence list, downloaded through the same gate, erased by retention); ``manifest_sha256`` binds
them together and is written to the audit trail.
"""

from django.db import models
from django.db.models import Q

from findings.models import Case, DetectedUrl, Evidence
from operations.access import FindingQuerySet
from operations.models import TeamOwned
from platforms.models import PlatformCheck


class CaptureQuerySet(FindingQuerySet):
    def pending(self):
        return self.filter(status__in=Capture.PENDING)

    def with_files(self):
        return self.select_related("url", "created_by").prefetch_related("files")


class Capture(TeamOwned):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        LOADING = "loading", "Loading the page"
        SAVING = "saving", "Saving"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    PENDING = (Status.QUEUED, Status.LOADING, Status.SAVING)

    shared_with_operation = False
    case_path = "url__case_id"
    shared_case_ids = Case.shared_case_ids

    url = models.ForeignKey(DetectedUrl, on_delete=models.SET_NULL, null=True, blank=True, related_name="captures")
    # The address as it was asked for: the URL record may be deleted or erased, the request stays readable.
    address = models.CharField(max_length=2048)
    # Set when the capture was asked for from a platform check's list of addresses.
    platform_check = models.ForeignKey(
        PlatformCheck, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # ActionDay's address as the requester reached it: the browser never fetches anything there.
    own_origin = models.CharField(max_length=300, blank=True)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=1000, blank=True, help_text="Why it failed, in words for the user.")
    attempts = models.PositiveSmallIntegerField(default=0)
    # The claim of the worker running it (see evidence/capture_job.py): every write of a run is conditional on it.
    claimed_at = models.DateTimeField(null=True, blank=True)

    # From the manifest, once done.
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    final_url = models.CharField(max_length=2048, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    load_complete = models.BooleanField(null=True, blank=True)
    truncated = models.BooleanField(null=True, blank=True)
    egress = models.CharField(max_length=300, blank=True)
    browser_version = models.CharField(max_length=100, blank=True)
    tls_fingerprint = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the server certificate.")
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    files = models.ManyToManyField(Evidence, blank=True, related_name="captures")

    objects = CaptureQuerySet.as_manager()

    class Meta(TeamOwned.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(manifest_sha256__regex=r"^[0-9a-f]{64}$"),
                name="capture_done_has_manifest_hash",
            ),
        ]

    def __str__(self):
        return f"Capture {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def file_named(self, name: str) -> Evidence | None:
        """One of the capture's files by its name (``screenshot.png``, ``manifest.json``, …); reads the prefetch."""
        return next((e for e in self.files.all() if e.original_name == name), None)

    @property
    def screenshot(self) -> Evidence | None:
        return self.file_named("screenshot.png")

    @property
    def manifest_file(self) -> Evidence | None:
        return self.file_named("manifest.json")

    @property
    def ordered_files(self) -> list[Evidence]:
        order = ["screenshot.png", "page.html", "page.mhtml", "capture.warc.gz", "manifest.json"]
        return sorted(self.files.all(), key=lambda e: order.index(e.original_name) if e.original_name in order else 9)
