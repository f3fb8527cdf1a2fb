"""What a student who completed a course sees, and what stays on the record whatever happens later."""

import datetime

import pytest
from django.utils import timezone

from course.enrollments import EnrollmentError, enroll, expire
from course.models import Certificate, Enrollment
from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db

DONE_AT = datetime.datetime(2026, 3, 14, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def graduate(catalogue):
    course, lessons = make_course(catalogue, "Finished", modules=1, lessons=2)
    user = make_user("grad")
    enrollment = enroll_as(user, course, Enrollment.Status.COMPLETED, completed_at=DONE_AT)
    certificate = Certificate.objects.create(enrollment=enrollment)
    return user, course, lessons, enrollment, certificate


def test_the_course_page_leads_with_the_certificate(graduate):
    user, course, lessons, _, _ = graduate
    html = client_for(user).get(course.url).content.decode()
    assert "You completed this course on 14 March 2026." in html
    assert f'<a class="button" href="{course.url}certificate/">Download certificate (PDF)</a>' in html
    assert f'href="{lessons[0].url}">Review the lessons</a>' in html
    assert "Continue" not in html and "Start learning" not in html and "Leave course" not in html


def test_my_learning_says_when_and_offers_the_certificate(graduate):
    user, course, _, _, certificate = graduate
    html = client_for(user).get("/learn/").content.decode()
    assert "Completed on 14 March 2026" in html
    assert f'<a class="button" href="{course.url}certificate/">Download certificate (PDF)</a>' in html
    assert "Review the course" in html and ">Continue<" not in html
    assert f"/certificates/{certificate.code}/" in html


def test_a_graduate_whose_access_ended_renews_it_and_stays_a_graduate(graduate):
    user, course, _, enrollment, certificate = graduate
    expire(enrollment, at=timezone.now() - datetime.timedelta(days=1))
    client = client_for(user)
    html = client.get(course.url).content.decode()
    assert "You completed this course on 14 March 2026." in html
    assert "Your access to the lessons ended" in html and "Renew access to the lessons" in html
    assert f'{course.url}certificate/">Download certificate (PDF)</a>' in html
    assert client.post(course.url)["Location"] == course.url
    enrollment.refresh_from_db()
    assert enrollment.grants_access()
    assert (enrollment.status, enrollment.completed_at) == (Enrollment.Status.COMPLETED, DONE_AT)
    assert Certificate.objects.get(enrollment=enrollment) == certificate


def test_in_an_approval_course_the_team_renews_a_graduate(graduate):
    user, course, _, enrollment, _ = graduate
    course.enrollment_mode = course.EnrollmentMode.APPROVAL
    course.save_revision().publish()
    expire(enrollment, at=timezone.now() - datetime.timedelta(days=1))
    html = client_for(user).get(course.url).content.decode()
    assert "To open the lessons again, ask the course team." in html and "Renew access" not in html
    with pytest.raises(EnrollmentError, match="ask the course team"):
        enroll(user, course)
    renewed = enroll(user, course, source=Enrollment.Source.ADMIN).enrollment
    assert renewed.grants_access() and renewed.status == Enrollment.Status.COMPLETED
    assert renewed.completed_at == DONE_AT


def test_a_graduate_of_a_code_course_renews_without_the_code(graduate):
    user, course, _, enrollment, _ = graduate
    course.enrollment_mode, course.enrollment_code = course.EnrollmentMode.CODE, "PINE-2026-X"
    course.save_revision().publish()
    Enrollment.objects.filter(pk=enrollment.pk).update(source=Enrollment.Source.CODE)
    expire(enrollment, at=timezone.now() - datetime.timedelta(days=1))
    client = client_for(user)
    assert 'name="code"' not in client.get(course.url).content.decode()
    client.post(course.url)
    assert Enrollment.objects.get(pk=enrollment.pk).grants_access()
