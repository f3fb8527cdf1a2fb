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

from django.db.models import Count
from wagtail import hooks

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
        return BarChart("Enrollments by status", bars)

    @property
    def funnel_chart(self):
        bars = [
            Bar(f"{row.number}. {row.title}", row.percent, f"{row.completed} ({row.percent:g}%)")
            for row in self.funnel
        ]
        return BarChart("Students who completed each lesson", bars)


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
