"""A certificate's life: the terms copied onto it when it is issued, revocation, reissue, and what
its code says to a verifier.

A certificate records what was certified at the time, so the course's CPD hours, accrediting body,
signatory and validity are copied onto it (`Certificate` snapshot fields) rather than read later:
an edited course does not rewrite certificates already handed out. Each course value falls back
to the site's brand (Settings › Course branding); a course with its own signatory prints that
signatory's title and signature, never the site signatory's.
"""

import calendar
import enum
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from course.models import Certificate, ReplacedCertificateCode
from course.models.branding import brand_for
from course.models.certificate import new_certificate_code
from course.people import display_name


@dataclass(frozen=True)
class CertificateTerms:
    """What a course's certificates print now (the snapshot source, and the PDF's images)."""

    hours: object  # Decimal or None
    accrediting_body: str
    validity_months: int | None
    signatory_name: str
    signatory_title: str
    signature: object  # a Wagtail image or None
    issuer_name: str
    logo: object  # a Wagtail image or None


def terms_for(course):
    brand = brand_for(course.get_site())
    if course.signatory_name:
        name, title, signature = course.signatory_name, course.signatory_title, course.signatory_signature
    else:
        name, title = brand.signatory_name, brand.signatory_title
        signature = course.signatory_signature or getattr(brand.settings, "certificate_signature", None)
    return CertificateTerms(
        hours=course.cpd_hours,
        accrediting_body=course.accrediting_body,
        validity_months=course.certificate_validity_months,
        signatory_name=name,
        signatory_title=title,
        signature=signature,
        issuer_name=brand.name,
        logo=brand.logo,
    )


def add_months(moment, months):
    """`moment` `months` calendar months later; the 31st becomes the month's last day if shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def apply_terms(certificate, course, issued_at=None):
    """Copy the course's current terms and the holder's name onto `certificate` (not saved)."""
    terms = terms_for(course)
    certificate.issued_at = issued_at or timezone.now()
    certificate.recipient_name = display_name(certificate.enrollment.user)
    certificate.hours = terms.hours
    certificate.accrediting_body = terms.accrediting_body
    certificate.signatory_name = terms.signatory_name
    certificate.signatory_title = terms.signatory_title
    certificate.expires_at = (
        add_months(certificate.issued_at, terms.validity_months) if terms.validity_months else None
    )
    return certificate


def new_certificate(enrollment):
    return apply_terms(Certificate(enrollment=enrollment), enrollment.course)


def printed_signatory(certificate, course):
    """(name, title, signature image) the certificate prints. Certificates issued before the
    snapshot existed print the course's current signatory; the signature image is printed only
    while it belongs to the signatory named on the certificate."""
    terms = terms_for(course)
    name = certificate.signatory_name or terms.signatory_name
    title = certificate.signatory_title if certificate.signatory_name else terms.signatory_title
    signature = terms.signature if name == terms.signatory_name else None
    return name, title, signature


class Status(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"


@dataclass(frozen=True)
class Verification:
    """What a code says: the certificate it names, its status and since when (revoked, replaced
    or expired at; None while valid)."""

    code: str
    certificate: Certificate
    status: Status
    since: object = None


def status_of(certificate, now=None):
    now = now or timezone.now()
    if certificate.revoked_at is not None:
        return Status.REVOKED, certificate.revoked_at
    if certificate.expires_at is not None and certificate.expires_at <= now:
        return Status.EXPIRED, certificate.expires_at
    return Status.VALID, None


def verify_code(code):
    """The `Verification` of a code, current or replaced; None for a code no certificate had."""
    related = ("enrollment__user", "enrollment__course")
    certificate = Certificate.objects.select_related(*related).filter(code=code).first()
    if certificate is not None:
        return Verification(code, certificate, *status_of(certificate))
    replaced = (
        ReplacedCertificateCode.objects.select_related(*(f"certificate__{name}" for name in related))
        .filter(code=code)
        .first()
    )
    if replaced is not None:
        return Verification(code, replaced.certificate, Status.REPLACED, replaced.replaced_at)
    return None


def revoke(certificate, reason):
    """Revoke the certificate now; returns False if it already was (nothing changes)."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revocation_reason"])
    certificate.refresh_from_db()
    return True


def reissue(certificate):
    """A fresh certificate in place of this one: a new code (the old one is kept as replaced, so
    verifying it says so), today's date, the course's current terms and the holder's current
    name, a new expiry, and no revocation. Returns the old code."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        old_code = locked.code
        ReplacedCertificateCode.objects.create(code=old_code, certificate=locked)
        locked.code = new_certificate_code()
        apply_terms(locked, locked.enrollment.course)
        locked.revoked_at = None
        locked.revocation_reason = ""
        locked.save()
    certificate.refresh_from_db()
    return old_code
