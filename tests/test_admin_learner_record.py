"""A student's record for the administrators of their course: what "My progress" shows, and two
changes to it per lesson (reset; mark complete on the student's behalf), each confirmed first,
posted with CSRF, logged on the enrollment with who and when, and refused to everyone else."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail.models import GroupPagePermission, ModelLogEntry

from course.admin.roles import setup_roles
from course.models import AbstractLessonPage, Certificate, Enrollment, LessonCompletion
from lessons.models import MediaPosition, QuizAttempt
from tests.admin_outcomes import DENIED, outcome
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course,
    make_course_admin,
    make_marketer,
    make_media,
    make_superuser,
    make_user,
    media_value,
    quiz_value,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/enrollments/"


def record_url(enrollment):
    return reverse("course_enrollments:record", args=[enrollment.pk])


def action_url(name, enrollment, lesson):
    return reverse(f"course_enrollments:{name}", args=[enrollment.pk, lesson.pk])


def did_the_first_lesson(student, lesson, quiz_id, media_id):
    """Two quiz attempts (40%, then 100% and passed), 42 s into the video, the lesson completed."""
    QuizAttempt.objects.create(
        user=student,
        lesson=lesson,
        block_id=quiz_id,
        answers={},
        score=40,
        created_at=timezone.now() - timedelta(days=2),
    )
    QuizAttempt.objects.create(
        user=student, lesson=lesson, block_id=quiz_id, answers={}, score=100, passed=True
    )
    MediaPosition.objects.create(user=student, lesson=lesson, block_id=media_id, position=42, furthest=42)
    LessonCompletion.objects.create(user=student, lesson=lesson)


@pytest.fixture
def studied(catalogue):
    """A four-lesson course whose first lesson has a quiz and a ten-minute video; a student who did
    that lesson and completed the second, a classmate who did the first lesson too, the course's
    own administrators, another course's, and the other roles."""
    setup_roles()
    course, lessons = make_course(catalogue, "Recorded", modules=2, lessons=2)
    first = lessons[0]
    clip = make_media("Lecture clip", b"bytes", name="lecture.mp4")
    clip.duration = 600
    clip.save()
    first.body = [("quiz", quiz_value()), ("media", media_value(clip, "Lecture"))]
    first.save_revision().publish()
    first.refresh_from_db()
    quiz_id, media_id = first.body[0].id, first.body[1].id

    student = make_user("recorded", first_name="Rita", last_name="Record")
    enrollment = enroll_as(student, course)
    did_the_first_lesson(student, first, quiz_id, media_id)
    LessonCompletion.objects.create(user=student, lesson=lessons[1])
    classmate = make_user("classmate")
    classmate_enrollment = enroll_as(classmate, course)
    did_the_first_lesson(classmate, first, quiz_id, media_id)

    other_course, (other_lesson,) = make_course(catalogue, "Elsewhere", modules=1, lessons=1)
    outsider_enrollment = enroll_as(make_user("elsewhere"), other_course)

    admin = make_course_admin(course, "courseteam", first_name="Cora", last_name="Admin")
    other_admin = make_course_admin(other_course, "otherteam")
    marketer = make_marketer()
    users = {
        "anonymous": None,
        "student": student,
        "marketer": marketer,
        "other_course_admin": other_admin,
        "course_admin": admin,
        "superuser": make_superuser(),
    }
    return {
        "course": course,
        "lessons": lessons,
        "student": student,
        "enrollment": enrollment,
        "classmate": classmate,
        "classmate_enrollment": classmate_enrollment,
        "other_lesson": other_lesson,
        "outsider_enrollment": outsider_enrollment,
        "users": users,
        "admin": client_for(admin),
    }


def activity(user, lesson):
    """What a user has in a lesson: (completed, quiz attempts, media positions)."""
    return (
        LessonCompletion.objects.filter(user=user, lesson=lesson).exists(),
        QuizAttempt.objects.filter(user=user, lesson=lesson).count(),
        MediaPosition.objects.filter(user=user, lesson=lesson).count(),
    )


def snapshot():
    return (
        sorted(LessonCompletion.objects.values_list("user_id", "lesson_id")),
        QuizAttempt.objects.count(),
        MediaPosition.objects.count(),
        ModelLogEntry.objects.count(),
        sorted(Enrollment.objects.values_list("pk", "status")),
    )


# --- the record --------------------------------------------------------------------------------


def test_the_record_shows_what_the_student_did_in_each_lesson(studied):
    response = studied["admin"].get(record_url(studied["enrollment"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = body_of(response)
    assert "Rita Record in Recorded" in html
    assert "2 of 4 lessons complete (50%)" in html
    assert "Check yourself: passed, best score 100% (2 attempts)" in html
    assert "Lecture: at 0:42 of 10:00" in html
    assert html.count("Not yet") == 2  # the two lessons not completed
    for lesson in studied["lessons"]:
        assert lesson.title in html
    completed_at = LessonCompletion.objects.get(
        user=studied["student"], lesson=studied["lessons"][0]
    ).completed_at
    assert f'datetime="{date_format(timezone.localtime(completed_at), "c")}"' in html
    first, second, third, _ = studied["lessons"]
    enrollment = studied["enrollment"]
    # Reset where there is something to reset, "mark complete" where the lesson is not complete.
    assert action_url("record_confirm_reset", enrollment, first) in html
    assert action_url("record_confirm_reset", enrollment, second) in html
    assert action_url("record_confirm_reset", enrollment, third) not in html
    assert action_url("record_confirm_complete", enrollment, third) in html
    assert action_url("record_confirm_complete", enrollment, first) not in html


def test_the_record_is_another_students_own(studied):
    html = body_of(studied["admin"].get(record_url(studied["classmate_enrollment"])))
    assert "1 of 4 lessons complete (25%)" in html
    assert "Rita" not in html


def test_the_list_and_the_inspect_view_lead_to_the_record(studied):
    url = record_url(studied["enrollment"])
    assert url in body_of(studied["admin"].get(LIST_URL))
    inspect = studied["admin"].get(reverse("course_enrollments:inspect", args=[studied["enrollment"].pk]))
    assert body_of(inspect).count(f'href="{url}"') == 2  # the header button and the lessons field


def test_someone_who_may_only_view_enrollments_sees_the_record_without_actions(studied):
    group = Group.objects.create(name="Enrollment viewers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(Permission.objects.get(codename="view_enrollment"))
    GroupPagePermission.objects.create(
        group=group, page=studied["course"], permission=Permission.objects.get(codename="change_page")
    )
    viewer = make_user("viewer")
    viewer.groups.add(group)
    client = client_for(viewer)
    enrollment, lesson = studied["enrollment"], studied["lessons"][0]
    html = body_of(client.get(record_url(enrollment)))
    assert "2 of 4 lessons complete" in html and "Reset this lesson" not in html
    before = snapshot()
    # Wagtail answers a refused admin GET with a redirect to the dashboard and a message.
    assert outcome(client.get(action_url("record_confirm_reset", enrollment, lesson))) == DENIED
    assert posted(client.post(action_url("record_reset", enrollment, lesson))) == "denied"
    assert posted(client.post(action_url("record_complete", enrollment, studied["lessons"][2]))) == "denied"
    assert snapshot() == before


# --- reset this lesson -----------------------------------------------------------------------


def test_reset_asks_first_then_removes_only_that_students_lesson(studied):
    client, enrollment, student = studied["admin"], studied["enrollment"], studied["student"]
    first, second = studied["lessons"][:2]
    confirm = client.get(action_url("record_confirm_reset", enrollment, first))
    assert confirm.status_code == 200
    html = body_of(confirm)
    assert "2 quiz attempts" in html and "1 audio or video clip" in html and "the completion of" in html
    assert f'action="{action_url("record_reset", enrollment, first)}"' in html
    assert activity(student, first) == (True, 2, 1)  # asking changed nothing

    response = client.post(action_url("record_reset", enrollment, first), follow=True)
    assert response.redirect_chain[-1][0] == record_url(enrollment)
    assert "“Lesson 1.1” was reset for Rita Record." in body_of(response)
    assert activity(student, first) == (False, 0, 0)
    assert activity(student, second) == (True, 0, 0)  # the student's other lesson stays
    assert activity(studied["classmate"], first) == (True, 2, 1)  # so does the classmate's
    assert "1 of 4 lessons complete (25%)" in body_of(response)


def test_a_reset_is_in_the_enrollments_history_with_who_when_and_which_lesson(studied):
    client, enrollment = studied["admin"], studied["enrollment"]
    client.post(action_url("record_reset", enrollment, studied["lessons"][0]))
    entry = ModelLogEntry.objects.get(action="pinewood.lesson_reset")
    assert entry.user == studied["users"]["course_admin"]
    assert entry.object_id == str(enrollment.pk)
    history = body_of(client.get(reverse("course_enrollments:history", args=[enrollment.pk])))
    assert "Reset lesson “Lesson 1.1” (completion removed; 3 quiz or media records removed)" in history
    assert "Cora Admin" in history
    assert f'datetime="{date_format(timezone.localtime(entry.timestamp), "c")}"' in history


def test_a_reset_course_completion_and_certificate_stay(studied):
    enrollment = studied["enrollment"]
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    Certificate.objects.create(enrollment=enrollment, recipient_name="Rita Record")
    studied["admin"].post(action_url("record_reset", enrollment, studied["lessons"][0]))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).exists()


def test_resetting_a_lesson_with_nothing_in_it_changes_and_logs_nothing(studied):
    client, enrollment, untouched = studied["admin"], studied["enrollment"], studied["lessons"][3]
    confirm = body_of(client.get(action_url("record_confirm_reset", enrollment, untouched)))
    assert "there is nothing to reset" in confirm and "Yes, reset this lesson" not in confirm
    before = snapshot()
    response = client.post(action_url("record_reset", enrollment, untouched), follow=True)
    assert "Rita Record had nothing to reset in “Lesson 2.2”." in body_of(response)
    assert snapshot() == before


# --- mark complete on behalf -----------------------------------------------------------------


def test_mark_complete_on_behalf_asks_first_then_completes_and_logs(studied):
    client, enrollment, student = studied["admin"], studied["enrollment"], studied["student"]
    third = studied["lessons"][2]
    confirm = client.get(action_url("record_confirm_complete", enrollment, third))
    assert confirm.status_code == 200
    assert "whatever its quizzes or videos still ask" in body_of(confirm)
    assert not LessonCompletion.objects.filter(user=student, lesson=third).exists()

    response = client.post(action_url("record_complete", enrollment, third), follow=True)
    assert "“Lesson 2.1” is marked complete for Rita Record." in body_of(response)
    assert LessonCompletion.objects.filter(user=student, lesson=third).exists()
    assert "3 of 4 lessons complete (75%)" in body_of(response)

    entry = ModelLogEntry.objects.get(action="pinewood.lesson_completed_on_behalf")
    assert (entry.user, entry.object_id) == (studied["users"]["course_admin"], str(enrollment.pk))
    assert entry.data["lesson"] == {"id": third.pk, "title": "Lesson 2.1"}
    history = body_of(client.get(reverse("course_enrollments:history", args=[enrollment.pk])))
    assert "Marked lesson “Lesson 2.1” complete on the student&#x27;s behalf" in history
    assert "Cora Admin" in history
    assert f'datetime="{date_format(timezone.localtime(entry.timestamp), "c")}"' in history


def test_completing_the_last_lesson_on_behalf_completes_the_course(
    studied, django_capture_on_commit_callbacks
):
    client, enrollment = studied["admin"], studied["enrollment"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url("record_complete", enrollment, studied["lessons"][2]))
        response = client.post(action_url("record_complete", enrollment, studied["lessons"][3]), follow=True)
    assert "That completes the course: the certificate is issued." in body_of(response)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED and enrollment.completed_at
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    last = ModelLogEntry.objects.filter(action="pinewood.lesson_completed_on_behalf").latest("pk")
    assert last.data["course_completed"] is True


def test_marking_a_completed_lesson_changes_nothing(studied):
    client, enrollment = studied["admin"], studied["enrollment"]
    first = studied["lessons"][0]
    confirm = body_of(client.get(action_url("record_confirm_complete", enrollment, first)))
    assert "there is nothing to mark" in confirm and "Yes, mark complete" not in confirm
    before = snapshot()
    response = client.post(action_url("record_complete", enrollment, first), follow=True)
    assert "Rita Record had already completed “Lesson 1.1”." in body_of(response)
    assert snapshot() == before  # no second completion, no log entry


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["record_confirm_reset", "record_reset", "record_confirm_complete", "record_complete"]
)
def test_bad_input_is_a_clear_4xx_and_changes_nothing(studied, name):
    client, enrollment = studied["admin"], studied["enrollment"]
    lesson = studied["lessons"][0]
    method = client.get if "confirm" in name else client.post
    before = snapshot()
    unknown = reverse(f"course_enrollments:{name}", args=[enrollment.pk, 999999])
    assert method(unknown).status_code == 404
    assert (
        method(action_url(name, enrollment, studied["other_lesson"])).status_code == 404
    )  # another course's
    assert method(action_url(name, enrollment, studied["course"])).status_code == 404  # not a lesson
    assert (
        method(action_url(name, studied["outsider_enrollment"], lesson)).status_code == 404
    )  # not administered
    missing = reverse(f"course_enrollments:{name}", args=[999999, lesson.pk])
    assert method(missing).status_code == 404
    assert client.get(f"{record_url(enrollment)}{lesson.pk}x/reset/").status_code == 404  # not a number
    if "confirm" not in name:
        assert client.get(action_url(name, enrollment, lesson)).status_code == 405  # a GET on a POST URL
    else:
        assert client.post(action_url(name, enrollment, lesson)).status_code == 405
    assert snapshot() == before


def test_the_actions_need_the_csrf_token(studied):
    admin = client_for(studied["users"]["course_admin"], enforce_csrf_checks=True)
    before = snapshot()
    enrollment, first, third = studied["enrollment"], studied["lessons"][0], studied["lessons"][2]
    assert admin.post(action_url("record_reset", enrollment, first)).status_code == 403
    assert admin.post(action_url("record_complete", enrollment, third)).status_code == 403
    assert snapshot() == before
    confirm = admin.get(action_url("record_confirm_reset", enrollment, first))
    token = confirm.context["csrf_token"]
    assert (
        admin.post(action_url("record_reset", enrollment, first), {"csrfmiddlewaretoken": token}).status_code
        == 302
    )
    assert activity(studied["student"], first) == (False, 0, 0)


# --- roles ---------------------------------------------------------------------------------------

# What each role gets when it posts an action on the course's student (own) and on a student of
# the other course (elsewhere).
POSTED = {
    "anonymous": ("login", "login"),
    "student": ("login", "login"),
    "marketer": ("denied", "denied"),
    "other_course_admin": ("missing", "done"),
    "course_admin": ("done", "missing"),
    "superuser": ("done", "done"),
}


def posted(response):
    if response.status_code == 302:
        if response.url.startswith(reverse("wagtailadmin_login")):
            return "login"
        return "done" if "/record/" in response.url else "denied"
    return {403: "denied", 404: "missing"}.get(response.status_code, f"HTTP {response.status_code}")


@pytest.mark.parametrize("role", list(POSTED))
def test_each_role_posting_the_actions(studied, role):
    client = client_for(studied["users"][role])
    own, elsewhere = studied["enrollment"], studied["outsider_enrollment"]
    first, third, other_lesson = studied["lessons"][0], studied["lessons"][2], studied["other_lesson"]
    outcomes = (
        posted(client.post(action_url("record_complete", own, third))),
        posted(client.post(action_url("record_complete", elsewhere, other_lesson))),
    )
    assert outcomes == POSTED[role]
    resets = (
        posted(client.post(action_url("record_reset", own, first))),
        posted(client.post(action_url("record_reset", elsewhere, other_lesson))),
    )
    assert resets == POSTED[role]
    own_done = POSTED[role][0] == "done"
    assert activity(studied["student"], third)[0] is own_done
    assert activity(studied["student"], first) == ((False, 0, 0) if own_done else (True, 2, 1))
    log_entries = ModelLogEntry.objects.filter(action__startswith="pinewood.").count()
    assert log_entries == 2 * sum(outcome == "done" for outcome in POSTED[role])


def test_the_lesson_contract_resets_nothing_by_default(studied):
    assert AbstractLessonPage.reset_activity(studied["student"], studied["lessons"]) == 0
