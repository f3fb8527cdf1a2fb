"""The lesson contract: what `course` needs from a lesson page, without importing `lessons`.

A lesson is a page under a module whose model subclasses `AbstractLessonPage`.
The access policy, the outline, search, sitemaps and image/document gating
recognise lessons with `isinstance(page, AbstractLessonPage)` and read them only
through the fields and methods below. A lesson app (this project's `lessons`)
supplies the body and implements the methods below; the defaults fail closed (show nothing,
remove nothing).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from course.reachability import ReachablePageMixin
from course.templating import HostLayoutMixin
from course.text import join_sentences


@dataclass(frozen=True)
class QuizRecord:
    """A student's attempts at one quiz of a lesson."""

    title: str
    attempts: int
    best: int | None  # best score, in percent
    passed: bool
    last_at: datetime | None


@dataclass(frozen=True)
class MediaRecord:
    """Where a student is in one audio or video of a lesson."""

    title: str
    position: float | None  # seconds; None when the student has not played it
    duration: float  # seconds; 0 when the file does not say
    updated_at: datetime | None


@dataclass
class LessonActivity:
    """What a student did in a lesson beyond completing it (`AbstractLessonPage.activity_of`)."""

    quizzes: list = field(default_factory=list)  # [QuizRecord]
    media: list = field(default_factory=list)  # [MediaRecord]

    @property
    def last_activity(self):
        moments = [quiz.last_at for quiz in self.quizzes] + [media.updated_at for media in self.media]
        moments = [moment for moment in moments if moment]
        return max(moments, default=None)


@dataclass(frozen=True)
class QuizColumn:
    """One quiz of a lesson, as a column of the course gradebook."""

    lesson_id: int
    quiz_id: str  # unique within its lesson
    title: str


@dataclass
class Grades:
    """Best quiz scores of many students in lessons of one model (`AbstractLessonPage.gradebook_of`)."""

    quizzes: list = field(default_factory=list)  # [QuizColumn]: lessons in the order given, quizzes in order
    best: dict = field(default_factory=dict)  # {(user id, lesson id, quiz id): best score in percent}


class AbstractLessonPage(HostLayoutMixin, ReachablePageMixin, RoutablePageMixin, Page):
    """A lesson of a course: public summary, free-preview flag and time estimate.

    It is routable (student actions are page routes) and answers 404 under an
    unpublished module or course, routes included (`ReachablePageMixin` comes first).

    Override points (each must keep gated text out of what it returns):

    - `public_body_text()`: body text anyone may read (search index, public snippets).
    - `readable_text(access)`: title, summary and the body text `access` opens.
    - `full_text()`: all text, gated included; only for matching before the access
      decision (search), never shown.
    - `is_gated_content_path(content_path)`: whether a reference-index path into the
      page points inside gated content (decides who may see a document or image).
    - `activity_of(user, lessons)` (class method): what a student did in lessons of this
      model beyond completing them (quizzes, audio and video), for the learner's record.
    - `gradebook_of(user_ids, lessons)` (class method): the best quiz scores of many students,
      for the course gradebook an administrator downloads.
    - `reset_activity(user, lessons)` (class method): remove what a student did in lessons of
      this model (the "Reset this lesson" of an administrator); `course` removes completions.
    - `latest_activity_of(user_ids, lesson_ids)` (class method): when each student last did
      something in those lessons beyond completing them, for the inactivity reminder.
    """

    summary = models.TextField(
        max_length=500,
        help_text=_("Public: shown in the syllabus, search results and to visitors without access."),
    )
    is_preview = models.BooleanField(
        _("free preview"),
        default=False,
        help_text=_("Anyone may read a free-preview lesson (its gated sections stay gated)."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    parent_page_types = ["course.ModulePage"]
    subpage_types = []

    class Meta:
        abstract = True

    def public_body_text(self):
        """Body text anyone may read. Default: none."""
        return ""

    def readable_text(self, access):
        """Title, summary and as much body text as `access` opens. Default: no body text."""
        return join_sentences([self.title, self.summary])

    def full_text(self):
        """All text, gated included. Default: title and summary."""
        return join_sentences([self.title, self.summary])

    @classmethod
    def activity_of(cls, user, lessons):
        """{lesson id: LessonActivity} for `lessons` (instances of this model, bodies loaded):
        what `user` did in them beyond completing them, in a fixed number of queries whatever
        the number of lessons. Lessons with nothing to show may be left out. Default: nothing."""
        return {}

    @classmethod
    def gradebook_of(cls, user_ids, lessons):
        """`Grades` of the students `user_ids` (ids, or a subquery of ids) in `lessons` (instances
        of this model, bodies loaded), in a fixed number of queries whatever the number of
        students or lessons. Default: no quizzes."""
        return Grades()

    @classmethod
    def latest_activity_of(cls, user_ids, lesson_ids):
        """{(user id, lesson id): when the student last did something in the lesson beyond
        completing it} for `user_ids` (ids, or a subquery of ids) and `lesson_ids` (any lesson
        ids: those of other models find nothing), in a fixed number of queries whatever their
        number. Default: nothing."""
        return {}

    @classmethod
    def reset_activity(cls, user, lessons):
        """Remove what `user` did in `lessons` (instances of this model) beyond completing them,
        so that they start those lessons afresh; returns how many records were removed. Called
        inside the caller's transaction. Default: nothing to remove."""
        return 0

    def is_gated_content_path(self, content_path):
        """Whether `content_path` (from Wagtail's reference index) is gated. Default: all but
        the public fields."""
        return content_path.partition(".")[0] not in ("title", "summary")
