"""Sign-up links: how a person imported into an operation gets an account without anyone sharing a secret."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        """Links that still work: not used, not replaced by a newer one, not expired."""
        return self.filter(used_at=None, voided_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, time-limited sign-up link for one user.

    Only the SHA-256 of the link's token is stored: whoever reads the database (or a backup) cannot
    sign up as anyone. A new link for the same user voids the older ones. ``next_url`` is where the
    user lands once signed up (an operation's page): this app knows no operation.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    next_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="invitation_user_time")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"),
        ]

    def __str__(self):
        return f"sign-up link {self.pk}"
