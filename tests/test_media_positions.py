"""Resume: each student's place in a lesson's audio and video blocks, reported by the player,
recorded at most every few seconds, and what a lesson asks to be watched before completion."""

from datetime import timedelta

import pytest
from django.test import Client

from course.models import Enrollment, LessonCompletion
from lessons.media import MIN_INTERVAL
from lessons.models import MediaPosition
from tests.canaries import NO_ACCESS
from tests.factories import body_of, client_for, enroll_as, make_user, make_video_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(catalogue):
    course, lesson, block_id = make_video_lesson(catalogue)
    student = make_user("watcher")
    enroll_as(student, course)
    return {"course": course, "lesson": lesson, "block_id": block_id, "student": student}


def position_url(lesson, block_id):
    return f"{lesson.url}media/{block_id}/position/"


def report(client, video, position, block_id=None):
    return client.post(position_url(video["lesson"], block_id or video["block_id"]), {"position": position})


def age(video, seconds):
    """Make the saved report `seconds` older, as if the student had watched on since."""
    row = MediaPosition.objects.get(user=video["student"], block_id=video["block_id"])
    MediaPosition.objects.filter(pk=row.pk).update(updated_at=row.updated_at - timedelta(seconds=seconds))


def test_a_reported_position_is_where_the_next_visit_resumes(video):
    client = client_for(video["student"])
    html = body_of(client.get(video["lesson"].url))
    assert 'data-resume-at="0.0"' in html and "course/js/media-resume" in html
    assert report(client, video, "42.5").status_code == 204
    html = body_of(client.get(video["lesson"].url))
    assert 'data-resume-at="42.5"' in html
    assert "Start over" in html


def test_reports_closer_than_the_interval_are_refused_then_accepted_again(video):
    client = client_for(video["student"])
    assert report(client, video, "10").status_code == 204
    too_soon = report(client, video, "12")
    assert too_soon.status_code == 429 and "too soon" in too_soon.content.decode()
    age(video, MIN_INTERVAL.total_seconds())
    assert report(client, video, "15").status_code == 204
    assert MediaPosition.objects.get(user=video["student"]).position == 15


@pytest.mark.parametrize("position", ["abc", "", "-1", "nan", "inf", "-inf", "1e309", "601.5", "99999999999"])
def test_a_position_that_is_not_in_the_video_is_400(video, position):
    response = report(client_for(video["student"]), video, position)
    assert response.status_code == 400
    assert "position must" in response.content.decode()
    assert not MediaPosition.objects.exists()


def test_unknown_blocks_other_verbs_and_missing_tokens_are_refused(video):
    client = client_for(video["student"])
    assert report(client, video, "5", block_id="no-such-block").status_code == 404
    assert client.get(position_url(video["lesson"], video["block_id"])).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(video["student"])
    assert report(strict, video, "5").status_code == 403
    assert not MediaPosition.objects.exists()


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_people_without_access_cannot_save_a_place(personas, media_course, persona):
    members = media_course.lessons[1]
    section = next(child for child in members.body if child.block_type == "gated_section")
    url = f"{members.url}media/{section.value['content'][0].id}/position/"
    response = client_for(personas[persona]).post(url, {"position": "1"})
    assert response.status_code in (403, 404)
    assert not MediaPosition.objects.exists()


def test_a_free_preview_visitor_plays_but_saves_nothing(media_course):
    preview = media_course.lessons[0]
    block_id = next(child for child in preview.body if child.block_type == "media").id
    outsider = client_for(make_user("browser"))
    assert "data-position-url" not in body_of(outsider.get(preview.url))
    response = outsider.post(f"{preview.url}media/{block_id}/position/", {"position": "1"})
    assert response.status_code == 403


def test_each_student_resumes_at_their_own_place(video):
    other = make_user("otherwatcher")
    enroll_as(other, video["course"])
    assert report(client_for(video["student"]), video, "300").status_code == 204
    html = body_of(client_for(other).get(video["lesson"].url))
    assert 'data-resume-at="0.0"' in html


def test_a_withdrawn_student_can_no_longer_report(video):
    Enrollment.objects.filter(user=video["student"]).update(status=Enrollment.Status.WITHDRAWN)
    assert report(client_for(video["student"]), video, "3").status_code == 403


def test_a_lesson_asking_for_80_percent_completes_only_once_watched_that_far(video):
    lesson, client = video["lesson"], client_for(video["student"])
    lesson.watch_percent_required = 80
    lesson.save_revision().publish()
    complete = f"{lesson.url}complete/"

    # One report near the end cannot claim the whole video: it moves on only as fast as it plays.
    assert report(client, video, "590").status_code == 204
    assert "Watch at least 80% of “Lecture”" in body_of(client.get(lesson.url))
    response = client.post(complete, follow=True)
    assert "Watch at least 80% of “Lecture”" in body_of(response)
    assert not LessonCompletion.objects.filter(user=video["student"]).exists()

    age(video, 300)  # five minutes of watching later
    assert report(client, video, "500").status_code == 204
    assert MediaPosition.objects.get(user=video["student"]).furthest == 500
    client.post(complete)
    assert LessonCompletion.objects.filter(user=video["student"], lesson=lesson).exists()


def test_without_a_requirement_the_lesson_completes_without_watching(video):
    client = client_for(video["student"])
    client.post(f"{video['lesson'].url}complete/")
    assert LessonCompletion.objects.filter(user=video["student"]).exists()
