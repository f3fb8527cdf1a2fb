"""Page query counts stay bounded and do not grow with course size."""

import pytest
from django.test import Client

from tests.budgets import COURSE_PAGE_MAX_QUERIES, LESSON_PAGE_MAX_QUERIES, LOCKED_LESSON_EXTRA_QUERIES
from tests.factories import enroll_as, make_course, make_user

SIZES = [(2, 2), (10, 20)]


def clients(course):
    student = make_user("student")
    enroll_as(student, course)
    enrolled = Client()
    enrolled.force_login(student)
    return {"anonymous": Client(), "enrolled": enrolled}


@pytest.mark.django_db
@pytest.mark.parametrize("modules,lessons", SIZES)
@pytest.mark.parametrize("locked", [False, True], ids=["open", "locked"])
def test_lesson_page_queries_are_bounded(catalogue, django_assert_max_num_queries, modules, lessons, locked):
    course, all_lessons = make_course(catalogue, "Sized", modules=modules, lessons=lessons, sequential=True)
    # The sequence opens the first lesson to a new student and locks the ones after it.
    lesson = all_lessons[len(all_lessons) // 2] if locked else all_lessons[0]
    budget = LESSON_PAGE_MAX_QUERIES + (LOCKED_LESSON_EXTRA_QUERIES if locked else 0)
    for name, client in clients(course).items():
        client.get(lesson.url)  # warm per-process caches (content types, site, outline)
        with django_assert_max_num_queries(budget, info=name):
            response = client.get(lesson.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert ("Complete “" in html) is (locked and name == "enrolled")  # the sequence's lock notice
        assert html.count('class="outline__lessons"') == 1  # the current module's lessons
        assert html.count('class="outline__module"') == modules


@pytest.mark.django_db
@pytest.mark.parametrize("modules,lessons", SIZES)
def test_course_page_queries_are_bounded(catalogue, django_assert_max_num_queries, modules, lessons):
    course, _ = make_course(catalogue, "Sized", modules=modules, lessons=lessons)
    for name, client in clients(course).items():
        client.get(course.url)
        with django_assert_max_num_queries(COURSE_PAGE_MAX_QUERIES, info=name):
            response = client.get(course.url)
        assert response.status_code == 200
        assert response.content.decode().count('class="syllabus__lesson"') == modules * lessons
