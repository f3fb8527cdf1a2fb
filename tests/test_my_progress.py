"""The student's record in a course ("My progress"): completion dates, quiz attempts, places in
audio and video, last activity; only for the student, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from course.models import Enrollment, LessonCompletion
from lessons.models import MediaPosition, QuizAttempt
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course,
    make_media,
    make_user,
    media_value,
    quiz_value,
)

pytestmark = pytest.mark.django_db


def progress_url(course):
    return f"{course.url}progress/"


@pytest.fixture
def studied(catalogue):
    """A course whose first lesson has a quiz and a ten-minute video; a student who did some of it."""
    course, lessons = make_course(catalogue, "Recorded", modules=2, lessons=2)
    first = lessons[0]
    clip = make_media("Lecture clip", b"bytes", name="lecture.mp4")
    clip.duration = 600
    clip.save()
    first.body = [("quiz", quiz_value()), ("media", media_value(clip, "Lecture"))]
    first.save_revision().publish()
    first.refresh_from_db()
    quiz_id, media_id = first.body[0].id, first.body[1].id
    student = make_user("recorded")
    enroll_as(student, course)
    when = timezone.now() - timedelta(days=2)
    QuizAttempt.objects.create(
        user=student, lesson=first, block_id=quiz_id, answers={}, score=40, created_at=when
    )
    QuizAttempt.objects.create(
        user=student, lesson=first, block_id=quiz_id, answers={}, score=100, passed=True
    )
    MediaPosition.objects.create(user=student, lesson=first, block_id=media_id, position=42, furthest=42)
    LessonCompletion.objects.create(user=student, lesson=first)
    return {"course": course, "lessons": lessons, "student": student}


def test_the_student_sees_each_lesson_and_what_they_did_in_it(studied):
    response = client_for(studied["student"]).get(progress_url(studied["course"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = body_of(response)
    assert "1 of 4 lessons complete (25%)" in html
    assert "Passed, best score 100% (2 attempts)" in html
    assert "At 0:42 of 10:00" in html
    assert html.count("Not yet") == 3  # the three lessons not completed
    assert "Last activity" in html
    for lesson in studied["lessons"]:
        assert lesson.title in html


def test_another_student_sees_only_their_own_record(studied):
    other = make_user("otherrecorded")
    enroll_as(other, studied["course"])
    html = body_of(client_for(other).get(progress_url(studied["course"])))
    assert "0 of 4 lessons complete" in html
    assert "Not attempted" in html and "best score" not in html and "0:42" not in html
    assert "Not started" in html


@pytest.mark.parametrize("status", [Enrollment.Status.PENDING, Enrollment.Status.WITHDRAWN, None])
def test_people_not_enrolled_are_sent_to_the_course_page(studied, status):
    user = make_user("visitor")
    if status is not None:
        enroll_as(user, studied["course"], status)
    response = client_for(user).get(progress_url(studied["course"]), follow=True)
    assert response.redirect_chain[-1][0] == studied["course"].url
    assert "Your progress shows here once you are enrolled" in body_of(response)


def test_anonymous_visitors_are_asked_to_log_in(studied):
    response = client_for(None).get(progress_url(studied["course"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_student_whose_access_ended_still_sees_their_record(studied):
    Enrollment.objects.filter(user=studied["student"]).update(expires_at=timezone.now() - timedelta(days=1))
    html = body_of(client_for(studied["student"]).get(progress_url(studied["course"])))
    assert "Passed, best score 100%" in html


def test_the_course_page_and_the_dashboard_link_to_it(studied):
    client = client_for(studied["student"])
    assert f'href="{progress_url(studied["course"])}"' in body_of(client.get(studied["course"].url))
    assert f'href="{progress_url(studied["course"])}"' in body_of(client.get("/learn/"))


@pytest.mark.parametrize("modules,lessons", [(1, 2), (8, 10)])
def test_the_record_costs_the_same_queries_whatever_the_course_size(catalogue, modules, lessons):
    course, all_lessons = make_course(catalogue, "Sized record", modules=modules, lessons=lessons)
    student = make_user("sized")
    enroll_as(student, course)
    for lesson in all_lessons[:3]:
        LessonCompletion.objects.create(user=student, lesson=lesson)
    client = client_for(student)
    client.get(progress_url(course))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(progress_url(course)).status_code == 200
    # Routing 2, session, user, course, enrollment, completions, lesson pages (2), quiz attempts,
    # media positions, and the host's user bar permissions.
    assert len(queries) <= 12, [q["sql"][:80] for q in queries.captured_queries]
