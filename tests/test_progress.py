"""Lesson completion, resume, course completion, certificates, emails and the dashboard."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from course.enrollments import approve, enroll
from course.models import Certificate, Enrollment, LessonCompletion
from tests.budgets import COURSE_PAGE_MAX_QUERIES
from tests.canaries import ALL_CANARIES
from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_course(catalogue):
    return make_course(catalogue, "Small", modules=2, lessons=1)


def complete_url(lesson):
    return lesson.url + "complete/"


def test_double_post_records_one_completion(small_course):
    course, lessons = small_course
    student = make_user("ana")
    enroll_as(student, course)
    client = client_for(student)
    assert client.post(complete_url(lessons[0])).status_code == 302
    assert client.post(complete_url(lessons[0])).status_code == 302
    assert LessonCompletion.objects.filter(user=student, lesson=lessons[0]).count() == 1


@pytest.mark.parametrize("status", [None, "pending", "withdrawn"])
def test_not_enrolled_cannot_complete(small_course, status):
    course, lessons = small_course
    student = make_user("ana")
    if status:
        enroll_as(student, course, status=status)
    response = client_for(student).post(complete_url(lessons[0]))
    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_complete_requires_post_and_login(small_course):
    course, lessons = small_course
    student = make_user("ana")
    enroll_as(student, course)
    response = client_for(student).get(complete_url(lessons[0]))
    assert (response.status_code, response["Location"]) == (302, lessons[0].url)
    assert Client().post(complete_url(lessons[0])).status_code == 302
    assert not LessonCompletion.objects.exists()


def test_ticks_progress_and_continue(small_course):
    course, lessons = small_course
    student = make_user("ana")
    enroll_as(student, course)
    client = client_for(student)
    html = client.get(course.url).content.decode()
    assert "0 of 2 lessons complete (0%)" in html
    assert f'href="{lessons[0].url}">Start learning' in html
    client.post(complete_url(lessons[0]))
    html = client.get(course.url).content.decode()
    assert "1 of 2 lessons complete (50%)" in html
    assert f"Continue: {lessons[1].title}" in html
    lesson_html = client.get(lessons[0].url).content.decode()
    assert "You completed this lesson." in lesson_html
    assert 'class="is-complete"' in lesson_html


def test_course_completion_issues_one_certificate_and_email(small_course, django_capture_on_commit_callbacks):
    course, lessons = small_course
    student = make_user("ana", first_name="Ana", last_name="Lima")
    enroll_as(student, course)
    client = client_for(student)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            client.post(complete_url(lesson))
        client.post(complete_url(lessons[-1]))
    enrollment = Enrollment.objects.get(user=student)
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completed_at
    assert Certificate.objects.count() == 1
    certificate = Certificate.objects.get()
    completion_mails = [m for m in mail.outbox if "Congratulations" in m.subject]
    assert len(completion_mails) == 1
    assert certificate.get_absolute_url() in completion_mails[0].body
    # Completed students keep access.
    assert client.get(lessons[0].url).status_code == 200


def test_certificate_pdf_and_verification(small_course):
    course, lessons = small_course
    student = make_user("ana", first_name="Ana", last_name="Lima")
    enroll_as(student, course)
    client = client_for(student)
    for lesson in lessons:
        client.post(complete_url(lesson))
    certificate = Certificate.objects.get()
    assert len(certificate.code) >= 32
    response = client.get(course.url + "certificate/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Ana Lima" in response.content
    page = Client().get(f"/certificates/{certificate.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ana Lima" in html and course.title in html
    assert Client().get("/certificates/not-a-real-code/").status_code == 404
    # Nobody else can download it.
    assert client_for(make_user("eve")).get(course.url + "certificate/").status_code == 404


def test_emails_for_enrollment_and_approval_never_carry_gated_text(
    gated_course, django_capture_on_commit_callbacks
):
    student = make_user("ana")
    with django_capture_on_commit_callbacks(execute=True):
        enroll(student, gated_course)
    assert any("You are enrolled" in m.subject for m in mail.outbox)
    gated_course.enrollment_mode = "approval"
    gated_course.save()
    other = make_user("bob")
    with django_capture_on_commit_callbacks(execute=True):
        pending = enroll(other, gated_course).enrollment
    assert any("Enrollment requested" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        approve(pending)
    assert any("Enrollment approved" in m.subject for m in mail.outbox)
    client = client_for(student)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in gated_course.lessons:
            client.post(complete_url(lesson))
    assert any("Congratulations" in m.subject for m in mail.outbox)
    for message in mail.outbox:
        for canary in ALL_CANARIES:
            assert canary not in message.body and canary not in message.subject


def test_dashboard_shows_progress_and_certificates(small_course):
    course, lessons = small_course
    student = make_user("ana")
    enroll_as(student, course)
    client = client_for(student)
    client.post(complete_url(lessons[0]))
    html = client.get("/learn/").content.decode()
    assert "1 of 2 lessons (50%)" in html and "last activity" in html
    client.post(complete_url(lessons[1]))
    html = client.get("/learn/").content.decode()
    assert "Download certificate (PDF)" in html and "Public verification page" in html
    assert re.search(r'aria-valuenow="100"', html)


@pytest.mark.parametrize("lessons_per_module", [2, 12])
def test_dashboard_and_course_page_queries_do_not_grow(
    catalogue, django_assert_max_num_queries, lessons_per_module
):
    student = make_user("ana")
    for index in range(3):
        course, lessons = make_course(catalogue, f"Course {index}", modules=5, lessons=lessons_per_module)
        enroll_as(student, course)
        LessonCompletion.objects.create(user=student, lesson=lessons[0])
    client = client_for(student)
    client.get("/learn/")
    with django_assert_max_num_queries(9):  # 8, and the site's course branding for the page title
        assert client.get("/learn/").status_code == 200
    client.get(course.url)
    with django_assert_max_num_queries(COURSE_PAGE_MAX_QUERIES):
        assert client.get(course.url).status_code == 200


def test_no_email_is_sent_for_an_enrollment_that_rolls_back(gated_course, django_capture_on_commit_callbacks):
    student = make_user("ana")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enroll(student, gated_course)
        raise RuntimeError("a later step of the caller failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Enrollment.objects.filter(user=student).exists()
