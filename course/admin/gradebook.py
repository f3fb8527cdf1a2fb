"""The gradebook of a course, as CSV or XLSX, for the administrators of that course.

One row per enrolled student (any status): name, email, status, enrolled and completed dates, the
number of lessons completed, then each lesson's completion date and each quiz's best score. The
quizzes come through the lesson contract (`AbstractLessonPage.gradebook_of`), so `course` needs
nothing from the lesson app.

It costs the same queries whatever the number of students or lessons: the enrollments with their
users, the completions, the lesson pages (two) and one per lesson model. Text a spreadsheet
could run as a formula (names, titles) is neutralised as in the Enrollments export
(course/admin/spreadsheets.py); dates and numbers stay dates and numbers.

Mounted by the Enrollments viewset (course/admin/enrollments.py); linked from that list when it
is filtered to one course, and from the course's report.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Page

from course.admin.permissions import enrollment_policy
from course.admin.spreadsheets import spreadsheet_safe
from course.models import Enrollment, LessonCompletion

FORMATS = (SpreadsheetExportMixin.FORMAT_CSV, SpreadsheetExportMixin.FORMAT_XLSX)


@dataclass
class Gradebook:
    headings: list  # [str]
    rows: list  # [list]: one per student, in the order of `headings`


def gradebook(course):
    """The gradebook of `course`, in a fixed number of queries whatever its size."""
    lessons = course.outline.lessons
    lesson_ids = [entry.page.pk for entry in lessons]
    enrollments = list(
        Enrollment.objects.filter(course=course)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "pk")
    )
    students = Enrollment.objects.filter(course=course).values("user_id")
    completed = {
        (user_id, lesson_id): completed_at
        for user_id, lesson_id, completed_at in LessonCompletion.objects.filter(
            user_id__in=students, lesson_id__in=lesson_ids
        ).values_list("user_id", "lesson_id", "completed_at")
    }
    quizzes, best = quiz_grades(students, lesson_ids)
    number = {entry.page.pk: entry.number for entry in lessons}

    headings = [
        # Translators: column headings of the gradebook spreadsheet.
        gettext("Student"),
        gettext("Email"),
        gettext("Status"),
        gettext("Enrolled at"),
        gettext("Completed at"),
        gettext("Lessons completed"),
    ]
    # Translators: a gradebook column: the lesson's number and title, then the date the student completed it.
    completion = gettext("%(number)s. %(title)s (completed)")
    headings += [completion % {"number": entry.number, "title": entry.page.title} for entry in lessons]
    # Translators: a gradebook column: the number and title of the quiz's lesson, then the best score
    # in percent.
    best_score = gettext("%(number)s. %(title)s (best score %%)")
    headings += [
        best_score % {"number": number[quiz.lesson_id], "title": quiz.title}
        for quiz in quizzes  # the lesson's number tells quizzes of the same title apart
    ]
    rows = []
    for enrollment in enrollments:
        user_id = enrollment.user_id
        dates = [completed.get((user_id, pk)) for pk in lesson_ids]
        rows.append(
            [
                enrollment.student_name,
                enrollment.user.email,
                enrollment.status,
                enrollment.enrolled_at,
                enrollment.completed_at,
                sum(date is not None for date in dates),
                *dates,
                *(best.get((user_id, quiz.lesson_id, quiz.quiz_id)) for quiz in quizzes),
            ]
        )
    return Gradebook(headings=[spreadsheet_safe(heading) for heading in headings], rows=rows)


def quiz_grades(user_ids, lesson_ids):
    """([QuizColumn] in syllabus order, {(user id, lesson id, quiz id): best score}) from each lesson
    model's `gradebook_of`: the lesson pages in two queries, then one call per model."""
    by_model = {}
    for page in Page.objects.filter(pk__in=lesson_ids).specific():
        by_model.setdefault(type(page), []).append(page)
    quizzes, best = [], {}
    for model, pages in by_model.items():
        grades = model.gradebook_of(user_ids, pages)
        quizzes += grades.quizzes
        best.update(grades.best)
    order = {pk: index for index, pk in enumerate(lesson_ids)}
    quizzes.sort(key=lambda quiz: order[quiz.lesson_id])  # stable: a lesson's quizzes keep their order
    return quizzes, best


def local_time(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


class GradebookView(SpreadsheetExportMixin, View):
    """`gradebook/<course id>/<csv|xlsx>/`: the gradebook of a course the user administers.

    Without enrollment rights: 403; a course the user does not administer, or another format: 404.
    """

    custom_value_preprocess = {
        # The administrator's local time, as the admin shows it; minutes are enough.
        datetime.datetime: {
            SpreadsheetExportMixin.FORMAT_CSV: lambda value: local_time(value).strftime("%Y-%m-%d %H:%M"),
            SpreadsheetExportMixin.FORMAT_XLSX: lambda value: local_time(value).replace(tzinfo=None),
        },
        str: {
            SpreadsheetExportMixin.FORMAT_CSV: spreadsheet_safe,
            SpreadsheetExportMixin.FORMAT_XLSX: spreadsheet_safe,
        },
    }

    def dispatch(self, request, course_id, spreadsheet_format):
        if not enrollment_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        course = enrollment_policy.courses(request.user).filter(pk=course_id).first()
        if course is None or spreadsheet_format not in FORMATS:
            raise Http404
        self.course = course
        return super().dispatch(request, course_id, spreadsheet_format)

    def get(self, request, course_id, spreadsheet_format):
        book = gradebook(self.course)
        self.list_export = [str(index) for index in range(len(book.headings))]
        self.export_headings = dict(zip(self.list_export, book.headings, strict=True))
        rows = [dict(zip(self.list_export, row, strict=True)) for row in book.rows]
        return self.as_spreadsheet(rows, spreadsheet_format)

    def to_row_dict(self, item):
        return item

    def get_filename(self):
        return f"gradebook-{self.course.slug}-{timezone.localdate():%Y-%m-%d}"
