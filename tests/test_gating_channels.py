"""Canary suite: gated text never reaches anyone without access, through any channel."""

import pytest
from django.test import Client

from tests.canaries import (
    ALL_CANARIES,
    ALT_CANARY,
    BODY_CANARY,
    DOC_CANARY,
    GATED_BLOCK_CANARY,
    NO_ACCESS,
    WITH_ACCESS,
    assert_no_canary,
)
from tests.factories import body_of, client_for

pytestmark = pytest.mark.django_db


def gathered_responses(client, course, document):
    """Every public channel a visitor can reach, as (label, response text)."""
    preview, members, _ = course.lessons
    urls = {
        "course page": course.url,
        "preview lesson": preview.url,
        "members lesson": members.url,
        "members lesson without slash": members.url.rstrip("/"),
        "module page": members.get_parent().url,
        "catalogue": "/",
        "sitemap": "/sitemap.xml",
        "api listing": "/api/v2/pages/?fields=*&limit=20",
        "api lesson listing": "/api/v2/pages/?type=lessons.LessonPage&fields=*",
        f"api detail {members.pk}": f"/api/v2/pages/{members.pk}/?fields=*",
        f"api detail {preview.pk}": f"/api/v2/pages/{preview.pk}/?fields=*",
        "api search": f"/api/v2/pages/?search={BODY_CANARY}",
        "dashboard": "/learn/",
        "404 page": "/no-such-page-anywhere/",
        "document": document.url,
    }
    for label, url in urls.items():
        response = client.get(url, follow=True)
        if label.startswith("api"):
            assert response.status_code == 200, label  # a refused query would prove nothing
        yield label, response, body_of(response)
    head = client.head(members.url)
    yield "members lesson HEAD", head, body_of(head)


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_canaries_never_reach_people_without_access(personas, gated_course, gated_document, persona):
    client = client_for(personas[persona])
    for label, response, text in gathered_responses(client, gated_course, gated_document):
        assert response.status_code < 500, label
        assert_no_canary(text, f"{label} for {persona}")
    # The locked lesson still answers 200 with its public title and summary.
    members = gated_course.lessons[1]
    response = client.get(members.url)
    assert response.status_code == 200
    assert members.title in body_of(response)
    assert members.summary in body_of(response)


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_gated_document_download_refused(personas, gated_document, persona):
    response = client_for(personas[persona]).get(gated_document.url)
    assert response.status_code in (302, 403)
    assert_no_canary(body_of(response), f"document download for {persona}")
    if personas[persona] is None:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_search_for_gated_words_finds_nothing(personas, gated_course, persona):
    client = client_for(personas[persona])
    nonsense = client.get("/search/", {"q": "qqxxnonsenseword"}).context["result_count"]
    for canary in ALL_CANARIES:
        response = client.get("/search/", {"q": canary})
        assert response.context["result_count"] == nonsense == 0
        for lesson in gated_course.lessons:
            assert lesson.url not in body_of(response)


@pytest.mark.parametrize("persona", WITH_ACCESS)
def test_people_with_access_see_everything(personas, gated_course, gated_document, gated_image, persona):
    client = client_for(personas[persona])
    preview, members, _ = gated_course.lessons
    preview_html = body_of(client.get(preview.url))
    assert GATED_BLOCK_CANARY in preview_html
    members_html = body_of(client.get(members.url))
    assert BODY_CANARY in members_html
    assert DOC_CANARY in members_html
    assert ALT_CANARY in members_html
    assert f"/{gated_image.pk}/width-960/" in members_html  # the figure, by its signed URL
    download = client.get(gated_document.url)
    assert download.status_code == 200
    assert body_of(download) == "protocol contents"


def test_enrolled_student_finds_own_lesson_by_body_words(personas, gated_course):
    client = client_for(personas["enrolled"])
    response = client.get("/search/", {"q": BODY_CANARY})
    assert response.context["result_count"] == 1
    assert gated_course.lessons[1].url in body_of(response)
    # Words in a gated section are searchable for them too.
    response = client.get("/search/", {"q": GATED_BLOCK_CANARY})
    assert gated_course.lessons[0].url in body_of(response)


def test_public_preview_text_is_searchable_by_anyone(gated_course):
    response = Client().get("/search/", {"q": "zqpublicpreview"})
    assert response.context["result_count"] == 1
    assert gated_course.lessons[0].url in body_of(response)


def test_free_preview_shows_body_but_keeps_gated_section_closed(gated_course):
    html = body_of(Client().get(gated_course.lessons[0].url))
    assert "zqpublicpreview" in html
    assert "Enroll to read the members section." in html
    assert GATED_BLOCK_CANARY not in html


def test_sitemap_lists_courses_modules_and_preview_lessons_only(gated_course):
    xml = body_of(Client().get("/sitemap.xml"))
    preview, members, third = gated_course.lessons
    assert gated_course.full_url in xml
    assert members.get_parent().full_url in xml
    assert preview.full_url in xml
    assert members.full_url not in xml
    assert third.full_url not in xml


def test_api_exposes_only_public_fields(gated_course):
    members = gated_course.lessons[1]
    data = Client().get(f"/api/v2/pages/{members.pk}/?fields=*").json()
    assert data["summary"] == members.summary
    assert "body" not in data
    assert Client().get("/api/v2/images/").status_code == 404
    assert Client().get("/api/v2/documents/").status_code == 404
    assert Client().get("/api/v3/pages/").status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "enrolled"])
def test_user_dependent_pages_are_never_cached(personas, gated_course, persona):
    client = client_for(personas[persona])
    # The course overview is the same for every anonymous visitor: public (tests/test_cache_headers.py).
    course_url = () if persona == "anonymous" else (gated_course.url,)
    for url in (*course_url, gated_course.lessons[1].url, "/search/?q=lesson"):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


def test_locked_notice_says_why_and_offers_the_right_action(personas, gated_course):
    members = gated_course.lessons[1]
    expectations = {
        "anonymous": "Log in",
        "outsider": "Enroll now",
        "pending": "waiting for approval",
        "expired": "Your access to this course ended",
        "withdrawn": "Enroll now",
    }
    for persona, text in expectations.items():
        html = body_of(client_for(personas[persona]).get(members.url))
        assert text in html, persona
