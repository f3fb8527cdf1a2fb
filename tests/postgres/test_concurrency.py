"""Concurrent enrollments on PostgreSQL: no duplicate rows, no over-booking."""

import pytest

from course.enrollments import EnrollmentError, enroll
from course.models import Certificate, Enrollment, LessonCompletion
from course.progress import complete_course_if_done, mark_complete
from tests.factories import make_catalogue, make_course, make_user
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_threads_enrolling_one_user_make_one_row():
    course, _ = make_course(make_catalogue(), "Race", modules=1, lessons=1)
    user = make_user("racer")
    run_at_once([lambda: enroll(user, course)] * 20, ignore=EnrollmentError)
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_capacity_five_with_twenty_users_at_once():
    course, _ = make_course(make_catalogue(), "Small class", modules=1, lessons=1, capacity=5)
    users = [make_user(f"u{i}") for i in range(20)]
    run_at_once([lambda user=user: enroll(user, course) for user in users], ignore=EnrollmentError)
    assert Enrollment.objects.filter(course=course, status="active").count() == 5
    assert Enrollment.objects.filter(course=course).count() == 5


def test_concurrent_completion_makes_one_row_and_one_certificate():
    course, lessons = make_course(make_catalogue(), "Finish line", modules=1, lessons=1)
    user = make_user("finisher")
    enrollment = enroll(user, course).enrollment

    def finish():
        mark_complete(user, lessons[0])
        complete_course_if_done(enrollment)

    run_at_once([finish] * 10)
    assert LessonCompletion.objects.filter(user=user, lesson=lessons[0]).count() == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
