"""Quiz attempt limits hold when one student submits the same quiz from many requests at once."""

import pytest

from course.models import Certificate, Enrollment, LessonCompletion
from lessons.models import QuizAttempt
from tests.factories import client_for, enroll_as, make_catalogue, make_quiz_lesson, make_user
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REQUESTS = 20


def submit_at_once(user, lesson, answer):
    """POST the lesson's quiz from REQUESTS logged-in clients released together; the responses."""
    block = next(child for child in lesson.body if child.block_type == "quiz")
    question = block.value["questions"].bound_blocks[0]
    choice = next(c.id for c in question.value["choices"].bound_blocks if c.value["text"] == answer)
    url = f"{lesson.url}quiz/{block.id}/"
    clients = [client_for(user) for _ in range(REQUESTS)]
    data = {f"q-{question.id}": choice}
    responses = run_at_once([lambda client=client: client.post(url, data) for client in clients])
    assert len(responses) == REQUESTS
    return responses


def split(responses):
    accepted = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 403]
    assert len(accepted) + len(refused) == REQUESTS, sorted(r.status_code for r in responses)
    assert all("used all your attempts" in r.content.decode() for r in refused)
    return accepted, refused


def test_twenty_simultaneous_submissions_with_one_attempt_allowed_record_one():
    course, lesson = make_quiz_lesson(make_catalogue(), max_attempts=1)
    student = make_user("racer")
    enrollment = enroll_as(student, course)

    accepted, refused = split(submit_at_once(student, lesson, "Lumbar"))

    attempt = QuizAttempt.objects.get(user=student, lesson=lesson)  # exactly one row
    assert len(accepted) == 1 and len(refused) == REQUESTS - 1
    assert f"?attempt={attempt.pk}#quiz-" in accepted[0]["Location"]
    # The accepted attempt passed, so the lesson and the one-lesson course are complete.
    assert attempt.passed
    assert LessonCompletion.objects.filter(user=student, lesson=lesson).count() == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_twenty_simultaneous_submissions_with_three_attempts_allowed_record_three():
    course, lesson = make_quiz_lesson(make_catalogue(), max_attempts=3)
    student = make_user("racer")
    enroll_as(student, course)

    accepted, refused = split(submit_at_once(student, lesson, "Cervical"))

    attempts = QuizAttempt.objects.filter(user=student, lesson=lesson)
    assert attempts.count() == 3
    assert len(accepted) == 3 and len(refused) == REQUESTS - 3
    assert sorted(r["Location"].split("?attempt=")[1].split("#")[0] for r in accepted) == sorted(
        str(pk) for pk in attempts.values_list("pk", flat=True)
    )
    assert not LessonCompletion.objects.filter(user=student, lesson=lesson).exists()
