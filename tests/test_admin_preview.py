"""Preview as student: Wagtail preview modes on the lesson edit view, decided by course/access.py."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from course.access import ENROLLED, NOT_ENROLLED, persona_access
from course.models import Enrollment
from lessons.models import LessonPage
from tests.canaries import ALL_CANARIES, BODY_CANARY, GATED_BLOCK_CANARY

DRAFT_CANARY = "zqdraftcanary6642"


def lesson_form(lesson, body, is_preview=False):
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "estimated_minutes": "5",
        "body": streamfield(body),
        "comments": inline_formset([]),
    }
    if is_preview:
        data["is_preview"] = "on"
    return nested_form_data(data)


def gated_body(paragraph, gated):
    return [
        ("paragraph", rich_text(f"<p>{paragraph}</p>")),
        (
            "gated_section",
            {
                "title": "Members section",
                "teaser": "Enroll to read the members section.",
                "content": streamfield([("paragraph", rich_text(f"<p>{gated}</p>"))]),
            },
        ),
    ]


def preview(client, lesson, data, mode):
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    state = client.post(url, data)
    assert state.json() == {"is_valid": True, "is_available": True}
    response = client.get(url, {"mode": mode})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_lesson_offers_the_persona_modes(gated_course):
    lesson = LessonPage.objects.get(pk=gated_course.lessons[1].pk)
    assert [mode for mode, _ in lesson.preview_modes] == ["", NOT_ENROLLED, ENROLLED]


def test_not_enrolled_persona_sees_the_locked_lesson_and_no_canary(editor_client, gated_course):
    lesson = gated_course.lessons[1]  # not a free preview
    data = lesson_form(lesson, gated_body(f"Draft body {BODY_CANARY} {DRAFT_CANARY}", GATED_BLOCK_CANARY))

    visitor = preview(editor_client, lesson, data, NOT_ENROLLED)
    assert "This lesson is for enrolled students" in visitor
    assert f"Enroll in <strong>{gated_course.title}</strong>" in visitor
    assert lesson.summary in visitor
    for canary in (*ALL_CANARIES, DRAFT_CANARY):
        assert canary not in visitor

    student = preview(editor_client, lesson, data, ENROLLED)
    assert "This lesson is for enrolled students" not in student
    assert DRAFT_CANARY in student and BODY_CANARY in student and GATED_BLOCK_CANARY in student
    assert "Mark lesson complete" in student
    assert f"0 of {len(gated_course.outline.lessons)} lessons" in student

    editor_view = preview(editor_client, lesson, data, "")
    assert DRAFT_CANARY in editor_view and GATED_BLOCK_CANARY in editor_view
    assert not Enrollment.objects.filter(user__username="editor").exists(), "previews create no records"


def test_free_preview_lesson_keeps_gated_sections_closed_for_the_visitor(editor_client, gated_course):
    lesson = gated_course.lessons[0]
    data = lesson_form(lesson, gated_body("Public preview text zqpublicpreview", GATED_BLOCK_CANARY), True)

    visitor = preview(editor_client, lesson, data, NOT_ENROLLED)
    assert "zqpublicpreview" in visitor
    assert "Enroll to read the members section." in visitor
    assert GATED_BLOCK_CANARY not in visitor

    assert GATED_BLOCK_CANARY in preview(editor_client, lesson, data, ENROLLED)


def test_unknown_mode_and_students_cannot_preview(client, editor_client, gated_course, personas):
    lesson = gated_course.lessons[1]
    data = lesson_form(lesson, gated_body(BODY_CANARY, GATED_BLOCK_CANARY))
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    editor_client.post(url, data)
    unknown = editor_client.get(url, {"mode": "superuser"})
    assert BODY_CANARY not in unknown.content.decode()

    client.force_login(personas["enrolled"])
    for response in (client.post(url, data), client.get(url, {"mode": ENROLLED})):
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_persona_access_fails_closed(gated_course):
    lesson = gated_course.lessons[1]
    assert persona_access(lesson, ENROLLED).can_view_gated
    assert not persona_access(lesson, NOT_ENROLLED).can_view
    assert not persona_access(lesson, "staff").can_view
    assert not persona_access(lesson, None).can_view
    assert not persona_access(None, ENROLLED).can_view
    free = gated_course.lessons[0]
    visitor = persona_access(free, NOT_ENROLLED)
    assert visitor.can_view and not visitor.can_view_gated
