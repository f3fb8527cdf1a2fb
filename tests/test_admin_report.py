"""The course report: numbers checked against a small fixture computed by hand."""

import re

import pytest

from course.models import Enrollment, LessonCompletion
from lessons.models import LessonPage, QuizAttempt
from tests.factories import enroll_as, make_course, make_user

QUIZ = {
    "title": "Spine check",
    "pass_mark": 70,
    "max_attempts": None,
    "required": False,
    "questions": [
        {
            "prompt": "Which segment?",
            "multiple": False,
            "choices": [{"text": "Lumbar", "correct": True}, {"text": "Cervical", "correct": False}],
            "feedback": "",
        }
    ],
}


@pytest.fixture
def report_course(catalogue):
    """4 lessons (2 modules × 2); six enrollments, one of each kind, plus people who must not count.

    Students (active or completed): a1, a2, a3, c1 → 4.  Completion rate 1/4 = 25%.
    Completions by students: lesson 1 → c1, a1, a2 (3 = 75%); lesson 2 → c1, a1 (2 = 50%);
    lessons 3 and 4 → c1 (1 = 25%). Completions by w1, p1 and an outsider do not count.
    Quiz in lesson 1, attempts by students: a1 40 and 80 (passed), a2 60, c1 100 (passed)
    → 3 tried, 2 passed = 66.7%; 4 attempts; average score 70.0. w1's attempt does not count.
    """
    course, lessons = make_course(catalogue, "Report Course", slug="report-course", modules=2, lessons=2)
    first = LessonPage.objects.get(pk=lessons[0].pk)
    first.body = [("paragraph", "<p>Read.</p>"), ("quiz", QUIZ)]
    first.save_revision().publish()
    quiz_id = LessonPage.objects.get(pk=first.pk).body[1].id

    users = {name: make_user(name) for name in ("a1", "a2", "a3", "c1", "p1", "w1", "outsider")}
    for name in ("a1", "a2", "a3"):
        enroll_as(users[name], course)
    enroll_as(users["c1"], course, Enrollment.Status.COMPLETED)
    enroll_as(users["p1"], course, Enrollment.Status.PENDING)
    enroll_as(users["w1"], course, Enrollment.Status.WITHDRAWN)

    done = {"c1": [0, 1, 2, 3], "a1": [0, 1], "a2": [0], "w1": [0, 1, 2], "p1": [0], "outsider": [0]}
    for name, indexes in done.items():
        for index in indexes:
            LessonCompletion.objects.create(user=users[name], lesson=lessons[index])
    for name, score, passed in [
        ("a1", 40, False),
        ("a1", 80, True),
        ("a2", 60, False),
        ("c1", 100, True),
        ("w1", 100, True),
    ]:
        QuizAttempt.objects.create(
            user=users[name], lesson=first, block_id=quiz_id, score=score, passed=passed, answers={}
        )
    return course


def test_report_numbers_match_the_hand_computed_fixture(
    course_admin_client, report_course, django_assert_max_num_queries
):
    with django_assert_max_num_queries(45):
        response = course_admin_client.get(f"/admin/reports/courses/{report_course.pk}/")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.counts == {"pending": 1, "active": 3, "completed": 1, "withdrawn": 1}
    assert (report.total, report.students, report.completion_rate) == (6, 4, 25.0)
    assert [(row.title, row.completed, row.percent) for row in report.funnel] == [
        ("Lesson 1.1", 3, 75.0),
        ("Lesson 1.2", 2, 50.0),
        ("Lesson 2.1", 1, 25.0),
        ("Lesson 2.2", 1, 25.0),
    ]
    (quizzes,) = [section for section in response.context["sections"] if section.title == "Quizzes"]
    assert quizzes.context["rows"] == [
        {
            "lesson": "1. Lesson 1.1",
            "title": "Spine check",
            "attempts": 4,
            "students": 3,
            "passed": 2,
            "pass_rate": 66.7,
            "average": 70.0,
        }
    ]

    html = response.content.decode()
    assert "<svg" in html and "https://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert re.search(r"data-completion-rate>\s*25\.0%", html)
    assert 'width="300"' in html  # lesson 1 bar: 75% of the 400-unit bar area


def test_report_index_lists_courses_with_counts(course_admin_client, report_course):
    response = course_admin_client.get("/admin/reports/courses/")
    assert response.status_code == 200
    course = next(c for c in response.context["object_list"] if c.pk == report_course.pk)
    assert (course.students, course.pending, course.completed, course.withdrawn) == (4, 1, 1, 1)
    assert f"/admin/reports/courses/{report_course.pk}/" in response.content.decode()


def test_report_query_count_does_not_grow_with_enrollments(
    course_admin_client, report_course, django_assert_max_num_queries
):
    url = f"/admin/reports/courses/{report_course.pk}/"
    with django_assert_max_num_queries(45) as small:
        course_admin_client.get(url)
    lessons = list(LessonPage.objects.descendant_of(report_course))
    for n in range(40):
        user = make_user(f"extra{n}")
        enroll_as(user, report_course)
        LessonCompletion.objects.bulk_create(
            [LessonCompletion(user=user, lesson=lesson) for lesson in lessons]
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = course_admin_client.get(url)
    assert response.context["report"].students == 44


def test_report_of_an_empty_course(course_admin_client, catalogue):
    course, _ = make_course(catalogue, "Empty", slug="empty", modules=0, lessons=0)
    response = course_admin_client.get(f"/admin/reports/courses/{course.pk}/")
    assert response.status_code == 200
    assert response.context["report"].completion_rate == 0.0
    assert "no published lessons" in response.content.decode()
    assert course_admin_client.get("/admin/reports/courses/999999/").status_code == 404
