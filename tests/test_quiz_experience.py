"""A quiz as a student meets it: answers kept after a miss, attempts counted, choices marked once
revealing them cannot help a guess, and a way on after a pass."""

import pytest

from lessons.models import LessonPage
from tests.factories import client_for, enroll_as, ids, make_quiz_lesson, make_user, publish, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_lesson(catalogue):
    # pass mark 50: the first question right passes; 3 attempts
    course, lesson = make_quiz_lesson(catalogue, max_attempts=3)
    student = make_user("quizzer")
    enroll_as(student, course)
    return lesson, client_for(student)


def wrong_first(lesson):
    (q1, q2), c = ids(lesson)
    return {f"q-{q1}": [c["Cervical"]], f"q-{q2}": [c["Osteoarthritis"]]}


def test_a_failed_attempt_keeps_the_answers_and_reveals_no_right_choice(quiz_lesson):
    lesson, client = quiz_lesson
    (_, _), c = ids(lesson)
    html = client.get(submit(client, lesson, wrong_first(lesson))["Location"]).content.decode()
    assert "1 of 3 attempts used" in html and "2 attempts left" in html
    assert f'value="{c["Cervical"]}" checked' in html and f'value="{c["Osteoarthritis"]}" checked' in html
    assert f'value="{c["Lumbar"]}">' in html  # not chosen last time
    assert "right answer, missed" not in html and "your answer, wrong" not in html
    assert "incorrect" in html


def test_a_pass_marks_every_choice_and_offers_the_next_lesson(quiz_lesson):
    lesson, client = quiz_lesson
    following = publish(
        lesson.get_parent(), LessonPage(title="After the quiz", slug="after", summary="s", body=[])
    )
    (q1, q2), c = ids(lesson)
    passing = {f"q-{q1}": [c["Lumbar"]], f"q-{q2}": [c["Osteoarthritis"], c["A fall"]]}
    html = client.get(submit(client, lesson, passing)["Location"]).content.decode()
    assert "passed." in html
    assert "your answer, right" in html and "your answer, wrong" in html and "right answer, missed" in html
    assert 'class="quiz__form"' not in html  # the form is collapsed after a pass
    assert f'<a class="button" href="{following.url}">Continue to the next lesson</a>' in html


def test_using_every_attempt_reveals_the_answers(quiz_lesson):
    lesson, client = quiz_lesson
    for _ in range(3):
        location = submit(client, lesson, wrong_first(lesson))["Location"]
    html = client.get(location).content.decode()
    assert "3 of 3 attempts used" in html and "You have used all your attempts." in html
    assert "right answer, missed" in html
