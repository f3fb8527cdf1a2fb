"""A learner's relationship with a course: enrollment and per-lesson completion."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from course.people import display_name


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        # Translators: the status of a learner's enrollment in a course.
        ACTIVE = "active", pgettext_lazy("enrollment status", "Active")
        COMPLETED = "completed", pgettext_lazy("enrollment status", "Completed")
        WITHDRAWN = "withdrawn", pgettext_lazy("enrollment status", "Withdrawn")

    class Source(models.TextChoices):
        # Translators: how an enrollment was made.
        SELF = "self", _("Self-enrolled")
        ADMIN = "admin", _("Added by an administrator")
        CODE = "code", _("Enrollment code")
        IMPORT = "import", _("Imported")

    # Statuses that may open content (still subject to `expires_at`).
    GRANTING = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("course.CoursePage", on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(
        default=timezone.now, help_text=_("When access started (or was requested, while pending).")
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("Leave empty for lifetime access."))
    completed_at = models.DateTimeField(null=True, blank=True)
    # The language of the course translation the student enrolled through: their emails and
    # certificate use it. Empty: the site's default language.
    language = models.CharField(
        max_length=15,
        blank=True,
        default="",
        help_text=_("The student's language for emails and the certificate (empty: the site's default)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment_per_course")
        ]
        indexes = [models.Index(fields=["course", "status"])]
        ordering = ["-enrolled_at"]

    def __str__(self):
        # Translators: an enrollment as the admin names it: "Ana Lima in Injection Basics (Active)".
        return gettext("%(student)s in %(course)s (%(status)s)") % {
            "student": self.student_name,
            "course": self.course,
            "status": self.get_status_display(),
        }

    def student_name(self):
        """The student's name as certificates print it (full name, else email; never the username)."""
        return display_name(self.user)

    student_name.short_description = _("Student")
    student_name = property(student_name)

    @property
    def language_code(self):
        """The language the student's emails and certificate are written in."""
        return self.language or settings.LANGUAGE_CODE

    def course_in_language(self):
        """The course as the student reads it: its live translation in their language, else the
        course itself (the course of record, which the enrollment is kept under)."""
        if self.language and self.language != self.course.locale.language_code:
            translation = (
                self.course.get_translations().filter(locale__language_code=self.language).live().first()
            )
            if translation is not None:
                return translation.specific
        return self.course

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def grants_access(self, now=None):
        return self.status in self.GRANTING and not self.is_expired(now)


class LessonCompletion(models.Model):
    """One row per user and lesson; marking complete twice changes nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="unique_completion_per_lesson")
        ]

    def __str__(self):
        return f"{self.user} completed {self.lesson_id}"
