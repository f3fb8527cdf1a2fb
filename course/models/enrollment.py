"""A learner's relationship with a course: enrollment and per-lesson completion."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from course.people import display_name


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        SELF = "self", "Self-enrolled"
        ADMIN = "admin", "Added by an administrator"
        CODE = "code", "Enrollment code"
        IMPORT = "import", "Imported"

    # Statuses that may open content (still subject to `expires_at`).
    GRANTING = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("course.CoursePage", on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(
        default=timezone.now, help_text="When access started (or was requested, while pending)."
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for lifetime access.")
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment_per_course")
        ]
        indexes = [models.Index(fields=["course", "status"])]
        ordering = ["-enrolled_at"]

    def __str__(self):
        return f"{self.student_name} in {self.course} ({self.get_status_display()})"

    def student_name(self):
        """The student's name as certificates print it (full name, else email; never the username)."""
        return display_name(self.user)

    student_name.short_description = "Student"
    student_name = property(student_name)

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
