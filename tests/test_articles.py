"""Teaser articles: content, publication dates, scheduling, and what they may show of lessons."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from course.models import ArticleIndexPage, ArticlePage, CourseIndexPage, CoursePage
from lessons.models import LessonPage
from lms_site.demo.article import load_article
from tests.canaries import ALL_CANARIES, NO_ACCESS, WITH_ACCESS
from tests.factories import enroll_as, make_article, make_index, make_user, teaser

pytestmark = pytest.mark.django_db


def html_of(response):
    return response.content.decode()


@pytest.fixture
def article_index(catalogue):
    return make_index(catalogue)


@pytest.fixture
def teaser_article(article_index, gated_course):
    """An article teasing the members-only lesson (whose body and gated section hold canaries)."""
    preview, members, _ = gated_course.lessons
    return make_article(
        article_index,
        "Inside the members lesson",
        body=[
            ("heading", {"text": "What you will learn", "level": "h2"}),
            ("paragraph", "<p>Public article words.</p>"),
            teaser(members),
            teaser(preview, "Try the free preview"),
        ],
        promoted_course=gated_course,
    )


class ArticleTreeTests(WagtailPageTestCase):
    def test_articles_live_under_the_article_index_under_the_catalogue(self):
        self.assertAllowedParentPageTypes(ArticleIndexPage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})
        self.assertCanCreateAt(CourseIndexPage, ArticleIndexPage)
        self.assertCanNotCreateAt(CoursePage, ArticleIndexPage)
        self.assertCanNotCreateAt(CourseIndexPage, ArticlePage)
        self.assertCanNotCreateAt(ArticleIndexPage, CoursePage)
        self.assertAllowedSubpageTypes(ArticlePage, {})


def test_article_page_shows_its_fields_and_ends_with_the_promoted_course(article_index, gated_course):
    article = make_article(
        article_index,
        "Posture and pain",
        subtitle="A short subtitle",
        author="Dr Ada Example",
        date=datetime.date(2020, 3, 4),
        body=[
            ("heading", {"text": "A structured heading", "level": "h2"}),
            ("paragraph", "<p>First <b>paragraph</b>.</p>"),
            ("quote", {"quote": "Move a little every day.", "attribution": "A physio"}),
            ("course_cta", {"course": gated_course, "heading": "", "text": "", "button_label": ""}),
        ],
        promoted_course=gated_course,
    )
    article.tags.set(["Posture"])
    article.save_revision().publish()
    html = html_of(Client().get(article.url))
    for text in (
        "Posture and pain",
        "A short subtitle",
        "By Dr Ada Example",
        "4 March 2020",
        "Intro of Posture",
    ):
        assert text in html
    assert "<h2>A structured heading</h2>" in html
    assert "<b>paragraph</b>" in html
    assert "Move a little every day." in html
    assert "Posture</li>" in html
    # The body's course call to action and the closing one both lead to the course (counted).
    to_course = f"{article.url}go/{gated_course.pk}/"
    assert html.count(f'href="{to_course}') >= 2
    closing = html[html.index('id="promoted-heading"') :]
    assert gated_course.title in closing
    assert f'href="{to_course}#enroll"' in closing
    assert f'href="{to_course}#syllabus-heading"' in closing


def test_closing_call_to_action_knows_an_enrolled_reader(article_index, gated_course):
    article = make_article(article_index, promoted_course=gated_course)
    student = make_user("reader")
    enroll_as(student, gated_course)
    client = Client()
    client.force_login(student)
    html = html_of(client.get(article.url))
    assert "Continue the course" in html
    assert f"go/{gated_course.pk}/#enroll" not in html


def test_unpublished_promoted_course_is_not_shown(article_index, gated_course):
    article = make_article(article_index, promoted_course=gated_course)
    gated_course.unpublish()
    html = html_of(Client().get(article.url))
    assert gated_course.title not in html
    assert 'id="promoted-heading"' not in html


def test_publication_date_defaults_to_first_publish_and_stays_editable(article_index):
    article = make_article(article_index, "Undated")
    assert article.date == timezone.localdate()
    article.date = datetime.date(2019, 1, 2)
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.date == datetime.date(2019, 1, 2)
    assert "2 January 2019" in html_of(Client().get(article.url))


def test_scheduled_article_goes_live_at_its_go_live_date(article_index):
    go_live = timezone.now() + datetime.timedelta(days=2)
    article = ArticlePage(
        title="Coming soon", slug="coming-soon", intro="Soon.", go_live_at=go_live, live=False
    )
    article_index.add_child(instance=article)
    revision = article.save_revision()
    revision.publish()
    article.refresh_from_db()
    assert not article.live
    assert Client().get(article.url).status_code == 404
    assert "Coming soon" not in html_of(Client().get(article_index.url))
    assert "Coming soon" not in html_of(Client().get(article_index.url + "feed/"))

    # Let the go-live moment pass, as the clock would.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.live
    assert article.date == timezone.localdate()
    assert Client().get(article.url).status_code == 200
    assert "Coming soon" in html_of(Client().get(article_index.url + "feed/"))


def test_index_lists_live_articles_newest_first(article_index):
    make_article(article_index, "Older", date=datetime.date(2020, 1, 1))
    make_article(article_index, "Newer", date=datetime.date(2021, 1, 1))
    draft = make_article(article_index, "Draft")
    draft.unpublish()
    html = html_of(Client().get(article_index.url))
    assert html.index("Newer") < html.index("Older")
    assert "Draft" not in html
    assert Client().get(article_index.url, {"page": "nonsense"}).status_code == 200


def test_article_under_unpublished_index_is_not_found(article_index):
    article = make_article(article_index)
    article_index.unpublish()
    assert Client().get(article.url).status_code == 404


# --- lesson teasers never carry lesson content -------------------------------------------------


@pytest.mark.parametrize("persona", NO_ACCESS + WITH_ACCESS)
def test_lesson_teaser_shows_title_summary_and_link_only(personas, teaser_article, gated_course, persona):
    client = Client()
    if personas[persona] is not None:
        client.force_login(personas[persona])
    html = html_of(client.get(teaser_article.url))
    preview, members, _ = gated_course.lessons
    for lesson in (members, preview):
        assert lesson.title in html
        assert lesson.summary in html
        assert f'href="{teaser_article.url}go/{lesson.pk}/"' in html  # counted, then redirected
    assert "Try the free preview" in html
    # Not even the free preview's public body: a teaser is title, summary and link.
    assert "zqpublicpreview" not in html
    for canary in ALL_CANARIES:
        assert canary not in html, f"{canary} reached an article for {persona}"


def test_teaser_of_unpublished_or_deleted_lesson_disappears(article_index, gated_course):
    members = gated_course.lessons[1]
    article = make_article(article_index, body=[teaser(members)])
    members.unpublish()
    assert members.title not in html_of(Client().get(article.url))
    LessonPage.objects.filter(pk=members.pk).delete()
    response = Client().get(article.url)
    assert response.status_code == 200
    assert members.title not in html_of(response)


def test_teaser_of_lesson_in_unpublished_course_disappears(article_index, gated_course):
    members = gated_course.lessons[1]
    article = make_article(article_index, body=[teaser(members)])
    gated_course.unpublish()
    html = html_of(Client().get(article.url))
    assert members.title not in html
    assert members.summary not in html


def test_api_representation_of_article_holds_no_lesson_body(teaser_article):
    data = Client().get(f"/api/v2/pages/{teaser_article.pk}/?fields=*").json()
    assert data["intro"] == teaser_article.intro
    text = str(data)
    for canary in ALL_CANARIES:
        assert canary not in text


# --- the demo article -------------------------------------------------------------------------


def test_demo_publishes_a_teaser_article_promoting_the_demo_course(db):
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    article = ArticlePage.objects.get(slug="mesotherapy-for-lower-back-pain")
    seed = load_article()
    assert article.title != seed.title  # its own headline, not the course's
    assert article.date == datetime.date(2015, 5, 21) == seed.date
    assert article.live and isinstance(article.get_parent().specific, ArticleIndexPage)
    assert article.promoted_course.slug == "mesotherapy-lower-back-pain"
    assert article.hero_image is not None
    teasers = [block.value["lesson"] for block in article.body if block.block_type == "lesson_teaser"]
    assert [lesson.specific.is_preview for lesson in teasers] == [True]
    assert [block.value["text"] for block in article.body if block.block_type == "heading"][:2] == [
        "Three kinds of lower back pain",
        "What the course covers",
    ]
    html = html_of(Client().get(article.url))
    assert "21 May 2015" in html
    assert escape(seed.sections[0].paragraphs[0]) in html  # the course's public description

    pages = Page.objects.count()
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert ArticlePage.objects.get(pk=article.pk).date == datetime.date(2015, 5, 21)
