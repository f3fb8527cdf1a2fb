"""The syllabus, the lesson outline and the pager show which lessons are closed, and why: the
same rules as the access policy, without extra queries."""

import datetime

import pytest
from django.utils import timezone

from course import access as policy
from course.models import LessonCompletion, ModulePage
from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db

LOCK_ICON = 'class="icon-lock"'


def lock_markers(html):
    return html.count(LOCK_ICON)


@pytest.fixture
def steps(catalogue):
    course, lessons = make_course(catalogue, "Steps", modules=2, lessons=2, sequential=True)
    lessons[0].is_preview = True
    lessons[0].save_revision().publish()
    student = make_user("stu")
    enroll_as(student, course)
    return course, lessons, student


def test_the_locks_follow_the_access_policy_for_every_lesson(steps):
    course, lessons, student = steps
    LessonCompletion.objects.create(user=student, lesson=lessons[1])  # out of order
    enrollment = policy.enrollment_for(student, course)
    locks = policy.outline_locks(course, enrollment, {lessons[1].pk})
    for lesson in lessons:
        access = policy.lesson_access(student, lesson)
        assert (lesson.pk in locks) == (not access.can_view), lesson.title
        if lesson.pk in locks:
            assert locks[lesson.pk].reason == access.reason
    assert locks[lessons[3].pk].detail.page.pk == lessons[2].pk  # complete lesson 2.1 first


def test_the_syllabus_shows_sequence_and_drip_locks_to_a_student(steps):
    course, lessons, student = steps
    module = ModulePage.objects.get(pk=lessons[2].get_parent().pk)
    module.release_on = timezone.localdate() + datetime.timedelta(days=10)
    module.save_revision().publish()
    html = client_for(student).get(course.url).content.decode()
    opens = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%-d %b %Y")
    assert f"Opens {opens}" in html  # both lessons of module 2
    assert html.count(f"Opens {opens}") == 2
    assert f"After “{lessons[0].title}”" in html  # lesson 1.2 waits for 1.1
    LessonCompletion.objects.create(user=student, lesson=lessons[0])
    html = client_for(student).get(course.url).content.decode()
    assert "After “" not in html


def test_visitors_see_every_lesson_but_the_free_preview_locked(steps):
    course, lessons, _ = steps
    html = client_for(None).get(course.url).content.decode()
    assert html.count("Locked: enroll to open") == 3
    outsider = client_for(make_user("out")).get(lessons[0].url).content.decode()
    assert "Locked: enroll to open" in outsider  # the outline beside the free preview


def test_a_locked_next_lesson_is_shown_as_locked(steps):
    course, lessons, student = steps
    client = client_for(student)
    html = client.get(lessons[0].url).content.decode()
    assert "pager__link pager__link--next is-locked" in html
    LessonCompletion.objects.create(user=student, lesson=lessons[0])
    html = client.get(lessons[0].url).content.decode()
    assert 'pager__link pager__link--next"' in html and "is-locked" not in html


def test_a_visitor_on_a_free_preview_sees_the_locked_previous_lesson_as_locked(steps):
    course, lessons, _ = steps
    lessons[2].is_preview = True  # the first lesson of module 2; lesson 1.2 before it is closed
    lessons[2].save_revision().publish()
    html = client_for(None).get(lessons[2].url).content.decode()
    assert "pager__link pager__link--prev is-locked" in html
    html = client_for(None).get(lessons[1].url).content.decode()  # lesson 1.1 before it is open
    assert 'pager__link pager__link--prev"' in html


def test_editors_see_no_locks(steps, editor, gated_course):
    course, lessons, _ = steps
    assert policy.outline_locks(course, None, set(), sees_everything=True) == {}
    html = client_for(editor).get(gated_course.url).content.decode()
    assert "Locked: enroll to open" not in html and lock_markers(html) == 0


def test_on_a_locked_lesson_the_outline_keeps_the_students_ticks_and_reasons(steps):
    course, lessons, student = steps
    LessonCompletion.objects.create(user=student, lesson=lessons[0])
    html = client_for(student).get(lessons[2].url).content.decode()  # locked: 1.2 is not done
    assert "Complete “Lesson 1.2” to open this lesson" in html
    assert "After “Lesson 2.1”" in html  # lesson 2.2 in the outline, with its reason
    assert "Locked: enroll to open" not in html
