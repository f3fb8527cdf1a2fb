"""Search and document access follow a publish at once, with the database task backend and no worker.

Wagtail refreshes its search and reference indexes in background tasks. In
production (`TASKS_BACKEND=database`) those wait for `db_worker`, so these tests
publish with that backend and never run a worker: whatever access depends on must
already be current when the publish returns.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.documents.models import Document

from lessons.models import LessonPage
from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db

BODY_WORD = "zqfreshbody6612"
GATED_WORD = "zqfreshmoved3381"
SUMMARY_WORD = "zqfreshsummary2047"
SEARCH_TASK = "modelsearch.tasks.insert_or_update_object_task"
REFERENCE_TASK = "wagtail.tasks.update_reference_index_task"


def database_tasks():
    """Queue tasks in the database, as production does (django-tasks rebuilds its backends when
    TASKS changes); no worker runs them."""
    return override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def queued(task_path):
    """How many tasks of this kind wait for a worker (proof that the database backend was used)."""
    waiting = DBTaskResult.objects.filter(task_path=task_path)
    assert not waiting.exclude(status=TaskResultStatus.READY).exists()  # nothing ran them
    return waiting.count()


def site_search(query):
    response = Client().get("/search/", {"q": query})
    assert response.status_code == 200
    return {result.page.pk for result in response.context["page_obj"]}


def api_search(query):
    response = Client().get("/api/v2/pages/", {"search": query, "type": "lessons.LessonPage"})
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == len(data["items"])
    return {item["id"] for item in data["items"]}


def found_everywhere(query):
    site, api = site_search(query), api_search(query)
    assert site == api, query
    return site


def paragraph(html, block_id="p"):
    return {"type": "paragraph", "value": html, "id": block_id}


def gated_section(content, block_id="gated"):
    value = {"title": "Members section", "teaser": "Enroll to read on.", "content": content}
    return {"type": "gated_section", "value": value, "id": block_id}


def publish_body(lesson, body, **fields):
    """Publish new content through a revision, as the editor's Publish button does."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = body
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def preview_lesson(catalogue):
    """A live free-preview lesson: public body word, public summary word, a gated section."""
    course, (lesson,) = make_course(catalogue, "Fresh course", slug="fresh-course", modules=1, lessons=1)
    lesson = publish_body(
        lesson,
        [paragraph(f"<p>Public text {BODY_WORD}</p>", "public"), gated_section([paragraph("<p>Hidden</p>")])],
        is_preview=True,
        summary=f"Public summary {SUMMARY_WORD}",
    )
    return course, lesson


def test_lesson_switched_to_members_only_is_not_found_by_its_body_at_once(preview_lesson):
    _, lesson = preview_lesson
    with database_tasks():
        assert found_everywhere(BODY_WORD) == {lesson.pk}

        draft = LessonPage.objects.get(pk=lesson.pk)
        draft.is_preview = False
        revision = draft.save_revision()
        # A draft changes nothing: the live lesson is still a free preview.
        assert found_everywhere(BODY_WORD) == {lesson.pk}

        revision.publish()
        assert found_everywhere(BODY_WORD) == set()
        # Title and summary stay public.
        assert found_everywhere(SUMMARY_WORD) == {lesson.pk}
        assert found_everywhere("Lesson 1.1") >= {lesson.pk}
        assert queued(SEARCH_TASK) > 0 and queued(REFERENCE_TASK) > 0


def test_text_moved_into_a_gated_section_is_not_found_at_once(preview_lesson):
    _, lesson = preview_lesson
    lesson = publish_body(lesson, [paragraph(f"<p>Public {GATED_WORD}</p>", "public"), gated_section([])])
    assert found_everywhere(GATED_WORD) == {lesson.pk}
    with database_tasks():
        moved = [paragraph("<p>Public</p>", "public"), gated_section([paragraph(f"<p>{GATED_WORD}</p>")])]
        publish_body(lesson, moved)
        assert found_everywhere(GATED_WORD) == set()
        assert queued(SEARCH_TASK) > 0


def test_lesson_opened_as_free_preview_is_found_at_once(catalogue):
    _, (lesson,) = make_course(catalogue, "Closed course", slug="closed-course", modules=1, lessons=1)
    with database_tasks():
        lesson = publish_body(lesson, [paragraph(f"<p>{BODY_WORD}</p>", "public")])
        assert found_everywhere(BODY_WORD) == set()
        publish_body(lesson, [paragraph(f"<p>{BODY_WORD}</p>", "public")], is_preview=True)
        assert found_everywhere(BODY_WORD) == {lesson.pk}


def test_unpublished_lesson_is_not_found_at_once(preview_lesson):
    _, lesson = preview_lesson
    with database_tasks():
        LessonPage.objects.get(pk=lesson.pk).unpublish()
        assert found_everywhere(BODY_WORD) == set()
        assert found_everywhere(SUMMARY_WORD) == set()


# --- documents -------------------------------------------------------------------------------


def new_document():
    return Document.objects.create(title="Handout", file=ContentFile(b"handout contents", name="handout.txt"))


def link(document):
    return f'<a linktype="document" id="{document.pk}">the handout</a>'


@pytest.fixture
def readers(preview_lesson):
    """(anonymous, logged-in outsider, enrolled student) clients for the preview lesson's course."""
    course, _ = preview_lesson
    student = make_user("freshstudent")
    enroll_as(student, course)
    return Client(), client_for(make_user("freshoutsider")), client_for(student)


def refused(response):
    """403 for a logged-in user, a redirect to the login page for a visitor."""
    return response.status_code == 403 or "/accounts/login/" in response.get("Location", "")


def test_document_added_to_a_preview_lesson_opens_at_once(preview_lesson, readers):
    _, lesson = preview_lesson
    document = new_document()
    block = {"type": "document", "value": {"document": document.pk, "label": "", "description": ""}}
    with database_tasks():
        lesson = publish_body(lesson, [paragraph("<p>Read this.</p>", "public"), block | {"id": "d"}])
        for client in readers:
            assert client.get(document.url).status_code == 200
        assert queued(REFERENCE_TASK) > 0


def test_document_removed_from_a_lesson_is_refused_at_once(preview_lesson, readers):
    _, lesson = preview_lesson
    document = new_document()
    # Published while tasks still run in-process: the reference index knows the link.
    lesson = publish_body(lesson, [paragraph(f"<p>Read {link(document)}.</p>", "public")])
    assert readers[0].get(document.url).status_code == 200

    with database_tasks():
        publish_body(lesson, [paragraph("<p>Read this.</p>", "public")])  # the paragraph stays
        for client in readers:  # used nowhere: only people who manage documents may have it
            assert refused(client.get(document.url))
        assert queued(REFERENCE_TASK) > 0


def test_document_moved_into_a_gated_section_is_refused_at_once(preview_lesson, readers):
    _, lesson = preview_lesson
    document = new_document()
    anonymous, outsider, student = readers
    # Published while tasks still run in-process: the reference index knows the public link.
    lesson = publish_body(lesson, [paragraph(f"<p>See {link(document)}.</p>", "public"), gated_section([])])
    assert anonymous.get(document.url).status_code == 200

    with database_tasks():
        # The paragraph stays; its link moves into the gated section.
        moved = [
            paragraph("<p>See below.</p>", "public"),
            gated_section([paragraph(f"<p>{link(document)}</p>")]),
        ]
        publish_body(lesson, moved)
        assert refused(anonymous.get(document.url))
        assert refused(outsider.get(document.url))
        assert student.get(document.url).status_code == 200
        assert queued(REFERENCE_TASK) > 0
