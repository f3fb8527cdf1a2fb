"""Certificates of completion, verifiable by anyone who has the code."""

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    # What the certificate prints, as it was when it was issued (the course may change later).
    hours = models.DecimalField(_("CPD hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    accrediting_body = models.CharField(max_length=200, blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"Certificate {self.code}"

    def get_absolute_url(self):
        return reverse("course:certificate_verify", args=[self.code])

    @property
    def holder_name(self):
        return self.recipient_name or display_name(self.enrollment.user)


class ReplacedCertificateCode(models.Model):
    """A code a certificate carried before it was reissued: verifying it says it was replaced,
    never that it is valid."""

    code = models.CharField(max_length=64, unique=True)
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="replaced_codes")
    replaced_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Replaced certificate code {self.code}"


class IssuerKey(models.Model):
    """A key pair the site signs verifiable credentials with (Open Badges 3.0). The public half is
    published at a well-known URL; the private half never leaves the database."""

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_jwk = models.JSONField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(
        default=True, help_text=_("New credentials are signed with the newest active key.")
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Issuer key {self.kid}"
