"""Certificates of completion, verifiable by anyone who has the code."""

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone


def new_certificate_code():
    # 128 bits of randomness: unguessable, and short enough to type from a printout.
    return secrets.token_hex(16)


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        "course.Enrollment", on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(max_length=64, unique=True, default=new_certificate_code, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"Certificate {self.code}"

    def get_absolute_url(self):
        return reverse("course:certificate_verify", args=[self.code])

    @property
    def holder_name(self):
        user = self.enrollment.user
        return user.get_full_name() or user.get_username()
