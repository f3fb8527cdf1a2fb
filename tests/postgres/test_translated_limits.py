"""Limits hold across a course's translations on PostgreSQL: students enrolling through the
English and the French course at once share one capacity, one enrollment per student, and
completions in both languages make one row."""

import pytest

from course.enrollments import EnrollmentError, enroll
from course.models import Enrollment, LessonCompletion
from course.progress import mark_complete
from lessons.models import QuizAttempt
from tests.factories import (
    client_for,
    enroll_as,
    make_catalogue,
    make_course,
    make_quiz_lesson,
    make_user,
    quiz_block,
    translate_course,
)
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_capacity_five_with_twenty_users_through_two_languages():
    course, _ = make_course(make_catalogue(), "Small class", modules=1, lessons=1, capacity=5)
    french_course, _ = translate_course(course)
    users = [make_user(f"u{i}") for i in range(20)]
    calls = [
        lambda user=user, page=(course if i % 2 else french_course): enroll(user, page)
        for i, user in enumerate(users)
    ]
    run_at_once(calls, ignore=EnrollmentError)
    enrollments = Enrollment.objects.filter(course__translation_key=course.translation_key)
    assert enrollments.filter(status="active").count() == 5
    assert enrollments.count() == 5
    assert set(enrollments.values_list("course_id", flat=True)) == {course.pk}


def test_twenty_threads_one_user_both_languages_make_one_enrollment_and_one_completion():
    course, lessons = make_course(make_catalogue(), "Race", modules=1, lessons=1)
    french_course, french_lessons = translate_course(course)
    user = make_user("racer")
    run_at_once([lambda page=page: enroll(user, page) for page in [course, french_course] * 10])
    assert Enrollment.objects.filter(user=user).count() == 1
    run_at_once(
        [lambda lesson=lesson: mark_complete(user, lesson) for lesson in [lessons[0], french_lessons[0]] * 10]
    )
    assert LessonCompletion.objects.filter(user=user).count() == 1


def test_quiz_attempt_limit_holds_across_languages():
    """Twenty submissions at once, half to the English quiz and half to the same quiz in French,
    with two attempts allowed: exactly two are recorded, under the English lesson."""
    course, lesson = make_quiz_lesson(make_catalogue(), max_attempts=2)
    _, (french_lesson,) = translate_course(course)
    student = make_user("racer")
    enroll_as(student, course)
    calls = []
    for i in range(20):
        page = lesson if i % 2 else french_lesson
        block = quiz_block(page)
        question = block.value["questions"].bound_blocks[0]
        wrong = next(c.id for c in question.value["choices"].bound_blocks if not c.value["correct"])
        client = client_for(student)
        calls.append(
            lambda client=client, url=f"{page.url}quiz/{block.id}/", data={f"q-{question.id}": wrong}: (
                client.post(url, data)
            )
        )
    responses = run_at_once(calls)
    assert sorted(response.status_code for response in responses) == [302] * 2 + [403] * 18
    assert QuizAttempt.objects.filter(user=student).count() == 2
    assert set(QuizAttempt.objects.values_list("lesson_id", flat=True)) == {lesson.pk}
