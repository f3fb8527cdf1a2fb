"""The access policy's rules: drip, sequential, unpublished ancestors, moves, editors."""

import datetime

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from course import access as policy
from course.models import Enrollment, LessonCompletion
from tests.canaries import BODY_CANARY
from tests.factories import enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def student():
    return make_user("student")


def view(user, page):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(page.url)


def test_reasons(gated_course, personas):
    members = gated_course.lessons[1]
    reasons = {name: policy.lesson_access(user, members).reason for name, user in personas.items()}
    assert reasons == {
        "anonymous": "anonymous",
        "outsider": "not_enrolled",
        "pending": "pending",
        "withdrawn": "not_enrolled",
        "expired": "expired",
        "other_course": "not_enrolled",
        "enrolled": "enrolled",
        "editor": "staff",
    }


def test_no_request_means_anonymous(gated_course):
    members = gated_course.lessons[1]
    assert not policy.lesson_access(None, members).can_view
    request = RequestFactory().get("/")  # no user attached at all
    assert not policy.lesson_access(request, members).can_view
    assert not policy.lesson_access(None, None).can_view


def test_drip_after_days(catalogue, student):
    course, lessons = make_course(catalogue, "Drip", modules=2, lessons=1)
    module2 = lessons[1].get_parent().specific
    module2.release_after_days = 7
    module2.save_revision().publish()
    enrollment = enroll_as(student, course)
    access = policy.lesson_access(student, lessons[1])
    assert access.reason == "not_released"
    assert access.detail == timezone.localdate() + datetime.timedelta(days=7)
    assert "will be available on" in view(student, lessons[1]).content.decode()
    assert policy.lesson_access(student, lessons[0]).can_view
    enrollment.enrolled_at = timezone.now() - datetime.timedelta(days=8)
    enrollment.save()
    assert policy.lesson_access(student, lessons[1]).can_view


def test_a_preview_lesson_in_an_unreleased_module_is_read_not_studied(catalogue, student):
    course, lessons = make_course(catalogue, "Drip preview", modules=2, lessons=1)
    preview = lessons[1]
    preview.is_preview = True
    preview.save_revision().publish()
    module2 = preview.get_parent().specific
    module2.release_after_days = 7
    module2.save_revision().publish()
    enroll_as(student, course)
    assert policy.lesson_access(student, preview).reason == "preview"
    client = Client()
    client.force_login(student)
    html = client.get(preview.url).content.decode()
    assert "Body of lesson 2.1" in html and "Mark lesson complete" not in html
    assert client.post(preview.url + "complete/").status_code == 403
    assert not LessonCompletion.objects.filter(user=student).exists()


def test_drip_on_date(catalogue, student):
    course, lessons = make_course(catalogue, "Dated", modules=1, lessons=1)
    module = lessons[0].get_parent().specific
    module.release_on = timezone.localdate() + datetime.timedelta(days=3)
    module.save_revision().publish()
    enroll_as(student, course)
    assert policy.lesson_access(student, lessons[0]).reason == "not_released"
    module.release_on = timezone.localdate()
    module.save_revision().publish()
    assert policy.lesson_access(student, lessons[0]).can_view


def test_sequential_locks_next_lesson_until_previous_is_complete(catalogue, student):
    course, lessons = make_course(catalogue, "Steps", modules=2, lessons=1, sequential=True)
    enroll_as(student, course)
    assert policy.lesson_access(student, lessons[0]).can_view
    access = policy.lesson_access(student, lessons[1])  # first lesson of the next module
    assert access.reason == "locked_by" and access.detail.pk == lessons[0].pk
    html = view(student, lessons[1]).content.decode()
    # The headline says what opens the lesson, not that it is "for enrolled students".
    assert f"Complete “{lessons[0].title}” to open this lesson</h2>" in html
    assert "This lesson is for enrolled students" not in html
    assert f'href="{lessons[0].url}">Go to {lessons[0].title}</a>' in html
    LessonCompletion.objects.create(user=student, lesson=lessons[0])
    assert policy.lesson_access(student, lessons[1]).can_view


@pytest.mark.parametrize("level", ["course", "module"])
def test_unpublished_ancestor_makes_lessons_404(gated_course, personas, level):
    members = gated_course.lessons[1]
    ancestor = gated_course if level == "course" else members.get_parent()
    ancestor.unpublish()
    for user in (None, personas["enrolled"]):
        assert view(user, members).status_code == 404
    assert policy.lesson_access(personas["enrolled"], members).reason == "unpublished"


def test_moving_a_lesson_changes_who_can_see_it(gated_course, other_course, personas):
    members = gated_course.lessons[1]
    enrolled, other = personas["enrolled"], personas["other_course"]
    assert BODY_CANARY in view(enrolled, members).content.decode()
    target_module = other_course.get_children().first()
    members.move(target_module, pos="last-child")
    members.refresh_from_db()
    assert BODY_CANARY not in view(enrolled, members).content.decode()
    assert BODY_CANARY in view(other, members).content.decode()


def test_only_active_or_completed_unexpired_enrollments_grant(gated_course, student):
    members = gated_course.lessons[1]
    enrollment = enroll_as(student, gated_course, status=Enrollment.Status.COMPLETED)
    assert policy.lesson_access(student, members).can_view
    enrollment.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    enrollment.save()
    assert policy.lesson_access(student, members).reason == "expired"


def test_superuser_and_inactive_editor(gated_course, editor):
    members = gated_course.lessons[1]
    admin = make_user("root", is_superuser=True, is_staff=True)
    assert policy.lesson_access(admin, members).reason == "staff"
    editor.is_active = False
    editor.save()
    assert not policy.lesson_access(editor, members).can_view
