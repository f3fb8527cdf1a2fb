"""The position throttle holds when one student's player reports from many requests at once."""

from datetime import timedelta

import pytest

from lessons.models import MediaPosition
from tests.factories import client_for, enroll_as, make_catalogue, make_user, make_video_lesson
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REQUESTS = 20


def report_at_once(student, lesson, block_id):
    url = f"{lesson.url}media/{block_id}/position/"
    clients = [client_for(student) for _ in range(REQUESTS)]
    calls = [lambda c=client, n=n: c.post(url, {"position": str(10 + n)}) for n, client in enumerate(clients)]
    return sorted(response.status_code for response in run_at_once(calls))


def test_twenty_simultaneous_first_reports_record_exactly_one():
    course, lesson, block_id = make_video_lesson(make_catalogue())
    student = make_user("racer")
    enroll_as(student, course)
    assert report_at_once(student, lesson, block_id) == [204] + [429] * (REQUESTS - 1)
    assert MediaPosition.objects.filter(user=student).count() == 1


def test_twenty_simultaneous_later_reports_record_exactly_one():
    course, lesson, block_id = make_video_lesson(make_catalogue())
    student = make_user("racer")
    enroll_as(student, course)
    first = client_for(student).post(f"{lesson.url}media/{block_id}/position/", {"position": "5"})
    assert first.status_code == 204
    row = MediaPosition.objects.get(user=student)
    MediaPosition.objects.filter(pk=row.pk).update(updated_at=row.updated_at - timedelta(days=1))
    assert report_at_once(student, lesson, block_id) == [204] + [429] * (REQUESTS - 1)
    row.refresh_from_db()
    assert 10 <= row.position < 10 + REQUESTS
