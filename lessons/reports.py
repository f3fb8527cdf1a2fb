"""The quiz part of the course report: pass rates and average scores per quiz.

Contributed to `course.admin.reports` through the `course_report_sections` hook
(registered in lessons/wagtail_hooks.py) because quiz attempts live here.
One aggregate query for the attempts and one for the lesson bodies (quiz titles).
"""

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext

from course.admin.reports import Bar, BarChart, ReportSection, percent
from lessons.models import LessonPage, QuizAttempt
from lessons.quiz import quizzes


def quiz_rows(report):
    """[dict] per quiz block in syllabus order: attempts, students, passed, pass rate, average score."""
    stats = {
        (row["lesson_id"], row["block_id"]): row
        for row in QuizAttempt.objects.filter(
            lesson_id__in=report.lesson_ids, user_id__in=report.student_user_ids()
        )
        .order_by()
        .values("lesson_id", "block_id")
        .annotate(
            attempts=Count("id"),
            students=Count("user_id", distinct=True),
            passed=Count("user_id", filter=Q(passed=True), distinct=True),
            average=Avg("score"),
        )
    }
    order = {pk: number for number, pk in enumerate(report.lesson_ids, start=1)}
    rows = []
    for lesson in sorted(
        LessonPage.objects.filter(pk__in=report.lesson_ids), key=lambda page: order[page.pk]
    ):
        for quiz in quizzes(lesson):
            row = stats.get((lesson.pk, quiz.id), {})
            students = row.get("students", 0)
            rows.append(
                {
                    "lesson": f"{order[lesson.pk]}. {lesson.title}",
                    "title": quiz.value["title"],
                    "attempts": row.get("attempts", 0),
                    "students": students,
                    "passed": row.get("passed", 0),
                    "pass_rate": percent(row.get("passed", 0), students),
                    "average": round(row["average"], 1) if row.get("average") is not None else None,
                }
            )
    return rows


def quiz_section(report):
    rows = quiz_rows(report)
    if not rows:
        return None
    # Translators: next to a quiz's bar in the course report: the share of students who passed it.
    passed = gettext("%(rate)s%% passed")
    bars = [
        Bar(f"{row['lesson']}: {row['title']}", row["pass_rate"], passed % {"rate": f"{row['pass_rate']:g}"})
        for row in rows
    ]
    chart = BarChart(gettext("Pass rate per quiz (students who tried)"), bars)
    return ReportSection(
        gettext("Quizzes"), "lessons/admin/report_quizzes.html", {"rows": rows, "chart": chart}
    )
