"""Page query counts stay bounded and do not grow with course size."""

import pytest
from django.test import Client

from tests.budgets import COURSE_PAGE_MAX_QUERIES, LESSON_PAGE_MAX_QUERIES
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
def test_lesson_page_queries_are_bounded(catalogue, django_assert_max_num_queries, modules, lessons):
    course, all_lessons = make_course(catalogue, "Sized", modules=modules, lessons=lessons, sequential=True)
    middle = all_lessons[len(all_lessons) // 2]
    for name, client in clients(course).items():
        client.get(middle.url)  # warm per-process caches (content types, site root paths)
        with django_assert_max_num_queries(LESSON_PAGE_MAX_QUERIES, info=name):
            response = client.get(middle.url)
        assert response.status_code == 200
        html = response.content.decode()
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
