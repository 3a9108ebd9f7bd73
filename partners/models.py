"""Watch lists: identifiers a partner sent (a STIX bundle, a MISP event, a plain list), brought into an
operation as selectors of the importing team, so that they meet the findings of every team in matching.

Each entry is an ordinary ``findings.Selector`` (no finding behind it) with a ``WatchListEntry`` beside
it that names its list. The list is a team record like any other: its team and the operation's
coordinators see it (``visible_to``); other teams learn only what a hit tells them — kind, value, team.
"""

from django.db import models

from findings.models import Selector
from operations.access import FindingQuerySet
from operations.models import TeamOwned


class WatchList(TeamOwned):
    class Format(models.TextChoices):
        STIX = "stix", "STIX 2.1 bundle"
        MISP = "misp", "MISP event"
        LIST = "list", "Plain list"

    name = models.CharField(max_length=200)
    source_format = models.CharField(max_length=8, choices=Format.choices)
    source_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file as it arrived.")
    items = models.PositiveIntegerField(default=0, help_text="Identifiers read from the file.")
    entry_count = models.PositiveIntegerField(default=0, help_text="Selectors this list added.")

    objects = FindingQuerySet.as_manager()

    class Meta(TeamOwned.Meta):
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name


class WatchListEntry(models.Model):
    """The selector one list added. Kind and value are repeated here so that the unique constraint
    holds a team's watch-list selectors once per operation, even when two imports race."""

    watch_list = models.ForeignKey(WatchList, on_delete=models.CASCADE, related_name="entries")
    selector = models.OneToOneField(Selector, on_delete=models.CASCADE, related_name="watch_list_entry")
    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=2)
    kind = models.CharField(max_length=16, choices=Selector.Kind.choices)
    value = models.CharField(max_length=512)

    class Meta:
        verbose_name_plural = "watch list entries"
        constraints = [
            models.UniqueConstraint(fields=["operation", "team", "kind", "value"], name="watch_list_entry_once"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.value}"
