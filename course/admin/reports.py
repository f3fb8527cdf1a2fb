"""Numbers for the per-course admin report, from aggregate queries only.

The cost is a fixed handful of queries whatever the number of enrollments or
lessons (see bench/report_bench.py). "Students" are enrollments that are active
or completed: pending requests and withdrawn students are counted by status
but left out of rates and the lesson funnel.

Other apps add sections (the lessons app adds quiz results) through the
`course_report_sections` Wagtail hook: a function taking the `CourseReport` and
returning a `ReportSection` or None. This keeps `course` free of imports from
`lessons`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import NumberColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import Button

from course.admin.permissions import enrollment_policy
from course.admin.spreadsheets import spreadsheet_safe
from course.models import Enrollment, LessonCompletion

SECTIONS_HOOK = "course_report_sections"


@dataclass
class Bar:
    """One bar of a chart: `percent` (0–100) sets its length, `text` is printed next to it."""

    label: str
    percent: float
    text: str

    @property
    def width(self):
        return round(max(0.0, min(100.0, self.percent)) * 4, 1)  # the chart's bar area is 400 units


@dataclass
class BarChart:
    """A horizontal bar chart, drawn as SVG by course/admin/reports/bar_chart.html."""

    label: str
    bars: list
    row_height: int = 28

    @property
    def height(self):
        return max(1, len(self.bars)) * self.row_height

    @property
    def rows(self):
        return [(index * self.row_height, bar) for index, bar in enumerate(self.bars)]


@dataclass
class LessonRow:
    number: int
    title: str
    module: str
    completed: int
    percent: float


@dataclass
class ReportSection:
    title: str
    template_name: str
    context: dict = field(default_factory=dict)


def percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class CourseReport:
    course: object
    lesson_ids: list
    by_status: list  # [(status, label, count)] in the order of Enrollment.Status
    funnel: list  # [LessonRow] in syllabus order

    @property
    def counts(self):
        return {status: count for status, _, count in self.by_status}

    @property
    def total(self):
        return sum(count for _, _, count in self.by_status)

    @property
    def students(self):
        return self.counts[Enrollment.Status.ACTIVE] + self.counts[Enrollment.Status.COMPLETED]

    @property
    def completion_rate(self):
        return percent(self.counts[Enrollment.Status.COMPLETED], self.students)

    def student_user_ids(self):
        """A subquery of the user ids of this course's students, for sections to filter by."""
        return student_user_ids(self.course)

    @property
    def status_chart(self):
        top = max((count for _, _, count in self.by_status), default=0)
        bars = [Bar(label, percent(count, top), str(count)) for _, label, count in self.by_status]
        return BarChart(gettext("Enrollments by status"), bars)

    @property
    def funnel_chart(self):
        bars = [
            Bar(f"{row.number}. {row.title}", row.percent, f"{row.completed} ({row.percent:g}%)")
            for row in self.funnel
        ]
        return BarChart(gettext("Students who completed each lesson"), bars)


def student_user_ids(course):
    return Enrollment.objects.filter(course=course, status__in=Enrollment.GRANTING).values("user_id")


def course_report(course):
    """Enrollments by status and the per-lesson completion funnel of `course`."""
    counts = dict(
        Enrollment.objects.filter(course=course).order_by().values_list("status").annotate(n=Count("id"))
    )
    by_status = [(status, label, counts.get(status, 0)) for status, label in Enrollment.Status.choices]

    lessons = course.outline.lessons
    ids = [entry.page.pk for entry in lessons]
    done = dict(
        LessonCompletion.objects.filter(lesson_id__in=ids, user_id__in=student_user_ids(course))
        .order_by()
        .values_list("lesson_id")
        .annotate(n=Count("id"))
    )
    students = counts.get(Enrollment.Status.ACTIVE, 0) + counts.get(Enrollment.Status.COMPLETED, 0)
    funnel = [
        LessonRow(
            number=entry.number,
            title=entry.page.title,
            module=entry.module.page.title,
            completed=done.get(entry.page.pk, 0),
            percent=percent(done.get(entry.page.pk, 0), students),
        )
        for entry in lessons
    ]
    return CourseReport(course=course, lesson_ids=ids, by_status=by_status, funnel=funnel)


def report_sections(report):
    """Extra sections contributed by other apps through the `course_report_sections` hook."""
    sections = []
    for hook in hooks.get_hooks(SECTIONS_HOOK):
        section = hook(report)
        if section is not None:
            sections.append(section)
    return sections


# --- admin views -----------------------------------------------------------------------------


def user_sees_reports(user):
    """Reports show enrollment data: they need the right to view enrollments in some course."""
    return enrollment_policy.user_has_permission(user, "view")


class ReportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_sees_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CourseReportIndexView(ReportPermissionMixin, ReportView):
    """Every course with its enrollment counts (one aggregate query), linking to its report."""

    page_title = _("Course reports")
    header_icon = "table"
    index_url_name = "course_reports:index"
    index_results_url_name = "course_reports:index_results"
    list_export = ["title", "students", "pending", "completed", "withdrawn"]
    export_headings = {"title": _("Course"), "students": _("Students (active + completed)")}
    export_filename = "course-reports"

    def to_row_dict(self, item):
        # Course titles are text a spreadsheet could run as a formula; counts stay numbers.
        row = super().to_row_dict(item)
        return {
            field: spreadsheet_safe(value) if isinstance(value, str) else value
            for field, value in row.items()
        }

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=gettext("Course"),
                get_url=lambda course: reverse("course_reports:course", args=[course.pk]),
            ),
            # Translators: column headings of the course reports: how many enrollments have each status.
            NumberColumn("students", label=gettext("Students")),
            NumberColumn("pending", label=pgettext("enrollments by status", "Pending")),
            NumberColumn("completed", label=pgettext("enrollments by status", "Completed")),
            NumberColumn("withdrawn", label=pgettext("enrollments by status", "Withdrawn")),
        ]

    def get_queryset(self):
        """The courses this user administers, with their counts."""
        statuses = Enrollment.Status
        return enrollment_policy.courses(self.request.user).annotate(
            students=Count(
                "enrollments", filter=Q(enrollments__status__in=[statuses.ACTIVE, statuses.COMPLETED])
            ),
            pending=Count("enrollments", filter=Q(enrollments__status=statuses.PENDING)),
            completed=Count("enrollments", filter=Q(enrollments__status=statuses.COMPLETED)),
            withdrawn=Count("enrollments", filter=Q(enrollments__status=statuses.WITHDRAWN)),
        )


class CourseReportView(WagtailAdminTemplateMixin, TemplateView):
    """One course: enrollments by status, completion, lesson funnel, plus sections other apps add."""

    template_name = "course/admin/reports/course.html"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not user_sees_reports(request.user):
            raise PermissionDenied
        # Another course's report is "not found", like any enrollment outside the user's courses.
        self.course = enrollment_policy.courses(request.user).filter(pk=kwargs["course_id"]).first()
        if self.course is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Report: %(course)s") % {"course": self.course.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("course_reports:index"), "label": gettext("Course reports")},
            {"url": "", "label": self.course.title},
        ]

    @cached_property
    def header_more_buttons(self):
        """The course's gradebook (course/admin/gradebook.py), like Wagtail's listing downloads."""
        return [
            Button(
                # Translators: "format" is XLSX or CSV.
                gettext("Download gradebook (%(format)s)") % {"format": spreadsheet_format.upper()},
                url=reverse("course_enrollments:gradebook", args=[self.course.pk, spreadsheet_format]),
                icon_name="download",
                priority=priority,
            )
            for priority, spreadsheet_format in enumerate(("xlsx", "csv"), start=1)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = course_report(self.course)
        context.update({"course": self.course, "report": report, "sections": report_sections(report)})
        return context


# --- wiring (registered in course/wagtail_hooks.py) ----------------------------------------


def report_urls():
    """The admin URLs of course reports, under `reports/courses/` (namespace `course_reports`)."""
    urls = [
        path("", CourseReportIndexView.as_view(), name="index"),
        path("results/", CourseReportIndexView.as_view(results_only=True), name="index_results"),
        path("<int:course_id>/", CourseReportView.as_view(), name="course"),
    ]
    return [path("reports/courses/", include((urls, "course_reports"), namespace="course_reports"))]


class CourseReportsMenuItem(MenuItem):
    """ "Course reports" in the Reports menu, for users who may read some course's report."""

    def is_shown(self, request):
        return user_sees_reports(request.user)


def reports_menu_item():
    return CourseReportsMenuItem(
        _("Course reports"),
        reverse("course_reports:index"),
        name="course-reports",
        icon_name="table",
        order=100,
    )
