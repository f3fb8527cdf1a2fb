"""Enrollment services: the only code that creates or changes `Enrollment` rows.

Each service runs in a transaction that locks the course row first, so
concurrent requests for the same course are serialised on PostgreSQL: a user
never gets two rows and a course never goes over capacity. Calling a service
twice is harmless.
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from wagtail.models import Locale

from course.models import CoursePage, Enrollment
from course.tasks import send_approval_email, send_enrollment_email


class EnrollmentError(Exception):
    """A refusal with a message that can be shown to the student as is."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class EnrollmentResult:
    enrollment: Enrollment
    created: bool
    changed: bool


def _after_commit(task, enrollment_id):
    """Queue an email only once the change it announces is committed (an import that rolls
    back, or a caller's transaction that fails, sends nothing)."""
    transaction.on_commit(partial(task.enqueue, enrollment_id))


def language_of(course):
    """The language of `course`'s translation, for the enrollment made through it; "" without
    localisation (the site's default language)."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return ""
    return Locale.objects.filter(pk=course.locale_id).values_list("language_code", flat=True).first() or ""


def _locked_course(course):
    """`course`'s course of record, locked: a course and its translations share its enrollments,
    seats and rules (course/outline.py)."""
    return CoursePage.objects.select_for_update(of=("self",)).get(pk=course.outline.record.pk)


def _seats_taken(course):
    return Enrollment.objects.filter(course=course, status__in=Enrollment.GRANTING).count()


def _check_capacity(course):
    if course.capacity is not None and _seats_taken(course) >= course.capacity:
        raise EnrollmentError("full", gettext("Sorry, this course is full."))


def _expiry(course, start):
    return start + datetime.timedelta(days=course.access_days) if course.access_days else None


def _activate(enrollment, course, now):
    """Open access from `now`. A graduate whose access ended gets it back as a graduate: status,
    completion date, enrollment date (and so drip dates) and certificate stay as they were."""
    enrollment.expires_at = _expiry(course, now)
    if enrollment.status == Enrollment.Status.COMPLETED:
        return
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.enrolled_at = now
    enrollment.completed_at = None


# How an enrollment got past a code course's door: with the code, or through an administrator.
ADMITTED_SOURCES = (Enrollment.Source.CODE, Enrollment.Source.ADMIN, Enrollment.Source.IMPORT)


def code_matches(given, expected):
    """Codes are compared without regard to case or surrounding spaces (people retype them from
    emails and slides); constant time, so the comparison does not leak how much was right."""
    if not given or not expected:
        return False
    return constant_time_compare(given.strip().casefold(), expected.strip().casefold())


def readmits_without_code(enrollment):
    """Whether a former student may come back to a code course without the code: one who got in
    with the code or was enrolled by an administrator (admitted once, they may no longer have
    the code) and has left or whose access ended. A cancelled request or an enrollment from
    before the course needed a code does not count."""
    return (
        enrollment is not None
        and enrollment.status != Enrollment.Status.PENDING
        and not enrollment.grants_access()
        and enrollment.source in ADMITTED_SOURCES
    )


def enroll(user, course, *, code=None, source=Enrollment.Source.SELF):
    """Enroll `user` in `course` according to its enrollment mode.

    Open and code courses activate at once (subject to capacity); approval
    courses create a pending request; closed courses refuse. An administrator
    (`source=ADMIN` or `IMPORT`) bypasses mode and code but not capacity.
    """
    if not user.is_authenticated:
        raise EnrollmentError("login", gettext("Please log in to enroll."))
    by_staff = source in (Enrollment.Source.ADMIN, Enrollment.Source.IMPORT)
    language = language_of(course)  # the translation the student enrolls through
    with transaction.atomic():
        course = _locked_course(course)
        existing = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
        if existing is not None and existing.status == Enrollment.Status.PENDING and not by_staff:
            return EnrollmentResult(existing, created=False, changed=False)
        if existing is not None and existing.grants_access():
            return EnrollmentResult(existing, created=False, changed=False)

        mode = course.enrollment_mode
        if not by_staff:
            if mode == CoursePage.EnrollmentMode.CLOSED:
                raise EnrollmentError("closed", gettext("Enrollment for this course is closed."))
            if mode == CoursePage.EnrollmentMode.CODE and not readmits_without_code(existing):
                if not code_matches(code, course.enrollment_code):
                    raise EnrollmentError(
                        "code", gettext("That enrollment code is not valid for this course.")
                    )
                source = Enrollment.Source.CODE
            elif mode == CoursePage.EnrollmentMode.CODE:
                source = existing.source  # readmitted on the code, or the admission, of last time

        graduate = existing is not None and existing.status == Enrollment.Status.COMPLETED
        if graduate and mode == CoursePage.EnrollmentMode.APPROVAL and not by_staff:
            # A request would put the completion on hold: the course team renews a graduate.
            raise EnrollmentError(
                "approval",
                gettext(
                    "To open the lessons again, ask the course team: your completion stays on the record."
                ),
            )
        now = timezone.now()
        enrollment = existing or Enrollment(user=user, course=course)
        enrollment.source = source
        if existing is None or not by_staff:  # an administrator's renewal keeps the student's language
            enrollment.language = language
        if mode == CoursePage.EnrollmentMode.APPROVAL and not by_staff:
            enrollment.status = Enrollment.Status.PENDING
            enrollment.enrolled_at = now
            enrollment.expires_at = None
        else:
            _check_capacity(course)
            _activate(enrollment, course, now)
        try:
            with transaction.atomic():
                enrollment.save()
        except IntegrityError:
            # Another request created the row first (possible only without row locks, e.g. SQLite).
            return EnrollmentResult(
                Enrollment.objects.get(user=user, course=course), created=False, changed=False
            )
    _after_commit(send_enrollment_email, enrollment.pk)
    return EnrollmentResult(enrollment, created=existing is None, changed=True)


def approve(enrollment):
    """Turn a pending request into an active enrollment, if a seat is free."""
    with transaction.atomic():
        course = _locked_course(enrollment.course)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Enrollment.Status.PENDING:
            return EnrollmentResult(enrollment, created=False, changed=False)
        _check_capacity(course)
        _activate(enrollment, course, timezone.now())
        enrollment.save()
    _after_commit(send_approval_email, enrollment.pk)
    return EnrollmentResult(enrollment, created=False, changed=True)


def withdraw(enrollment):
    """End an enrollment (or cancel a pending request); completions are kept.

    A completed enrollment is never withdrawn, by the student or an administrator: its
    completion date and certificate are a record of what happened and stay on the student's
    dashboard, the verification page and the reports whatever happens later.
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status == Enrollment.Status.COMPLETED:
            raise EnrollmentError(
                "completed", gettext("A completed course stays on the record; it cannot be left.")
            )
        if enrollment.status == Enrollment.Status.WITHDRAWN:
            return EnrollmentResult(enrollment, created=False, changed=False)
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.save(update_fields=["status", "updated_at"])
        return EnrollmentResult(enrollment, created=False, changed=True)


def expire(enrollment, at=None):
    """End access now (or at `at`) while keeping the record and its status."""
    at = at or timezone.now()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.expires_at is not None and enrollment.expires_at <= at:
            return EnrollmentResult(enrollment, created=False, changed=False)
        enrollment.expires_at = at
        enrollment.save(update_fields=["expires_at", "updated_at"])
        return EnrollmentResult(enrollment, created=False, changed=True)


def extend_access(enrollment, days):
    """Give `days` more days of access, counted from the later of now and the current expiry.

    Lifetime access (no expiry) stays lifetime; the status is not changed, so a
    withdrawn or pending enrollment does not open by being extended.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.expires_at is None:
            return EnrollmentResult(enrollment, created=False, changed=False)
        start = max(enrollment.expires_at, timezone.now())
        enrollment.expires_at = start + datetime.timedelta(days=days)
        enrollment.save(update_fields=["expires_at", "updated_at"])
        return EnrollmentResult(enrollment, created=False, changed=True)
