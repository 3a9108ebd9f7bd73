"""The states and roles that the access rule and the models both speak of.

Kept apart from the models so that ``operations.access`` — which the models build their querysets
from — needs no model to say "coordinator" or "read-only".
"""

from django.db import models


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    COORDINATOR = "coordinator", "Coordinator"
    PROSECUTOR = "prosecutor", "Prosecutor"


class OperationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


# Closed and archived operations accept no more writes.
READ_ONLY_STATUSES = (OperationStatus.CLOSED, OperationStatus.ARCHIVED)
