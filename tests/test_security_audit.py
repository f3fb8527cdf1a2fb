"""Security audit: channels the main canary suite does not reach, each with its own canary."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.test.utils.form_data import nested_form_data, streamfield

from course.admin.roles import MARKETERS, marketing_collection, setup_roles
from course.models import ArticlePage
from lessons.models import LessonPage, QuizAttempt
from tests.canaries import DOC_CANARY, IMAGE_FILE_CANARY
from tests.factories import (
    FEEDBACK_CANARY,
    body_of,
    client_for,
    enroll_as,
    make_article,
    make_course,
    make_index,
    make_user,
    png_bytes,
    quiz_value,
    right_answers,
    submit,
)

pytestmark = pytest.mark.django_db

HIDDEN_TITLE_CANARY = "zqhiddentitle7731"
DRAFT_BODY_CANARY = "zqdraftbody2290"
LINKED_DOC_CANARY = "zqlinkeddoc4406"
UNANNOUNCED_CANARY = "zqunannounced5127"
FORMULA_CANARY = '=HYPERLINK("http://zqformula.example")'


def hide_under_unpublished_module(course):
    """Give the course's second lesson a canary title, then unpublish its module."""
    lesson = LessonPage.objects.get(pk=course.lessons[1].pk)
    lesson.title = f"Upcoming {HIDDEN_TITLE_CANARY}"
    lesson.summary = f"Summary {HIDDEN_TITLE_CANARY} topicword"
    lesson.body = [("paragraph", "<p>topicword in the body</p>")]
    lesson.save_revision().publish()
    lesson.get_parent().unpublish()
    return lesson


# --- API v2: pages under an unpublished ancestor ----------------------------------------------


def test_api_leaves_out_pages_under_an_unpublished_module(gated_course):
    lesson = hide_under_unpublished_module(gated_course)
    module = lesson.get_parent()
    client = Client()
    for url in (
        "/api/v2/pages/?fields=*&limit=20",  # 20 is the API's maximum
        "/api/v2/pages/?type=lessons.LessonPage&fields=*",
        f"/api/v2/pages/?descendant_of={gated_course.pk}&fields=*",
        f"/api/v2/pages/?search={HIDDEN_TITLE_CANARY}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert HIDDEN_TITLE_CANARY not in body_of(response), url
        assert lesson.url not in body_of(response), url
    assert client.get(f"/api/v2/pages/{lesson.pk}/").status_code == 404
    assert HIDDEN_TITLE_CANARY not in body_of(client.get(f"/api/v2/pages/?child_of={module.pk}"))
    # The course itself is still listed.
    assert gated_course.title in body_of(client.get("/api/v2/pages/?type=course.CoursePage"))


def test_api_leaves_out_lessons_of_an_unpublished_course(catalogue):
    _, live_lessons = make_course(catalogue, "Running", modules=1, lessons=1)
    course, lessons = make_course(catalogue, "Draft launch", modules=1, lessons=1)
    lesson = lessons[0]
    lesson.title = f"Launch lesson {HIDDEN_TITLE_CANARY}"
    lesson.save_revision().publish()
    course.unpublish()
    response = Client().get("/api/v2/pages/?type=lessons.LessonPage&fields=*")
    assert HIDDEN_TITLE_CANARY not in body_of(response)
    assert [item["id"] for item in response.json()["items"]] == [live_lessons[0].pk]
    assert Client().get(f"/api/v2/pages/{lesson.pk}/").status_code == 404
    assert Client().get(f"/api/v2/pages/{live_lessons[0].pk}/").status_code == 200


def test_api_does_not_announce_an_unpublished_promoted_course(catalogue, gated_course, other_course):
    index = make_index(catalogue)
    other_course.title = f"Next year {UNANNOUNCED_CANARY}"
    other_course.save_revision().publish()
    other_course.unpublish()
    hidden = make_article(index, "Teaser one", promoted_course=other_course)
    shown = make_article(index, "Teaser two", promoted_course=gated_course)
    data = Client().get(f"/api/v2/pages/{hidden.pk}/?fields=*").json()
    assert data["promoted_course"] is None
    assert UNANNOUNCED_CANARY not in str(data)
    data = Client().get(f"/api/v2/pages/{shown.pk}/?fields=*").json()
    assert data["promoted_course"]["id"] == gated_course.pk
    assert data["promoted_course"]["title"] == gated_course.title


# --- site search --------------------------------------------------------------------------------


def test_student_search_skips_lessons_under_an_unpublished_module(gated_course):
    student = make_user("student")
    enroll_as(student, gated_course)
    hide_under_unpublished_module(gated_course)
    response = client_for(student).get("/search/", {"q": "topicword"})
    assert response.context["result_count"] == 0
    assert HIDDEN_TITLE_CANARY not in body_of(response)


def test_student_search_does_not_probe_a_lesson_locked_by_sequence(catalogue):
    """A locked lesson matches only on what the student may read (title, summary)."""
    course, lessons = make_course(catalogue, "Ordered", modules=1, lessons=2, sequential=True)
    second = lessons[1]
    second.summary = "Summary with topicword"
    second.body = [("paragraph", f"<p>topicword {DRAFT_BODY_CANARY}</p>")]
    second.save_revision().publish()
    student = make_user("student")
    enroll_as(student, course)
    response = client_for(student).get("/search/", {"q": f"topicword {DRAFT_BODY_CANARY}"})
    assert response.context["result_count"] == 0


# --- drafts -------------------------------------------------------------------------------------


def test_draft_revisions_never_reach_anyone_but_editors(personas, gated_course):
    members = LessonPage.objects.get(pk=gated_course.lessons[1].pk)
    members.body = [("paragraph", f"<p>{DRAFT_BODY_CANARY}</p>")]
    members.save_revision()  # not published
    for name in ("anonymous", "outsider", "enrolled"):
        client = client_for(personas[name])
        for url in (members.url, f"/api/v2/pages/{members.pk}/?fields=*"):
            assert DRAFT_BODY_CANARY not in body_of(client.get(url)), (name, url)
        assert client.get("/search/", {"q": DRAFT_BODY_CANARY}).context["result_count"] == 0, name
        found = client.get("/api/v2/pages/", {"search": DRAFT_BODY_CANARY}).json()
        assert found["meta"]["total_count"] == 0, name


# --- documents linked from rich text -----------------------------------------------------------


def linked_document(title):
    return Document.objects.create(title=title, file=ContentFile(b"linked contents", name="linked.txt"))


def doc_link(document):
    return f'<p>See <a linktype="document" id="{document.pk}">{document.title}</a></p>'


def test_rich_text_document_links_follow_the_gated_section_they_sit_in(personas, gated_course):
    public_doc = linked_document("Public handout")
    gated_doc = linked_document(f"Members handout {LINKED_DOC_CANARY}")
    preview = LessonPage.objects.get(pk=gated_course.lessons[0].pk)
    preview.body = [
        ("paragraph", doc_link(public_doc)),
        (
            "gated_section",
            {"title": "Members", "teaser": "For students.", "content": [("paragraph", doc_link(gated_doc))]},
        ),
    ]
    preview.save_revision().publish()

    for name in ("anonymous", "outsider", "expired"):
        client = client_for(personas[name])
        assert client.get(public_doc.url).status_code == 200, name
        assert client.get(gated_doc.url).status_code in (302, 403), name
        html = body_of(client.get(preview.url))
        assert public_doc.url in html
        assert gated_doc.url not in html and LINKED_DOC_CANARY not in html
    enrolled = client_for(personas["enrolled"])
    assert enrolled.get(gated_doc.url).status_code == 200
    assert gated_doc.url in body_of(enrolled.get(preview.url))


def test_document_linked_only_from_a_draft_stays_closed(gated_course):
    document = linked_document(f"Draft handout {LINKED_DOC_CANARY}")
    preview = LessonPage.objects.get(pk=gated_course.lessons[0].pk)
    preview.body = [("paragraph", doc_link(document))]
    preview.save_revision()  # the public paragraph exists in the draft only
    response = Client().get(document.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_document_rights_on_one_collection_do_not_open_gated_documents_elsewhere(
    gated_course, gated_document
):
    """Only people who may manage *this* document skip the policy, not anyone with rights somewhere."""
    handouts = Collection.get_first_root_node().add_child(name="Handouts")
    group = Group.objects.create(name="Handout editors")
    for codename in ("access_admin", "choose_document", "change_document"):
        permission = Permission.objects.get(codename=codename)
        if codename == "access_admin":
            group.permissions.add(permission)
        else:
            GroupCollectionPermission.objects.create(group=group, collection=handouts, permission=permission)
    user = make_user("handouts")
    user.groups.add(group)
    response = client_for(user).get(gated_document.url)
    assert response.status_code == 403
    assert DOC_CANARY not in body_of(response)
    own = Document.objects.create(title="Handout", collection=handouts, file=ContentFile(b"x", name="h.txt"))
    assert client_for(user).get(own.url).status_code == 200  # unused, but theirs to manage


# --- quizzes ------------------------------------------------------------------------------------


@pytest.fixture
def quiz_course(catalogue):
    course, lessons = make_course(catalogue, "Quiz course", modules=1, lessons=1)
    lesson = lessons[0]
    lesson.body = [("quiz", quiz_value())]
    lesson.save_revision().publish()
    return course, LessonPage.objects.get(pk=lesson.pk)


def test_another_students_attempt_is_never_shown(quiz_course):
    course, lesson = quiz_course
    alice, bob = make_user("alice"), make_user("bob")
    enroll_as(alice, course)
    enroll_as(bob, course)
    submit(client_for(alice), lesson, right_answers(lesson))
    attempt = QuizAttempt.objects.get(user=alice)
    html = body_of(client_for(bob).get(f"{lesson.url}?attempt={attempt.pk}"))
    assert FEEDBACK_CANARY not in html
    assert "You scored" not in html
    own = body_of(client_for(alice).get(f"{lesson.url}?attempt={attempt.pk}"))
    assert FEEDBACK_CANARY in own  # the test would notice if feedback never showed at all


def test_quiz_and_completion_posts_need_a_csrf_token(quiz_course):
    course, lesson = quiz_course
    student = make_user("student")
    enroll_as(student, course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(f"{lesson.url}complete/").status_code == 403
    assert submit(client, lesson, right_answers(lesson)).status_code == 403
    assert not QuizAttempt.objects.exists()


def test_quiz_refusals_are_private_and_quote_nothing(quiz_course):
    course, lesson = quiz_course
    student = make_user("student")
    enroll_as(student, course)
    response = submit(client_for(student), lesson, {"q-nope": ["x"]})
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert FEEDBACK_CANARY not in body_of(response)
    outsider = submit(client_for(make_user("outsider")), lesson, right_answers(lesson))
    assert outsider.status_code == 403 and FEEDBACK_CANARY not in body_of(outsider)


# --- marketers and images ----------------------------------------------------------------------


@pytest.fixture
def marketer_client(catalogue, gated_course):
    index = make_index(catalogue)
    setup_roles()
    user = make_user("marketer")
    user.groups.add(Group.objects.get(name=MARKETERS))
    client = client_for(user)
    client.article_index = index
    return client


def article_form(image, hero=True, body=True, **extra):
    blocks = [("image", {"image": image.pk, "alt_text": "A figure", "caption": ""})] if body else []
    return nested_form_data(
        {
            "title": "Campaign",
            "slug": "campaign",
            "intro": "Our new campaign.",
            "hero_image": image.pk if hero else "",
            "body": streamfield(blocks),
            **extra,
        }
    )


@pytest.mark.parametrize("where", ["hero", "body"])
def test_marketer_cannot_put_a_gated_lesson_image_into_an_article(marketer_client, gated_image, where):
    index = marketer_client.article_index
    data = article_form(gated_image, hero=where == "hero", body=where == "body")
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=["course", "articlepage", index.pk])
    assert marketer_client.post(preview_url, data).json()["is_valid"] is False
    assert IMAGE_FILE_CANARY not in body_of(marketer_client.get(preview_url))

    add_url = reverse("wagtailadmin_pages:add", args=["course", "articlepage", index.pk])
    data["action-publish"] = "action-publish"
    response = marketer_client.post(add_url, data)
    assert response.status_code == 200  # the form comes back with an error
    assert not ArticlePage.objects.exists()


def test_marketer_uses_marketing_images_and_keeps_images_already_in_an_article(marketer_client, gated_image):
    index = marketer_client.article_index
    banner = Image.objects.create(
        title="Banner", collection=marketing_collection(), file=ContentFile(png_bytes(), name="banner.png")
    )
    add_url = reverse("wagtailadmin_pages:add", args=["course", "articlepage", index.pk])
    response = marketer_client.post(add_url, article_form(banner, **{"action-publish": "action-publish"}))
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="campaign")
    assert article.hero_image == banner

    # An administrator illustrated an article with a root-collection image: the marketer may edit it.
    illustrated = make_article(index, "Illustrated", hero_image=gated_image)
    edit_url = reverse("wagtailadmin_pages:edit", args=[illustrated.pk])
    data = article_form(gated_image, body=False, title="Illustrated, reworded", slug="illustrated")
    data["action-publish"] = "action-publish"
    assert marketer_client.post(edit_url, data).status_code == 302
    illustrated.refresh_from_db()
    assert illustrated.title == "Illustrated, reworded"


# --- exports ------------------------------------------------------------------------------------


def test_course_report_export_neutralises_spreadsheet_formulas(gated_course):
    gated_course.title = FORMULA_CANARY
    gated_course.save_revision().publish()
    client = client_for(make_user("root", is_superuser=True, is_staff=True))
    csv_text = body_of(client.get(reverse("course_reports:index") + "?export=csv"))
    rows = csv_text.splitlines()
    assert any("zqformula" in row for row in rows)
    assert not any(row.startswith(("=", '"=')) for row in rows)


# --- cache headers ------------------------------------------------------------------------------


def test_user_dependent_responses_are_private(personas, gated_course, gated_document):
    module = gated_course.lessons[1].get_parent()
    enrolled = client_for(personas["enrolled"])
    for url in (module.url, "/learn/", gated_document.url, "/"):
        cache_control = enrolled.get(url).get("Cache-Control", "")
        assert "private" in cache_control and "no-store" in cache_control, url
    refused = Client().get(gated_document.url)
    assert "no-store" in refused.get("Cache-Control", "")


# --- redirects ----------------------------------------------------------------------------------


def test_login_next_parameter_does_not_redirect_off_site(db):
    make_user("walker")
    response = Client().post(
        "/accounts/login/?next=https://evil.example/steal",
        {"login": "walker@example.com", "password": "pw-123-long-enough"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
