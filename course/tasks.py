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
from course.people import display_name


def root_url_of(course):
    """Where the course's links start: its Wagtail Site's address (as Wagtail builds page URLs),
    or `WAGTAILADMIN_BASE_URL` for a course no site reaches."""
    site = course.get_site()
    return (site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def _send(enrollment, template, subject, **extra):
    user = enrollment.user
    if not user.email:
        return False
    course = enrollment.course
    root = root_url_of(course)
    brand = brand_for(course.get_site())  # signs the email and names its sender
    context = {
        "brand": brand,
        "name": display_name(user),
        "course_title": course.title,
        "course_url": course.get_full_url() or f"{root}/",
        "dashboard_url": root + reverse("course:dashboard"),
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
        certificate_url=root_url_of(enrollment.course) + certificate.get_absolute_url(),
    )
