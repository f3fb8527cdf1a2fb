"""Site search: courses, articles and public lesson text, with highlighted snippets that stay public."""

import pytest
from django.test import Client

from course.search import highlight
from tests.canaries import ALL_CANARIES, BODY_CANARY, GATED_BLOCK_CANARY, NO_ACCESS
from tests.factories import client_for, make_article, make_course, make_index, teaser

pytestmark = pytest.mark.django_db


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.fixture
def shared_word_course(catalogue):
    """A members-only lesson whose public summary and gated body share the word 'zqshared'."""
    course, lessons = make_course(
        catalogue,
        "Shared course",
        slug="shared-course",
        modules=1,
        lessons=1,
        body=[("paragraph", f"<p>zqshared secret body {BODY_CANARY}</p>")],
    )
    lesson = lessons[0]
    lesson.summary = "Public summary mentioning zqshared once."
    lesson.save_revision().publish()
    return course, lesson


def test_finds_courses_articles_and_public_lesson_text_with_highlights(catalogue, gated_course):
    course, _ = make_course(catalogue, "Posture course", slug="posture-course")
    course.summary = "All about zqposture at work."
    course.save_revision().publish()
    index = make_index(catalogue)
    article = make_article(index, "Posture article", intro="Why zqposture matters.")
    response, html = search(Client(), "zqposture")
    found = {result.page.pk for result in response.context["page_obj"]}
    assert found == {course.pk, article.pk}
    assert "<mark>zqposture</mark>" in html
    # Public text of a free-preview lesson is found too, and highlighted.
    response, html = search(Client(), "zqpublicpreview")
    assert [r.page.pk for r in response.context["page_obj"]] == [gated_course.lessons[0].pk]
    assert "<mark>zqpublicpreview</mark>" in html


def test_snippets_read_as_sentences(catalogue):
    """A subtitle, a heading or a title that ends without punctuation gets a full stop, so
    fields do not run into each other in the snippet."""
    index = make_index(catalogue)
    make_article(
        index,
        "Sentence article",
        subtitle="A first look at zqsentence",
        intro="Acute pain is recent!",
        body=[
            ("heading", {"text": "Three kinds", "level": "h2"}),
            ("paragraph", "<p>Chronic pain lasts</p>"),
        ],
    )
    _, html = search(Client(), "zqsentence")
    snippet = "A first look at <mark>zqsentence</mark>. Acute pain is recent! Three kinds. Chronic pain lasts"
    assert snippet in html


def test_results_are_paginated(catalogue):
    for number in range(12):
        make_course(catalogue, f"Pager {number}", slug=f"pager-{number}", modules=1, lessons=0)
    response, html = search(Client(), "Pager")
    assert response.context["result_count"] == 12
    assert len(response.context["page_obj"]) == 10
    assert "Page 1 of 2" in html
    assert 'href="?q=Pager&amp;page=2" rel="next"' in html  # the next link keeps the search words
    response, _ = search(Client(), "Pager", page=2)
    assert len(response.context["page_obj"]) == 2
    for bad in ("abc", "999", "-1"):
        assert search(Client(), "Pager", page=bad)[0].status_code == 200


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_snippet_of_a_locked_lesson_comes_from_its_summary_only(personas, shared_word_course, persona):
    _, lesson = shared_word_course
    response, html = search(client_for(personas[persona]), "zqshared")
    assert [r.page.pk for r in response.context["page_obj"]] == [lesson.pk]
    assert "Public summary mentioning <mark>zqshared</mark> once." in html
    assert "secret body" not in html
    for canary in ALL_CANARIES:
        assert canary not in html


def test_enrolled_student_gets_a_snippet_from_the_body_they_can_read(personas, gated_course):
    response, html = search(client_for(personas["enrolled"]), GATED_BLOCK_CANARY)
    assert gated_course.lessons[0].url in html
    assert f"<mark>{GATED_BLOCK_CANARY}</mark>" in html


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_article_teasing_a_gated_lesson_never_exposes_it_in_search(
    personas, catalogue, gated_course, persona
):
    members = gated_course.lessons[1]
    index = make_index(catalogue)
    article = make_article(index, "Teaser article", intro="About zqteaser lessons.", body=[teaser(members)])
    client = client_for(personas[persona])
    response, html = search(client, "zqteaser")
    assert article.url in html
    for canary in ALL_CANARIES:
        assert canary not in html
        response, html = search(client, canary)
        assert response.context["result_count"] == 0


def test_pages_under_an_unpublished_parent_are_not_found(catalogue):
    index = make_index(catalogue)
    make_article(index, "Hidden article", intro="zqhidden words.")
    index.unpublish()
    response, _ = search(Client(), "zqhidden")
    assert response.context["result_count"] == 0


def test_highlight_escapes_text_and_marks_whole_query_words():
    snippet = highlight("Use <b>ice</b> & heat: ice packs, then heat.", "ice")
    assert snippet == "Use ice &amp; heat: <mark>ice</mark> packs, then heat.".replace(
        "Use ice", "Use <mark>ice</mark>"
    )
    long_text = " ".join(f"word{n}" for n in range(100)) + " target " + "tail " * 50
    snippet = highlight(long_text, "target")
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>target</mark>" in snippet
    assert highlight("<script>x</script> y", "y") == "x <mark>y</mark>"
