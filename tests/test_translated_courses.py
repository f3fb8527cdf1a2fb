"""A course and its translations are one course: one enrollment, one progress, one set of quiz
attempts and one certificate, kept under the course of record; gating holds in every language."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from course.access import ENROLLED, LOCKED_BY, NOT_RELEASED, administered_courses, lesson_access
from course.enrollments import EnrollmentError, enroll
from course.models import Certificate, Enrollment, LessonCompletion
from course.progress import progress_for
from lessons.models import QuizAttempt
from tests.canaries import (
    BODY_CANARY,
    FR_BODY_CANARY,
    FR_GATED_BLOCK_CANARY,
    GATED_BLOCK_CANARY,
    NO_ACCESS,
    assert_no_canary,
)
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    french,
    make_article,
    make_course,
    make_index,
    make_quiz_lesson,
    make_superuser,
    make_user,
    quiz_block,
    right_answers,
    submit,
    teaser,
    translate,
    translate_course,
)

pytestmark = pytest.mark.django_db


def complete(client, lesson):
    return client.post(lesson.url + "complete/")


# --- gating in both languages ------------------------------------------------------------------


def french_channels(client, course, document):
    """Every channel of the French site a visitor can reach, as (label, response, text)."""
    preview, members, _ = course.lessons
    urls = {
        "course page": course.url,
        "preview lesson": preview.url,
        "members lesson": members.url,
        "module page": members.get_parent().url,
        "catalogue": "/fr/",
        "search": "/fr/search/?q=membres",  # a word of the gated French texts, and of a public teaser
        "dashboard": "/fr/learn/",
        "404 page": "/fr/no-such-page-anywhere/",
        "sitemap": "/sitemap.xml",
        "api listing": "/api/v2/pages/?locale=fr&fields=*&limit=20",
        "api detail": f"/api/v2/pages/{members.pk}/?fields=*",
        "api search": "/api/v2/pages/?search=membres",
        "document": document.url,
    }
    for label, url in urls.items():
        response = client.get(url, follow=True)
        if label.startswith("api"):
            assert response.status_code == 200, label
        yield label, response, body_of(response)


def test_french_pages_are_served_under_fr(french_gated_course):
    assert french_gated_course.url.startswith("/fr/")
    assert french_gated_course.lessons[1].url.startswith("/fr/")
    response = Client().get(french_gated_course.url)
    assert response.status_code == 200
    assert french_gated_course.title in body_of(response)
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" not in response.get("Vary", "")  # the language is the URL's
    english = Client().get(french_gated_course.source.url)
    assert english["Content-Language"] == "en-gb"
    assert "Accept-Language" not in english.get("Vary", "")


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_french_canaries_never_reach_people_without_access(
    personas, french_gated_course, gated_document, gated_image, persona
):
    client = client_for(personas[persona])
    for label, response, text in french_channels(client, french_gated_course, gated_document):
        assert response.status_code < 500, label
        assert_no_canary(text, f"French {label} for {persona}")
    members = french_gated_course.lessons[1]
    html = body_of(client.get(members.url))
    assert members.title in html  # the locked lesson still shows its public title
    # The gated figure of the French lesson, at the URL its students get, is refused too.
    student_html = body_of(client_for(personas["enrolled"]).get(members.url))
    (figure,) = set(re.findall(rf'/images/[^"\s]+/{gated_image.pk}/width-960/', student_html))
    response = client.get(figure)
    assert response.status_code in (302, 403, 404), figure
    assert_no_canary(body_of(response), f"French gated figure for {persona}")


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_french_search_for_gated_words_finds_nothing(personas, french_gated_course, persona):
    client = client_for(personas[persona])
    for canary in (FR_BODY_CANARY, FR_GATED_BLOCK_CANARY):
        response = client.get("/fr/search/", {"q": canary})
        assert response.context["result_count"] == 0, canary
        html = body_of(response)
        for lesson in french_gated_course.lessons:
            assert lesson.url not in html


def test_french_lessons_open_to_the_students_of_the_english_course(personas, french_gated_course):
    client = client_for(personas["enrolled"])
    preview, members, _ = french_gated_course.lessons
    assert FR_GATED_BLOCK_CANARY in body_of(client.get(preview.url))
    html = body_of(client.get(members.url))
    assert FR_BODY_CANARY in html
    assert BODY_CANARY not in html  # the French lesson, not the English one


def test_editing_the_english_course_opens_no_french_gated_content(personas, french_gated_course):
    """Staff access follows page permissions, which are per page tree: an editor of the English
    course who is not enrolled reads the French lessons as any visitor does (fail closed)."""
    html = body_of(client_for(personas["editor"]).get(french_gated_course.lessons[1].url))
    assert FR_BODY_CANARY not in html


def test_french_free_preview_keeps_its_gated_section_closed(french_gated_course):
    html = body_of(Client().get(french_gated_course.lessons[0].url))
    assert "zqfrpublicpreview" in html
    assert "Inscrivez-vous pour lire la section des membres." in html
    assert FR_GATED_BLOCK_CANARY not in html


def test_search_finds_french_lessons_for_the_enrolled_student_in_french(personas, french_gated_course):
    client = client_for(personas["enrolled"])
    response = client.get("/fr/search/", {"q": FR_BODY_CANARY})
    assert french_gated_course.lessons[1].url in body_of(response)
    response = client.get("/fr/search/", {"q": FR_GATED_BLOCK_CANARY})
    assert french_gated_course.lessons[0].url in body_of(response)
    # English search does not find French pages, and the other way round.
    assert french_gated_course.lessons[1].url not in body_of(client.get("/search/", {"q": FR_BODY_CANARY}))
    english = french_gated_course.source.lessons[1]
    assert english.url not in body_of(client.get("/fr/search/", {"q": BODY_CANARY}))


def test_sitemap_lists_french_public_pages_and_not_gated_lessons(french_gated_course):
    xml = body_of(Client().get("/sitemap.xml"))
    preview, members, _ = french_gated_course.lessons
    assert french_gated_course.full_url in xml
    assert preview.full_url in xml
    assert members.full_url not in xml


def test_french_feed_teases_without_gated_content(personas, french_gated_course):
    catalogue = french_gated_course.get_parent()
    index = make_index(catalogue, intro="Articles en français")
    make_article(index, title="Pourquoi la posture compte", body=[teaser(french_gated_course.lessons[1])])
    for route in ("feed/", "feed/atom/"):
        response = Client().get(index.url + route)
        assert response.status_code == 200
        text = body_of(response)
        assert "Pourquoi la posture compte" in text
        assert_no_canary(text, f"French {route}")


def test_a_draft_translation_never_goes_live(gated_course):
    _, lessons = translate_course(gated_course)
    members = lessons[1]
    members.body = [("paragraph", "<p>zqfrdraftcanary unpublished edit</p>")]
    members.save_revision()  # a translation in progress: saved, not published
    enrolled = make_user("student")
    enroll_as(enrolled, gated_course)
    html = body_of(client_for(enrolled).get(members.url))
    assert "zqfrdraftcanary" not in html


def test_an_unpublished_translation_is_not_found_and_the_source_stays_gated(personas, gated_course):
    _, lessons = translate_course(gated_course)
    lessons[1].unpublish()
    assert client_for(personas["enrolled"]).get(lessons[1].url).status_code == 404
    english = body_of(client_for(personas["outsider"]).get(gated_course.lessons[1].url))
    assert BODY_CANARY not in english


# --- one enrollment ----------------------------------------------------------------------------


def test_enrolling_through_the_translation_enrolls_in_the_course_of_record(gated_course):
    french_course, french_lessons = translate_course(gated_course)
    student = make_user("student")
    result = enroll(student, french_course)
    assert result.created
    assert result.enrollment.course_id == gated_course.pk
    again = enroll(student, gated_course)
    assert not again.created
    assert Enrollment.objects.filter(user=student).count() == 1
    assert lesson_access(student, french_lessons[1]).reason == ENROLLED


def test_enroll_button_on_the_french_course_page(gated_course):
    french_course, lessons = translate_course(gated_course)
    student = make_user("student")
    client = client_for(student)
    response = client.post(french_course.url + "enroll/")
    assert response.status_code == 302
    assert Enrollment.objects.get(user=student).course_id == gated_course.pk
    assert BODY_CANARY in body_of(client.get(lessons[1].url))  # copied from the English lesson


def test_capacity_counts_students_of_every_translation(catalogue):
    course, _ = make_course(catalogue, "Small", modules=1, lessons=1, capacity=1)
    french_course, _ = translate_course(course)
    enroll(make_user("first"), course)
    with pytest.raises(EnrollmentError) as refused:
        enroll(make_user("second"), french_course)
    assert refused.value.code == "full"
    assert Enrollment.objects.filter(course__translation_key=course.translation_key).count() == 1


def test_completing_a_lesson_in_either_language_counts_once(catalogue):
    course, lessons = make_course(catalogue, "Twin", modules=1, lessons=2)
    french_course, french_lessons = translate_course(course)
    student = make_user("student")
    enroll_as(student, course)
    client = client_for(student)
    complete(client, lessons[0])
    complete(client, french_lessons[0])
    assert LessonCompletion.objects.filter(user=student).count() == 1
    assert LessonCompletion.objects.get(user=student).lesson_id == lessons[0].pk
    english, french = progress_for(student, course), progress_for(student, french_course)
    assert (english.done, english.total, french.done, french.total) == (1, 2, 1, 2)
    assert french.completed_ids == {french_lessons[0].pk}
    # The French course page shows the same progress.
    assert "50%" in body_of(client.get(french_course.url))


def test_completing_the_course_in_french_issues_one_certificate(catalogue):
    course, lessons = make_course(catalogue, "Twin", modules=1, lessons=2)
    _, french_lessons = translate_course(course)
    student = make_user("student")
    enrollment = enroll_as(student, course)
    client = client_for(student)
    complete(client, lessons[0])
    complete(client, french_lessons[1])
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    complete(client, french_lessons[0])
    assert Certificate.objects.filter(enrollment__user=student).count() == 1


def test_sequential_lock_follows_completions_in_the_other_language(catalogue):
    course, lessons = make_course(catalogue, "Steps", modules=1, lessons=2, sequential=True)
    _, french_lessons = translate_course(course)
    student = make_user("student")
    enroll_as(student, course)
    access = lesson_access(student, french_lessons[1])
    assert access.reason == LOCKED_BY
    complete(client_for(student), lessons[0])
    assert lesson_access(student, french_lessons[1]).reason == ENROLLED


def test_drip_applies_to_the_translation(catalogue):
    course, lessons = make_course(catalogue, "Drip", modules=1, lessons=1)
    module = lessons[0].get_parent().specific
    module.release_on = timezone.localdate() + datetime.timedelta(days=3)
    module.save_revision().publish()
    _, french_lessons = translate_course(course)
    student = make_user("student")
    enroll_as(student, course)
    assert lesson_access(student, french_lessons[0]).reason == NOT_RELEASED


def test_quiz_attempts_are_shared_across_languages(catalogue):
    course, lesson = make_quiz_lesson(catalogue, max_attempts=1)
    _, (french_lesson,) = translate_course(course)
    assert quiz_block(french_lesson).id == quiz_block(lesson).id
    student = make_user("student")
    enroll_as(student, course)
    client = client_for(student)
    assert submit(client, lesson, right_answers(lesson)).status_code == 302
    refused = submit(client, french_lesson, right_answers(french_lesson))
    assert refused.status_code == 403  # the one attempt was used in English
    assert QuizAttempt.objects.filter(user=student).count() == 1
    assert QuizAttempt.objects.get(user=student).lesson_id == lesson.pk


def test_passing_the_quiz_in_french_completes_the_english_lesson(catalogue):
    course, lesson = make_quiz_lesson(catalogue)
    _, (french_lesson,) = translate_course(course)
    student = make_user("student")
    enroll_as(student, course)
    submit(client_for(student), french_lesson, right_answers(french_lesson))
    assert LessonCompletion.objects.filter(user=student, lesson_id=lesson.pk).exists()


def test_dashboard_in_french_lists_the_french_course(gated_course):
    french_course, _ = translate_course(gated_course)
    student = make_user("student")
    enroll_as(student, gated_course)
    client = client_for(student)
    assert french_course.url in body_of(client.get("/fr/learn/"))
    english = body_of(client.get("/learn/"))
    assert gated_course.url in english
    assert french_course.url not in english


def test_catalogue_in_french_shows_the_enrollment(gated_course):
    translate_course(gated_course)
    student = make_user("student")
    enroll_as(student, gated_course)
    html = body_of(client_for(student).get("/fr/"))
    assert "Inscrit" in html or "Enrolled" in html


def test_administrators_see_each_course_once_across_languages(gated_course, other_course):
    french_course, _ = translate_course(gated_course)
    courses = set(administered_courses(make_superuser()))
    assert gated_course.page_ptr in {course.page_ptr for course in courses}
    assert french_course.pk not in {course.pk for course in courses}


def test_english_gated_canaries_stay_out_of_french_pages_for_outsiders(personas, french_gated_course):
    client = client_for(personas["outsider"])
    for lesson in french_gated_course.lessons:
        html = body_of(client.get(lesson.url))
        assert GATED_BLOCK_CANARY not in html
        assert BODY_CANARY not in html


# --- admin -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "sees_gated"), [("not_enrolled", False), ("enrolled", True)])
def test_preview_as_student_in_french(client, french_gated_course, mode, sees_gated):
    """Preview modes work on a French lesson, rendered in French as its visitors see it."""
    client.force_login(make_superuser())
    members = french_gated_course.lessons[1]
    response = client.get(f"/admin/pages/{members.pk}/view_draft/", {"mode": mode})
    html = body_of(response)
    assert response.status_code == 200
    assert (FR_BODY_CANARY in html) is sees_gated
    with translation.override("fr"):
        assert translation.gettext("Course outline") in html


# --- the student's language --------------------------------------------------------------------


def test_emails_use_the_language_the_student_enrolled_in(gated_course, django_capture_on_commit_callbacks):
    french_course, _ = translate_course(gated_course)
    with django_capture_on_commit_callbacks(execute=True):
        enroll(make_user("francais"), french_course)
        enroll(make_user("english"), gated_course)
    french, english = mail.outbox
    with translation.override("fr"):
        subject = translation.gettext("You are enrolled: %(course)s") % {"course": french_course.title}
    assert french.subject == subject
    assert french_course.full_url in french.body
    assert "/fr/learn/" in french.body
    assert english.subject == f"You are enrolled: {gated_course.title}"
    assert gated_course.full_url in english.body
    assert Enrollment.objects.get(user__username="francais").language == "fr"
    assert Enrollment.objects.get(user__username="english").language == "en-gb"


def test_completion_email_and_certificate_in_french(catalogue, django_capture_on_commit_callbacks):
    course, lessons = make_course(catalogue, "Twin", modules=1, lessons=1)
    french_course, french_lessons = translate_course(course)
    student = make_user("student")
    with django_capture_on_commit_callbacks(execute=True):
        enroll(student, french_course)
    mail.outbox.clear()
    client = client_for(student)
    with django_capture_on_commit_callbacks(execute=True):
        complete(client, french_lessons[0])
    (message,) = mail.outbox
    with translation.override("fr"):
        subject = translation.gettext("Congratulations: you completed %(course)s")
    assert message.subject == subject % {"course": french_course.title}
    certificate = Certificate.objects.get(enrollment__user=student)
    assert f"/fr/certificates/{certificate.code}/" in message.body
    # The holder downloads it from either translation of the course.
    for page in (course, french_course):
        response = client.get(page.url + "certificate/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


def test_an_untranslated_lesson_falls_back_to_the_source_only_through_the_policy(personas, gated_course):
    """A lesson not translated yet appears in the French course as an alias of the English one
    (wagtail-localize's synchronised trees create these): English text, at a French URL, under
    the same access policy, and completing it counts for the English lesson."""
    translate(gated_course.get_parent().specific, title="FR Academy")
    french_course = translate(gated_course, title="FR Gated Course")
    module = gated_course.lessons[1].get_parent().specific
    translate(module, title="FR Module 1")
    fallback = gated_course.lessons[1].copy_for_translation(french(), alias=True).specific
    assert fallback.live  # an alias is as live as its source
    assert fallback.url.startswith("/fr/")
    assert BODY_CANARY not in body_of(client_for(personas["outsider"]).get(fallback.url))
    assert BODY_CANARY not in body_of(Client().get(fallback.url))
    student = client_for(personas["enrolled"])
    assert BODY_CANARY in body_of(student.get(fallback.url))
    complete(student, fallback)
    assert LessonCompletion.objects.filter(
        user=personas["enrolled"], lesson_id=gated_course.lessons[1].pk
    ).exists()
    assert fallback.pk in progress_for(personas["enrolled"], french_course).completed_ids


def test_deleting_the_english_lesson_leaves_the_french_one_working(catalogue):
    """The French outline maps its lessons to the English ones; when an English lesson goes, the
    French one keeps its own records instead of pointing at a page that no longer exists."""
    course, lessons = make_course(catalogue, "Twin", modules=1, lessons=2)
    french_course, french_lessons = translate_course(course)
    student = make_user("student")
    enroll_as(student, course)
    client = client_for(student)
    client.get(french_lessons[1].url)  # the French outline is cached
    lessons[1].delete()
    response = complete(client, french_lessons[1])
    assert response.status_code == 302
    assert LessonCompletion.objects.filter(user=student, lesson_id=french_lessons[1].pk).exists()


def test_the_course_report_counts_work_done_in_french(course_admin_client, catalogue):
    """One report per course, across its languages: the index lists the course once, and a
    lesson completed in French counts in the English course's funnel."""
    course, _ = make_course(catalogue, "Twin", modules=1, lessons=2)
    french_course, french_lessons = translate_course(course)
    student = make_user("student")
    enroll(student, french_course)
    complete(client_for(student), french_lessons[0])
    index = course_admin_client.get("/admin/reports/courses/")
    listed = [row.pk for row in index.context["object_list"]]
    assert course.pk in listed and french_course.pk not in listed
    report = course_admin_client.get(f"/admin/reports/courses/{course.pk}/").context["report"]
    assert report.students == 1
    assert [(row.title, row.completed) for row in report.funnel] == [("Lesson 1.1", 1), ("Lesson 1.2", 0)]
    assert course_admin_client.get(f"/admin/reports/courses/{french_course.pk}/").status_code == 404
