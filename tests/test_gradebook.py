"""The course gradebook (CSV and XLSX): one row per enrolled student with lesson completion dates
and best quiz scores, safe to open in a spreadsheet, for the course's administrators only, in the
same number of queries whatever the number of students."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from course.admin.roles import administrators_of, setup_roles
from course.models import AbstractLessonPage, Enrollment, Grades, LessonCompletion
from lessons.models import QuizAttempt
from tests.admin_outcomes import DENIED, LOGIN, MISSING, OK, outcome
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course,
    make_course_admin,
    make_marketer,
    make_superuser,
    make_user,
    quiz_value,
)

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://evil.example/","Click")'
HEADINGS = [
    "Student",
    "Email",
    "Status",
    "Enrolled at",
    "Completed at",
    "Lessons completed",
    "1. Lesson 1.1 (completed)",
    "2. Lesson 1.2 (completed)",
    "3. Lesson 2.1 (completed)",
    "1. Check yourself (best score %)",
    "3. Final check (best score %)",
]
MOMENT = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)


def gradebook_url(course, spreadsheet_format):
    return reverse("course_enrollments:gradebook", args=[course.pk, spreadsheet_format])


def with_quiz(lesson, title):
    lesson.body = [("paragraph", "<p>Read this.</p>"), ("quiz", {**quiz_value(), "title": title})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson.body[1].id


@pytest.fixture
def graded(catalogue):
    """A three-lesson course with a quiz in its first and third lessons; Ana (whose first name is a
    formula) did some of it, Ben nothing; a student of another course did everything there."""
    setup_roles()
    course, lessons = make_course(catalogue, "Graded", modules=2, lessons=2)
    lessons[3].unpublish()  # not part of the course as students see it: no column
    first_quiz = with_quiz(lessons[0], "Check yourself")
    final_quiz = with_quiz(lessons[2], "Final check")

    ana = make_user("ana", first_name=EVIL_NAME, last_name="Lima")
    enroll_as(ana, course, enrolled_at=MOMENT)
    LessonCompletion.objects.create(user=ana, lesson=lessons[0], completed_at=MOMENT)
    LessonCompletion.objects.create(
        user=ana, lesson=lessons[2], completed_at=MOMENT + datetime.timedelta(days=1)
    )
    for score in (40, 90, 60):
        QuizAttempt.objects.create(
            user=ana, lesson=lessons[0], block_id=first_quiz, score=score, passed=score > 50
        )
    QuizAttempt.objects.create(user=ana, lesson=lessons[2], block_id=final_quiz, score=0)
    ben = make_user("ben", first_name="Ben", last_name="Zed")
    enroll_as(ben, course, Enrollment.Status.PENDING, enrolled_at=MOMENT)

    other_course, (other_lesson,) = make_course(catalogue, "Other graded", modules=1, lessons=1)
    elsewhere = make_user("elsewhere")
    enroll_as(elsewhere, other_course)
    LessonCompletion.objects.create(user=elsewhere, lesson=other_lesson)

    admin = make_user("courseteam")
    admin.groups.add(administrators_of(course))
    return {
        "course": course,
        "lessons": lessons,
        "quizzes": (first_quiz, final_quiz),
        "other_course": other_course,
        "admin": client_for(admin),
        "admin_user": admin,
    }


def csv_rows(response):
    return list(csv.reader(io.StringIO(body_of(response))))


def test_the_csv_has_a_row_per_student_with_dates_and_best_scores(graded):
    response = graded["admin"].get(gradebook_url(graded["course"], "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    day = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="gradebook-graded-{day:%Y-%m-%d}.csv"'
    rows = csv_rows(response)
    assert rows[0] == HEADINGS
    assert rows[1:] == [
        [
            f"'{EVIL_NAME} Lima",  # a formula in a name is written as text
            "ana@example.com",
            "active",
            "2026-03-14 09:30",
            "",
            "2",
            "2026-03-14 09:30",
            "",
            "2026-03-15 09:30",
            "90",
            "0",
        ],
        ["Ben Zed", "ben@example.com", "pending", "2026-03-14 09:30", "", "0", "", "", "", "", ""],
    ]


def test_the_xlsx_opens_with_the_same_cells(graded):
    response = graded["admin"].get(gradebook_url(graded["course"], "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(body_of_bytes(response)))
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADINGS
    naive = datetime.datetime(2026, 3, 14, 9, 30)
    assert rows[1] == [
        f"'{EVIL_NAME} Lima",
        "ana@example.com",
        "active",
        naive,
        None,
        2,
        naive,
        None,
        naive + datetime.timedelta(days=1),
        90,
        0,
    ]
    assert rows[2][:3] == ["Ben Zed", "ben@example.com", "pending"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formulas at all
    assert len(rows) == 3


def body_of_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_heading_never_starts_like_a_formula(graded):
    lesson = graded["lessons"][1]
    lesson.title = "=1+1"
    lesson.save_revision().publish()
    headings = csv_rows(graded["admin"].get(gradebook_url(graded["course"], "csv")))[0]
    assert headings[7] == "2. =1+1 (completed)"  # a lesson's number comes first
    assert not any(heading.startswith(("=", "+", "-", "@")) for heading in headings)


def add_students(course, lessons, quizzes, count):
    for number in range(count):
        student = make_user(f"many{number}")
        enroll_as(student, course)
        LessonCompletion.objects.create(user=student, lesson=lessons[0])
        QuizAttempt.objects.create(user=student, lesson=lessons[0], block_id=quizzes[0], score=number)
        QuizAttempt.objects.create(user=student, lesson=lessons[2], block_id=quizzes[1], score=100)


@pytest.mark.parametrize("spreadsheet_format", ["csv", "xlsx"])
def test_the_query_count_does_not_grow_with_students(graded, spreadsheet_format):
    client, course = graded["admin"], graded["course"]
    url = gradebook_url(course, spreadsheet_format)

    def queries_for_a_download():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            content = body_of_bytes(response)  # a CSV streams: its rows are read here
        assert response.status_code == 200 and content
        return len(queries)

    client.get(url)  # the course outline is cached from here on
    assert Enrollment.objects.filter(course=course).count() == 2
    few = queries_for_a_download()
    add_students(course, graded["lessons"], graded["quizzes"], 28)
    assert Enrollment.objects.filter(course=course).count() == 30
    many = queries_for_a_download()
    assert few == many, (few, many)
    rows = csv_rows(client.get(gradebook_url(course, "csv")))
    assert len(rows) == 31


def test_the_filtered_enrollment_list_and_the_course_report_link_to_it(graded):
    client, course = graded["admin"], graded["course"]
    csv_url, xlsx_url = gradebook_url(course, "csv"), gradebook_url(course, "xlsx")
    unfiltered = body_of(client.get("/admin/enrollments/"))
    assert csv_url not in unfiltered
    for url in ("/admin/enrollments/", "/admin/enrollments/results/"):
        filtered = body_of(client.get(url, {"course": course.pk}))
        assert csv_url in filtered and xlsx_url in filtered
    # Filtered to a course the user does not administer: no links (and no rows).
    other = body_of(client.get("/admin/enrollments/", {"course": graded["other_course"].pk}))
    assert "gradebook" not in other
    report = body_of(client.get(reverse("course_reports:course", args=[course.pk])))
    assert csv_url in report and xlsx_url in report


def test_unknown_formats_and_courses_are_not_found(graded):
    client = graded["admin"]
    assert client.get(gradebook_url(graded["course"], "pdf")).status_code == 404
    assert client.get(gradebook_url(graded["other_course"], "csv")).status_code == 404
    assert client.get(reverse("course_enrollments:gradebook", args=[999999, "csv"])).status_code == 404
    assert client.get(f"/admin/enrollments/gradebook/{graded['course'].pk}x/csv/").status_code == 404


@pytest.fixture
def roles(graded):
    marketer = make_marketer()
    other_admin = make_course_admin(graded["other_course"], "otherteam")
    return {
        "anonymous": None,
        "student": Enrollment.objects.filter(course=graded["course"]).first().user,
        "marketer": marketer,
        "other_course_admin": other_admin,
        "course_admin": graded["admin_user"],
        "superuser": make_superuser(),
    }


EXPECTED = {
    "anonymous": LOGIN,
    "student": LOGIN,
    "marketer": DENIED,
    "other_course_admin": MISSING,
    "course_admin": OK,
    "superuser": OK,
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("spreadsheet_format", ["csv", "xlsx"])
def test_only_the_courses_administrators_download_it(graded, roles, role, spreadsheet_format):
    response = client_for(roles[role]).get(gradebook_url(graded["course"], spreadsheet_format))
    assert outcome(response) == EXPECTED[role]
    if EXPECTED[role] != OK:
        assert "ana@example.com" not in body_of(response)


def test_the_lesson_contract_grades_nothing_by_default(graded):
    assert AbstractLessonPage.gradebook_of([1, 2], graded["lessons"]) == Grades()
