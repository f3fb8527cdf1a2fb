"""Certificates of completion, verifiable by anyone who has the code."""

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone

from course.people import display_name


def new_certificate_code():
    # 128 bits of randomness: unguessable, and short enough to type from a printout.
    return secrets.token_hex(16)


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        "course.Enrollment", on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(max_length=64, unique=True, default=new_certificate_code, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    # The name as it was when the certificate was issued: a certificate records what happened,
    # so a later change of name does not rewrite it (the account page says so).
    recipient_name = models.CharField(max_length=301, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"Certificate {self.code}"

    def get_absolute_url(self):
        return reverse("course:certificate_verify", args=[self.code])

    @property
    def holder_name(self):
        return self.recipient_name or display_name(self.enrollment.user)
