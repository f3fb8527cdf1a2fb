"""The lesson page: public summary plus a StreamField body, served through the access policy."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from course.access import (
    EDITOR,
    ENROLLED,
    NOT_ENROLLED,
    STAFF,
    access_for_request,
    allows,
    allows_gated,
    course_of,
    lesson_access,
    outline_locks,
)
from course.cache_headers import private_response, public_when_preview
from course.models import AbstractLessonPage
from course.text import join_sentences
from lessons.blocks import GatedSectionBlock, LessonBodyBlock


class LessonPage(AbstractLessonPage):
    """A lesson. Student actions are POST routes: `complete/` and `quiz/<block_id>/`."""

    body = StreamField(LessonBodyBlock(), blank=True)
    watch_percent_required = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        verbose_name=_("video to watch (%)"),
        help_text=_(
            "Students must watch this share of each audio or video block before they can mark the "
            "lesson complete. Leave empty to ask nothing."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("is_preview"), FieldPanel("estimated_minutes"), FieldPanel("watch_percent_required")],
            heading=_("Lesson settings"),
        ),
        FieldPanel("body"),
    ]
    # Only public text goes into the shared search index: the body of a
    # free-preview lesson (gated sections excluded by the block itself). Students
    # find their own lessons' bodies through the site search view instead.
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("public_body_text"),
        index.FilterField("is_preview"),
    ]
    api_fields = [APIField("summary"), APIField("is_preview"), APIField("estimated_minutes")]

    class Meta:
        verbose_name = _("lesson")

    # --- access -----------------------------------------------------------------------------

    def access_for(self, request):
        """The access decision for `request` (made once per request; the persona in a preview)."""
        return access_for_request(request, self)

    def is_reachable(self, request=None):
        # While serving, the access decision already covers reachability: decide once.
        if request is None:
            return super().is_reachable()
        return not self.access_for(request).is_not_found

    def serve(self, request, *args, **kwargs):
        # Shared with anonymous visitors only as a free preview; locked lessons and routes are private.
        return public_when_preview(super().serve(request, *args, **kwargs), request, self)

    @path("complete/", name="complete")
    def complete_route(self, request):
        from lessons.views import complete_view  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return complete_view(request, self)

    @classmethod
    def activity_of(cls, user, lessons):
        from lessons.records import activity_of  # noqa: PLC0415 - the records read this module's models

        return activity_of(user, lessons)

    @classmethod
    def gradebook_of(cls, user_ids, lessons):
        from lessons.records import gradebook_of  # noqa: PLC0415 - the records read this module's models

        return gradebook_of(user_ids, lessons)

    @classmethod
    def latest_activity_of(cls, user_ids, lesson_ids):
        from lessons.records import latest_activity_of  # noqa: PLC0415 - the records read this module's models

        return latest_activity_of(user_ids, lesson_ids)

    @classmethod
    def reset_activity(cls, user, lessons):
        from lessons.records import reset_activity  # noqa: PLC0415 - the records read this module's models

        return reset_activity(user, lessons)

    @path("media/<str:block_id>/position/", name="media_position")
    def media_position_route(self, request, block_id):
        from lessons.views import media_position_view  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return media_position_view(request, self, block_id)

    @path("quiz/<str:block_id>/", name="quiz")
    def quiz_route(self, request, block_id):
        from lessons.views import quiz_view  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return quiz_view(request, self, block_id)

    # Preview as student: the editor picks a persona in the preview panel; Wagtail puts it in
    # `request.preview_mode` and the access policy turns it into an `Access`. The default
    # mode shows everything, as editors see the live page.
    preview_modes = [
        (EDITOR, _("As an editor (everything)")),
        (NOT_ENROLLED, _("As a visitor who is not enrolled")),
        (ENROLLED, _("As an enrolled student")),
    ]

    def serve_preview(self, request, mode_name):
        return private_response(super().serve_preview(request, mode_name))

    @property
    def course(self):
        """The course this lesson belongs to, or None for a lesson outside any course."""
        if not hasattr(self, "_course"):
            self._course = course_of(self)
        return self._course

    def get_context(self, request, *args, **kwargs):
        from lessons.views import learner_context  # noqa: PLC0415 - a page hands off to its view (views import the models)

        context = super().get_context(request, *args, **kwargs)
        access = self.access_for(request)
        course = access.course or self.course
        if course is not None:
            self._course = course
        outline = course.outline if course else None
        previous, following = outline.neighbours(self) if outline else (None, None)
        context.update(
            {
                "access": access,
                "course": course,
                "outline": outline,
                "lesson_entry": outline.entry_for(self) if outline else None,
                "previous_lesson": previous,
                "next_lesson": following,
            }
        )
        context.update(learner_context(request, self, course, access))
        context["locks"] = self._outline_locks(request, course, access, context["completed_ids"])
        return context

    def _outline_locks(self, request, course, access, completed_ids):
        """Which lessons the outline and pager show as closed to this visitor (display only)."""
        if course is None:
            return {}
        if getattr(request, "is_preview", False) is True:  # the persona: everything, or a visitor's view
            return outline_locks(course, None, set(), sees_everything=allows_gated(access))
        # The student's enrollment when the decision was made on it (enrolled, or a lesson not
        # released or locked by the sequence); anyone else sees the outline as a visitor.
        return outline_locks(course, access.enrollment, completed_ids, sees_everything=access.reason == STAFF)

    # --- channels ----------------------------------------------------------------------------

    def public_body_text(self):
        """Body text anyone may read: only free-preview lessons, never gated sections."""
        if not self.is_preview:
            return ""
        return join_sentences(self.body.stream_block.get_searchable_content(self.body))

    def readable_text(self, access):
        """Title, summary and as much body text as `access` opens."""
        if allows_gated(access):
            body = self.full_body_text()
        elif allows(access):
            body = join_sentences(self.body.stream_block.get_searchable_content(self.body))
        else:
            body = ""
        return join_sentences([self.title, self.summary, body])

    def full_text(self):
        return join_sentences([self.title, self.summary, self.full_body_text()])

    def full_body_text(self):
        """All body text including gated sections; only for people who have access."""
        parts = []
        for child in self.body:
            if isinstance(child.block, GatedSectionBlock):
                parts += [child.value["title"], child.value["teaser"]]
                content = child.value["content"]
                parts += content.stream_block.get_searchable_content(content)
            else:
                parts += child.block.get_searchable_content(child.value)
        return join_sentences(parts)

    def is_gated_content_path(self, content_path):
        """Whether a reference-index path into this page points inside a gated section.

        Paths look like "body.<block id>.content…". Anything unrecognised counts as gated.
        """
        field, _, rest = content_path.partition(".")
        if field != "body":
            return field not in ("title", "summary")
        block_id = rest.split(".", 1)[0]
        for child in self.body:
            if child.id == block_id:
                return isinstance(child.block, GatedSectionBlock)
        return True

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if allows(lesson_access(None, self)) else []


class MediaPosition(models.Model):
    """Where a student is in one audio or video block of a lesson, for "resume" and for lessons
    that ask for part of a video to be watched. One row per student, lesson and block."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_positions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="media_positions")
    block_id = models.CharField(max_length=64)
    position = models.FloatField(default=0, help_text=_("Seconds from the start, where the player was."))
    furthest = models.FloatField(default=0, help_text=_("Seconds watched from the start, at most."))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="one_position_per_media_block"
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.position:.0f} s in {self.lesson_id}/{self.block_id}"


class QuizAttempt(models.Model):
    """One graded submission of a quiz block in a lesson."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="quiz_attempts")
    block_id = models.CharField(max_length=64)
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "lesson", "block_id"])]

    def __str__(self):
        return f"{self.user} on {self.lesson_id}/{self.block_id}: {self.score}%"
