"""Quizzes: graded on the server, answers never shown before submission, strict input handling."""

import re

import pytest
from django.http import QueryDict
from django.test import Client

from course.models import LessonCompletion
from lessons.models import LessonPage, QuizAttempt
from lessons.quiz import grade, parse_answers
from tests.factories import (
    FEEDBACK_CANARY,
    client_for,
    enroll_as,
    ids,
    make_course,
    make_user,
    quiz_block,
    quiz_value,
    right_answers,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_lesson(catalogue):
    course, lessons = make_course(catalogue, "Quizzed", modules=1, lessons=2)
    lesson = lessons[0]
    lesson.body = [("paragraph", "<p>Read this.</p>"), ("quiz", quiz_value(max_attempts=3))]
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.course_page = course
    return lesson


@pytest.fixture
def student(quiz_lesson):
    user = make_user("ana")
    enroll_as(user, quiz_lesson.course_page)
    return user


def test_unsubmitted_quiz_html_carries_no_marker_of_correct_answers(quiz_lesson, student):
    html = client_for(student).get(quiz_lesson.url).content.decode()
    assert "Which segment of the spine?" in html
    assert FEEDBACK_CANARY not in html and "Lower back means lumbar" not in html
    # Inputs of right and wrong choices are identical apart from their opaque value.
    inputs = re.findall(r"<input [^>]*name=\"q-[^>]*>", html)
    assert len(inputs) == 5
    shapes = {re.sub(r'value="[^"]*"', "", tag) for tag in inputs}
    assert len(shapes) == 2  # one shape for radios, one for checkboxes
    assert "correct" not in " ".join(inputs).lower()
    api = Client().get(f"/api/v2/pages/{quiz_lesson.pk}/?fields=*").content.decode()
    assert FEEDBACK_CANARY not in api and "Lumbar" not in api


def test_grading_single_and_multiple_answers(quiz_lesson):
    value = quiz_block(quiz_lesson).value
    (q1, q2), c = ids(quiz_lesson)
    score, passed, results = grade(
        value, {q1: [c["Lumbar"]], q2: [c["Osteoarthritis"], c["Disc degeneration"]]}
    )
    assert (score, passed) == (100, True)
    score, passed, results = grade(
        value, {q1: [c["Lumbar"]], q2: [c["Osteoarthritis"]]}
    )  # partial set is wrong
    assert (score, passed) == (50, False)
    assert [r.correct for r in results] == [True, False]
    score, _, _ = grade(
        value, {q1: [c["Cervical"]], q2: [c["Osteoarthritis"], c["Disc degeneration"], c["A fall"]]}
    )
    assert score == 0
    assert grade(value, {})[0] == 0


def test_passing_the_required_quiz_completes_the_lesson(quiz_lesson, student):
    client = client_for(student)
    # Manual completion is refused while the required quiz is not passed.
    client.post(quiz_lesson.url + "complete/")
    assert not LessonCompletion.objects.exists()
    (q1, q2), c = ids(quiz_lesson)
    response = submit(client, quiz_lesson, {f"q-{q1}": [c["Cervical"]]})
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.passed) == (0, False)
    assert not LessonCompletion.objects.exists()
    result_page = client.get(response["Location"]).content.decode()
    assert "You scored 0%" in result_page and FEEDBACK_CANARY in result_page  # feedback after submitting
    submit(client, quiz_lesson, right_answers(quiz_lesson))
    assert QuizAttempt.objects.filter(passed=True).count() == 1
    assert LessonCompletion.objects.filter(user=student, lesson=quiz_lesson).exists()


def test_attempt_limit(quiz_lesson, student):
    client = client_for(student)
    (q1, _), c = ids(quiz_lesson)
    for _ in range(3):
        assert submit(client, quiz_lesson, {f"q-{q1}": [c["Cervical"]]}).status_code == 302
    response = submit(client, quiz_lesson, right_answers(quiz_lesson))
    assert response.status_code == 403
    assert "used all your attempts" in response.content.decode()
    assert QuizAttempt.objects.count() == 3
    assert "You have used all your attempts." in client.get(quiz_lesson.url).content.decode()


def test_only_enrolled_students_may_submit(quiz_lesson):
    outsider = make_user("eve")
    assert submit(client_for(outsider), quiz_lesson, right_answers(quiz_lesson)).status_code == 403
    assert submit(Client(), quiz_lesson, right_answers(quiz_lesson)).status_code == 302  # to login
    response = client_for(outsider).get(f"{quiz_lesson.url}quiz/{quiz_block(quiz_lesson).id}/")
    assert (response.status_code, response["Location"]) == (302, quiz_lesson.url)
    assert not QuizAttempt.objects.exists()


def test_bad_payloads_get_a_clear_400(quiz_lesson, student):
    client = client_for(student)
    (q1, q2), c = ids(quiz_lesson)
    cases = [
        ({f"q-{q1}": [c["Lumbar"]]}, "not-a-block", "does not exist"),
        ({f"q-{q1}": ["no-such-choice"]}, None, "not one of the choices"),
        ({f"q-{q1}": [c["Osteoarthritis"]]}, None, "not one of the choices"),  # another question's choice
        ({f"q-{q2}": [c["Osteoarthritis"], c["Osteoarthritis"]]}, None, "submitted twice"),
        ({f"q-{q1}": [c["Lumbar"], c["Cervical"]]}, None, "Only one answer"),
        ({"q-unknown-question": [c["Lumbar"]]}, None, "question that is not in this quiz"),
        ({f"q-{q1}": [c["Lumbar"]], "padding": "x" * 40_000}, None, "too large"),
    ]
    for data, block_id, message in cases:
        response = submit(client, quiz_lesson, data, block_id=block_id)
        assert response.status_code == 400, message
        assert message in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_parse_ignores_unrelated_fields(quiz_lesson):
    (q1, _), c = ids(quiz_lesson)
    data = QueryDict(mutable=True)
    data.update({"csrfmiddlewaretoken": "x", "score": "100", f"q-{q1}": c["Lumbar"]})
    assert parse_answers(quiz_block(quiz_lesson).value, data) == {q1: [c["Lumbar"]]}
