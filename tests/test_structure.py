"""Structuring a course in the page explorer: the syllabus follows tree order, and deleting a
lesson (after Wagtail's confirmation) leaves progress and completion consistent."""

import re

import pytest

from course.admin.reports import course_report
from course.models import Certificate, CoursePage, Enrollment, LessonCompletion
from course.progress import progress_for
from lessons.models import LessonPage
from tests.factories import enroll_as, make_course, make_user


@pytest.fixture
def course(catalogue):
    course, lessons = make_course(catalogue, "Structured", slug="structured", modules=2, lessons=3)
    course.lesson_list = lessons
    return course


def fresh(course):
    return CoursePage.objects.get(pk=course.pk)


def syllabus_titles(client, course):
    html = client.get(fresh(course).url).content.decode()
    syllabus = html.split('<ol class="syllabus">', 1)[1]
    syllabus = re.sub(r'<span class="syllabus__number">.*?</span>', "", syllabus)  # "Module 1" labels
    return re.findall(r">\s*(Lesson \d\.\d|Module \d)\s*<", syllabus)


def test_reordering_lessons_and_modules_changes_the_syllabus(course_admin_client, course):
    first_module_lessons = course.lesson_list[:3]
    moved = first_module_lessons[2]
    response = course_admin_client.post(f"/admin/pages/{moved.pk}/set_position/?position=0")
    assert response.status_code == 200
    assert [e.page.title for e in fresh(course).outline.lessons][:3] == [
        "Lesson 1.3",
        "Lesson 1.1",
        "Lesson 1.2",
    ]

    module_two = fresh(course).outline.modules[1].page
    assert (
        course_admin_client.post(f"/admin/pages/{module_two.pk}/set_position/?position=0").status_code == 200
    )
    outline = fresh(course).outline
    assert [m.page.title for m in outline.modules] == ["Module 2", "Module 1"]
    assert [e.number for e in outline.lessons] == [1, 2, 3, 4, 5, 6]
    assert outline.lessons[0].page.title == "Lesson 2.1"

    titles = syllabus_titles(course_admin_client, course)
    assert titles[:8] == [
        "Module 2",
        "Lesson 2.1",
        "Lesson 2.2",
        "Lesson 2.3",
        "Module 1",
        "Lesson 1.3",
        "Lesson 1.1",
        "Lesson 1.2",
    ]


def test_moving_a_lesson_to_another_module(course_admin_client, course):
    lesson = course.lesson_list[0]
    module_two = fresh(course).outline.modules[1].page
    confirm_url = f"/admin/pages/{lesson.pk}/move/{module_two.pk}/confirm/"
    assert course_admin_client.get(confirm_url).status_code == 200
    assert course_admin_client.post(confirm_url).status_code == 302
    outline = fresh(course).outline
    assert [e.page.title for e in outline.modules[1].lessons] == [
        "Lesson 2.1",
        "Lesson 2.2",
        "Lesson 2.3",
        "Lesson 1.1",
    ]
    assert len(outline.modules[0].lessons) == 2


def test_deleting_a_lesson_asks_first_and_keeps_progress_consistent(course_admin_client, course):
    lessons = course.lesson_list
    doomed = lessons[1]
    midway = make_user("midway")  # completed the doomed lesson and one other
    enroll_as(midway, course)
    almost = make_user("almost")  # completed every lesson except the doomed one
    almost_enrollment = enroll_as(almost, course)
    for lesson in (lessons[0], doomed):
        LessonCompletion.objects.create(user=midway, lesson=lesson)
    for lesson in lessons:
        if lesson.pk != doomed.pk:
            LessonCompletion.objects.create(user=almost, lesson=lesson)
    assert progress_for(midway, fresh(course)).done == 2

    confirm = course_admin_client.get(f"/admin/pages/{doomed.pk}/delete/")
    assert confirm.status_code == 200
    assert "Are you sure you want to delete this page" in confirm.content.decode()
    assert LessonPage.objects.filter(pk=doomed.pk).exists(), "nothing happens before confirmation"

    assert course_admin_client.post(f"/admin/pages/{doomed.pk}/delete/").status_code == 302
    assert not LessonPage.objects.filter(pk=doomed.pk).exists()
    assert not LessonCompletion.objects.filter(lesson_id=doomed.pk).exists()

    progress = progress_for(midway, fresh(course))
    assert (progress.done, progress.total) == (1, 5)
    assert Enrollment.objects.get(user=midway).status == Enrollment.Status.ACTIVE

    almost_enrollment.refresh_from_db()
    assert almost_enrollment.status == Enrollment.Status.COMPLETED, "every remaining lesson is done"
    assert Certificate.objects.filter(enrollment=almost_enrollment).exists()

    report = course_report(fresh(course))
    assert [row.title for row in report.funnel] == [
        "Lesson 1.1",
        "Lesson 1.3",
        "Lesson 2.1",
        "Lesson 2.2",
        "Lesson 2.3",
    ]
    assert report.funnel[0].completed == 2
