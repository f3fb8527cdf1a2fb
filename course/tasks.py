"""Background tasks (django-tasks): emails to students.

Emails name the course and link to it; they never include lesson content, so
nothing gated can travel by email. In development and tests the immediate
backend runs them at once; production can use a database-backed worker.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from course.models import Enrollment
from course.models.branding import brand_for


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(enrollment, template, subject, **extra):
    user = enrollment.user
    if not user.email:
        return False
    course = enrollment.course
    brand = brand_for(course.get_site())  # signs the email and names its sender
    context = {
        "brand": brand,
        "name": user.get_full_name() or user.get_username(),
        "course_title": course.title,
        "course_url": _absolute(course.url or "/"),
        "dashboard_url": _absolute(reverse("course:dashboard")),
        "enrollment": enrollment,
        **extra,
    }
    body = render_to_string(f"course/emails/{template}.txt", context)
    send_mail(subject, body, brand.from_email(), [user.email])
    return True


def _enrollment(enrollment_id):
    return Enrollment.objects.select_related("user", "course").filter(pk=enrollment_id).first()


@task()
def send_enrollment_email(enrollment_id):
    """Confirmation for an active enrollment, or receipt for a request awaiting approval."""
    enrollment = _enrollment(enrollment_id)
    if enrollment is None:
        return False
    if enrollment.status == enrollment.Status.PENDING:
        return _send(enrollment, "enrollment_requested", f"Enrollment requested: {enrollment.course.title}")
    return _send(enrollment, "enrollment_confirmed", f"You are enrolled: {enrollment.course.title}")


@task()
def send_approval_email(enrollment_id):
    enrollment = _enrollment(enrollment_id)
    if enrollment is None:
        return False
    return _send(enrollment, "enrollment_approved", f"Enrollment approved: {enrollment.course.title}")


@task()
def send_completion_email(enrollment_id):
    enrollment = _enrollment(enrollment_id)
    certificate = getattr(enrollment, "certificate", None) if enrollment else None
    if certificate is None:
        return False
    return _send(
        enrollment,
        "course_completed",
        f"Congratulations: you completed {enrollment.course.title}",
        certificate_url=_absolute(certificate.get_absolute_url()),
    )
