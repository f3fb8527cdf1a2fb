"""One student's record in a course, for the administrators of that course, and two changes to it.

The record is the one the student sees on "My progress" (`course.records.learner_record`):
completion date per lesson, quiz attempts with best score and pass state, places in audio and
video, last activity. It is reached from the Enrollments list (a row's "Learner record") and
from the enrollment's inspect view, and follows the enrollment's permissions
(course/admin/permissions.py): 403 without enrollment rights, 404 outside the user's courses.

Per lesson, an administrator who may change the course's enrollments can:

- "Reset this lesson": the completion goes, and what the student did in it (quiz attempts, places
  in audio and video) through the lesson contract (`course.progress.reset_lesson`);
- "Mark complete on behalf": the student's own completion path without the lesson's checks
  (`course.progress.complete_on_behalf`), so course completion and the certificate follow.

Each asks for confirmation on a page of its own, then is a POST (CSRF) to a URL that answers
nothing else, and is logged on the enrollment with the lesson's title (`wagtail.log_actions`), so
the enrollment's History view says who did what, and when. The views are extra URLs of the
Enrollments viewset (course/admin/enrollments.py); the log actions are registered by
course/wagtail_hooks.py.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page

from course.admin.permissions import enrollment_policy
from course.models import AbstractLessonPage, Enrollment, LessonActivity, LessonCompletion
from course.progress import complete_on_behalf, reset_lesson
from course.records import learner_record

LESSON_RESET = "pinewood.lesson_reset"
LESSON_COMPLETED_ON_BEHALF = "pinewood.lesson_completed_on_behalf"


def record_url(enrollment):
    return reverse("course_enrollments:record", args=[enrollment.pk])


class StudentEnrollmentMixin:
    """Loads the enrollment named by the URL for a user who may `permission` it.

    No enrollment rights at all: 403 (as the Enrollments list). An enrollment outside the user's
    courses: 404, so ids of other courses' students reveal nothing. Rights to see the course's
    enrollments but not to `permission` them: 403.
    """

    permission = "view"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not enrollment_policy.user_has_permission(user, "view"):
            raise PermissionDenied
        self.enrollment = get_object_or_404(
            Enrollment.objects.select_related("user", "course"), pk=kwargs["pk"]
        )
        if self.enrollment.course_id not in enrollment_policy.course_ids(user):
            raise Http404
        if not enrollment_policy.user_has_permission_for_instance(user, self.permission, self.enrollment):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EnrollmentBreadcrumbsMixin:
    def get_breadcrumbs_items(self):
        enrollment = self.enrollment
        return self.breadcrumbs_items + [
            {"url": reverse("course_enrollments:list"), "label": gettext("Enrollments")},
            {"url": reverse("course_enrollments:inspect", args=[enrollment.pk]), "label": str(enrollment)},
            {"url": record_url(enrollment), "label": gettext("Learner record")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The slim header's History link: where the changes made here are logged.
        context["history_url"] = reverse("course_enrollments:history", args=[self.enrollment.pk])
        return context


class LearnerRecordView(
    StudentEnrollmentMixin, EnrollmentBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView
):
    template_name = "course/admin/learner_record.html"
    page_title = _("Learner record")
    header_icon = "user"

    def get_page_subtitle(self):
        return gettext("%(student)s in %(course)s") % {
            "student": self.enrollment.student_name,
            "course": self.enrollment.course.title,
        }

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1] = {"url": "", "label": gettext("Learner record"), "sublabel": self.get_page_subtitle()}
        return items

    def get_context_data(self, **kwargs):
        enrollment = self.enrollment
        return super().get_context_data(
            enrollment=enrollment,
            student=enrollment.user,
            record=learner_record(enrollment.user, enrollment.course),
            can_change=enrollment_policy.user_has_permission_for_instance(
                self.request.user, "change", enrollment
            ),
            **kwargs,
        )


@dataclass(frozen=True)
class LessonAction:
    """What a confirmation page and its POST say and do for one of the two lesson actions."""

    name: str  # in URL names: record_confirm_<name>, record_<name>
    title: str  # the button and the page title
    button_class: str

    def url(self, enrollment, lesson_id):
        return reverse(f"course_enrollments:record_{self.name}", args=[enrollment.pk, lesson_id])


RESET = LessonAction("reset", _("Reset this lesson"), "button serious")
COMPLETE = LessonAction("complete", _("Mark complete on behalf"), "button")


class LessonActionMixin(StudentEnrollmentMixin):
    """Both lesson actions change the record: they need the right to change the enrollment, and
    the lesson must be a lesson of the enrollment's course as students see it (else 404)."""

    permission = "change"
    action = None  # a LessonAction, given by `as_view`

    def setup_lesson(self):
        lesson_id = self.kwargs["lesson_id"]
        outline = self.enrollment.course.outline
        self.entry = next((entry for entry in outline.lessons if entry.page.pk == lesson_id), None)
        if self.entry is None:
            raise Http404("No such lesson in this course.")
        lesson = Page.objects.filter(pk=lesson_id).specific().first()
        if not isinstance(lesson, AbstractLessonPage):
            raise Http404("No such lesson in this course.")
        self.lesson = lesson


class LessonActionConfirmView(
    LessonActionMixin, EnrollmentBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView
):
    """The confirmation page (GET): what the action will change, and the form that POSTs it."""

    template_name = "course/admin/learner_record_confirm.html"
    header_icon = "user"
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        self.setup_lesson()
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return self.action.title

    def get_page_subtitle(self):
        return f"{self.lesson.title}, {self.enrollment.student_name}"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [{"url": "", "label": self.action.title}]

    def get_context_data(self, **kwargs):
        enrollment, lesson = self.enrollment, self.lesson
        completion = LessonCompletion.objects.filter(user=enrollment.user, lesson=lesson).first()
        activity = type(lesson).activity_of(enrollment.user, [lesson]).get(lesson.pk, LessonActivity())
        attempts = sum(quiz.attempts for quiz in activity.quizzes)
        places = [media for media in activity.media if media.position is not None]
        if self.action is RESET:
            something_to_do = bool(completion or attempts or places)
        else:
            something_to_do = completion is None
        return super().get_context_data(
            action=self.action,
            enrollment=enrollment,
            lesson=lesson,
            entry=self.entry,
            completion=completion,
            attempts=attempts,
            places=places,
            something_to_do=something_to_do,
            action_url=self.action.url(enrollment, lesson.pk),
            cancel_url=record_url(enrollment) + f"#lesson-{lesson.pk}",
            **kwargs,
        )


class LessonActionView(LessonActionMixin, View):
    """The action itself: POST only (a GET here is 405), then back to the record with a message."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.setup_lesson()
        message = self.reset() if self.action is RESET else self.complete()
        messages.success(request, message)
        return redirect(record_url(self.enrollment))  # from the top, where the message is

    def log(self, action, **data):
        lesson = self.lesson
        log(
            self.enrollment,
            action,
            user=self.request.user,
            data={"lesson": {"id": lesson.pk, "title": lesson.title}, **data},
        )

    def reset(self):
        completion_removed, records_removed = reset_lesson(self.enrollment.user, self.lesson)
        values = {"student": self.enrollment.student_name, "lesson": self.lesson.title}
        if not (completion_removed or records_removed):  # the history lists changes only
            return gettext("%(student)s had nothing to reset in “%(lesson)s”.") % values
        self.log(LESSON_RESET, completion_removed=completion_removed, records_removed=records_removed)
        return gettext("“%(lesson)s” was reset for %(student)s.") % values

    def complete(self):
        enrollment = self.enrollment
        was_completed = enrollment.status == Enrollment.Status.COMPLETED
        created, _ = complete_on_behalf(enrollment, self.lesson)
        values = {"student": enrollment.student_name, "lesson": self.lesson.title}
        if not created:
            return gettext("%(student)s had already completed “%(lesson)s”.") % values
        enrollment.refresh_from_db(fields=["status", "completed_at"])
        course_completed = not was_completed and enrollment.status == Enrollment.Status.COMPLETED
        self.log(LESSON_COMPLETED_ON_BEHALF, course_completed=course_completed)
        if course_completed:
            return (
                gettext(
                    "“%(lesson)s” is marked complete for %(student)s. That completes the course: "
                    "the certificate is issued."
                )
                % values
            )
        return gettext("“%(lesson)s” is marked complete for %(student)s.") % values


# --- log actions (registered in course/wagtail_hooks.py) -----------------------------------------


def lesson_title(log_entry):
    # Translators: stands for the title of a lesson the history does not know.
    return log_entry.data.get("lesson", {}).get("title", gettext("a lesson"))


class LessonResetFormatter(LogFormatter):
    label = _("Reset a lesson")

    def format_message(self, log_entry):
        records = log_entry.data.get("records_removed", 0)
        values = {"lesson": lesson_title(log_entry), "records": records}
        if log_entry.data.get("completion_removed"):
            message = ngettext(
                # Translators: entries of an enrollment's history; "records" counts quiz attempts and
                # places in audio and video.
                "Reset lesson “%(lesson)s” (completion removed; %(records)s quiz or media record removed)",
                "Reset lesson “%(lesson)s” (completion removed; %(records)s quiz or media records removed)",
                records,
            )
        else:
            message = ngettext(
                "Reset lesson “%(lesson)s” (was not complete; %(records)s quiz or media record removed)",
                "Reset lesson “%(lesson)s” (was not complete; %(records)s quiz or media records removed)",
                records,
            )
        return message % values


class LessonCompletedOnBehalfFormatter(LogFormatter):
    label = _("Complete a lesson on the student's behalf")

    def format_message(self, log_entry):
        values = {"lesson": lesson_title(log_entry)}
        if log_entry.data.get("course_completed"):
            return (
                gettext("Marked lesson “%(lesson)s” complete on the student's behalf; the course is complete")
                % values
            )
        return gettext("Marked lesson “%(lesson)s” complete on the student's behalf") % values


def register_log_actions(actions):
    """`register_log_actions` hook: the two lesson actions of the learner record."""
    actions.register_action(LESSON_RESET)(LessonResetFormatter)
    actions.register_action(LESSON_COMPLETED_ON_BEHALF)(LessonCompletedOnBehalfFormatter)


def record_urls():
    """The learner record's URLs, mounted by the Enrollments viewset (namespace `course_enrollments`)."""
    lesson = "record/<int:pk>/<int:lesson_id>"
    urls = [path("record/<int:pk>/", LearnerRecordView.as_view(), name="record")]
    for action in (RESET, COMPLETE):
        urls += [
            path(
                f"{lesson}/confirm-{action.name}/",
                LessonActionConfirmView.as_view(action=action),
                name=f"record_confirm_{action.name}",
            ),
            path(
                f"{lesson}/{action.name}/",
                LessonActionView.as_view(action=action),
                name=f"record_{action.name}",
            ),
        ]
    return urls
