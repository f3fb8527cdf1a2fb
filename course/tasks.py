"""Background tasks (django-tasks): emails to students.

Emails name the course and link to it; they never include lesson content, so
nothing gated can travel by email. In development and tests the immediate
backend runs them at once; production can use a database-backed worker.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
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
    """Send one email to the enrollment's student, in their language (`Enrollment.language_code`)
    and about the course in that language: `subject` is a lazy message with `%(course)s`."""
    user = enrollment.user
    if not user.email:
        return False
    with translation.override(enrollment.language_code):
        course = enrollment.course_in_language()
        root = root_url_of(course)
        brand = brand_for(course.get_site())  # signs the email and names its sender
        context = {
            "brand": brand,
            "name": display_name(user),
            "course_title": course.title,
            "course_url": course.get_full_url() or f"{root}/",
            "dashboard_url": root + reverse("course:dashboard"),
            "enrollment": enrollment,
            **{name: value(root) if callable(value) else value for name, value in extra.items()},
        }
        body = render_to_string(f"course/emails/{template}.txt", context)
        send_mail(str(subject) % {"course": course.title}, body, brand.from_email(), [user.email])
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
        # Translators: email subjects; "course" is the course title.
        return _send(enrollment, "enrollment_requested", gettext_lazy("Enrollment requested: %(course)s"))
    return _send(enrollment, "enrollment_confirmed", gettext_lazy("You are enrolled: %(course)s"))


@task()
def send_approval_email(enrollment_id):
    enrollment = _enrollment(enrollment_id)
    if enrollment is None:
        return False
    return _send(enrollment, "enrollment_approved", gettext_lazy("Enrollment approved: %(course)s"))


@task()
def send_completion_email(enrollment_id):
    enrollment = _enrollment(enrollment_id)
    certificate = getattr(enrollment, "certificate", None) if enrollment else None
    if certificate is None:
        return False
    return _send(
        enrollment,
        "course_completed",
        gettext_lazy("Congratulations: you completed %(course)s"),
        # The verification page in the student's language: its URL is built inside `_send`.
        certificate_url=lambda root: root + certificate.get_absolute_url(),
    )
