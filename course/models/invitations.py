"""Invitations: enrollments for people who have no account yet, accepted through an emailed link."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_invitation_key():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """One invitation of one email address to one course; at most one pending per pair.

    The emailed link is signed and carries `key`; it works once (`accepted_at`), until
    `expires_at`, and not after `cancelled_at`."""

    course = models.ForeignKey("course.CoursePage", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    key = models.CharField(max_length=64, unique=True, default=new_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrollment = models.ForeignKey(
        "course.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "email"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"Invitation of {self.email} to {self.course_id}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > timezone.now()
