"""Article → course click-through: an article's links to courses and lessons go through its
`go/<page id>/` route, which counts one click a request (no cookie, no personal data) and
redirects; anything the article does not link is a 404."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from course.models import ArticleClick, ArticlePage
from lessons.models import LessonPage
from tests.factories import body_of, client_for, make_article, make_index, teaser

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def article(catalogue, gated_course, other_course):
    """Links its promoted course, a lesson (teaser) and another course (call to action)."""
    index = make_index(catalogue)
    members = gated_course.lessons[1]
    cta = ("course_cta", {"course": other_course, "heading": "", "text": "", "button_label": ""})
    return make_article(index, body=[teaser(members), cta], promoted_course=gated_course)


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT=BROWSER)


def go(article, page):
    return f"{article.url}go/{page.pk}/"


def clicks(article):
    """{(target id, day): count} of an article's clicks."""
    return {(c.target_id, c.day): c.count for c in ArticleClick.objects.filter(article=article)}


def cache_control(response):
    return {
        part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()
    }


def test_the_article_links_through_the_counting_route(article, gated_course, other_course):
    html = body_of(Client().get(article.url))
    members = gated_course.lessons[1]
    assert f'href="{go(article, members)}"' in html
    assert f'href="{go(article, other_course)}"' in html
    assert f'href="{go(article, gated_course)}#enroll"' in html
    assert f'href="{members.url}"' not in html  # no uncounted way round


def test_each_click_counts_once_and_redirects_to_the_page(article, gated_course, other_course, reader):
    members = gated_course.lessons[1]
    today = timezone.localdate()
    for target in (gated_course, gated_course, members, other_course, gated_course):
        response = reader.get(go(article, target))
        assert response.status_code == 302
        assert response["Location"] == target.url
    assert clicks(article) == {
        (gated_course.pk, today): 3,
        (members.pk, today): 1,
        (other_course.pk, today): 1,
    }


def test_clicks_are_kept_per_day(article, gated_course, reader):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ArticleClick.objects.create(article=article, target=gated_course, day=yesterday, count=7)
    reader.get(go(article, gated_course))
    reader.get(go(article, gated_course))
    assert clicks(article) == {(gated_course.pk, yesterday): 7, (gated_course.pk, timezone.localdate()): 2}


def test_the_fragment_of_the_link_survives_the_redirect(article, gated_course, reader):
    # Browsers keep "#enroll" of the followed link when the Location has no fragment of its own.
    response = reader.get(go(article, gated_course))
    assert "#" not in response["Location"]


def test_a_page_the_article_does_not_link_is_not_found(article, catalogue, gated_course, reader):
    not_linked = [gated_course.lessons[0], gated_course.lessons[2], catalogue, article]
    for page in not_linked:
        assert reader.get(go(article, page)).status_code == 404, page
    assert reader.get(f"{article.url}go/999999/").status_code == 404
    assert reader.get(f"{article.url}go/abc/").status_code == 404
    assert not ArticleClick.objects.exists()


def test_an_unpublished_or_restricted_target_is_not_found(article, gated_course, other_course, reader):
    members = gated_course.lessons[1]
    members.unpublish()
    assert reader.get(go(article, members)).status_code == 404
    PageViewRestriction.objects.create(page=other_course, restriction_type=PageViewRestriction.LOGIN)
    assert reader.get(go(article, other_course)).status_code == 404
    assert not ArticleClick.objects.exists()


def test_an_unpublished_article_counts_nothing(article, gated_course, reader):
    article.unpublish()
    assert reader.get(go(article, gated_course)).status_code == 404
    assert not ArticleClick.objects.exists()


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Some Crawler 1.0",
        "Baiduspider",
    ],
)
def test_robots_are_redirected_without_counting(article, gated_course, agent):
    response = Client(HTTP_USER_AGENT=agent).get(go(article, gated_course))
    assert response.status_code == 302 and response["Location"] == gated_course.url
    assert not ArticleClick.objects.exists()


def test_head_requests_are_redirected_without_counting(article, gated_course, reader):
    response = reader.head(go(article, gated_course))
    assert response.status_code == 302 and response["Location"] == gated_course.url
    assert not ArticleClick.objects.exists()


def test_other_methods_are_refused(article, gated_course, reader):
    assert reader.post(go(article, gated_course)).status_code == 405
    assert not ArticleClick.objects.exists()


def test_the_redirect_is_never_cached_but_the_article_is(article, gated_course, reader):
    redirect = reader.get(go(article, gated_course))
    assert {"private", "no-store"} <= cache_control(redirect)
    assert "public" not in cache_control(redirect)
    assert not redirect.cookies and not reader.cookies  # nothing is set on the reader
    assert "public" in cache_control(reader.get(article.url))
    logged_in = client_for(
        get_user_model().objects.create_user("reader", "r@example.com", "pw-123-long-enough")
    )
    assert {"private", "no-store"} <= cache_control(
        logged_in.get(go(article, gated_course), HTTP_USER_AGENT=BROWSER)
    )


def test_a_draft_preview_links_straight_to_the_pages(article, gated_course):
    """A draft may link pages the live article does not, so its preview does not count."""
    editor = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123-long-enough")
    html = body_of(client_for(editor).get(reverse("wagtailadmin_pages:view_draft", args=[article.pk])))
    assert f'href="{gated_course.lessons[1].url}"' in html
    assert "/go/" not in html


def test_deleting_the_article_or_the_target_deletes_its_clicks(article, gated_course, other_course, reader):
    members = gated_course.lessons[1]
    for target in (members, other_course, gated_course):
        reader.get(go(article, target))
    LessonPage.objects.get(pk=members.pk).delete()
    assert {target for target, _ in clicks(article)} == {other_course.pk, gated_course.pk}
    assert reader.get(article.url).status_code == 200
    assert reader.get(go(article, members)).status_code == 404
    ArticlePage.objects.get(pk=article.pk).delete()
    assert not ArticleClick.objects.exists()
    assert reader.get(gated_course.url).status_code == 200
