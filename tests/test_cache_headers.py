"""Who may keep a response (course/cache_headers.py), and what a page change purges
from a front-end cache (course/frontend_cache.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import add_message, constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from wagtail.models import PageViewRestriction

from course import frontend_cache
from course.cache_headers import finalise, public_when_anonymous
from course.models import Certificate, Enrollment, ModulePage
from lessons.models import LessonPage
from tests.canaries import ALL_CANARIES
from tests.factories import body_of, client_for, make_article, make_course, make_index, publish
from tests.frontend_cache_recorder import PURGED

PERSONAS = ["anonymous", "outsider", "enrolled", "editor"]
# Pages the same for every anonymous visitor: public for them, private for anyone logged in.
SHARED_WHEN_ANONYMOUS = [
    "catalogue",
    "course",
    "module",
    "preview lesson",
    "article index",
    "article",
    "rss",
    "atom",
]


def directives(response):
    """{directive: value or None} of a response's Cache-Control."""
    parsed = {}
    for item in response.get("Cache-Control", "").split(","):
        if item:
            name, _, value = item.partition("=")
            parsed[name.strip().lower()] = value or None
    return parsed


def kind_of(response):
    """ "public" (shared caches may keep it), "private" (private, no-store), else "not cached here"."""
    cache_control = directives(response)
    if "public" in cache_control:
        assert not {"private", "no-store", "no-cache"} & set(cache_control), cache_control
        return "public"
    if "private" in cache_control and "no-store" in cache_control:
        return "private"
    return "not public"


def expected_kind(persona, page):
    if persona != "anonymous":
        return "private"
    if page in SHARED_WHEN_ANONYMOUS:
        return "public"
    return "private"


@pytest.fixture
def urls(personas, gated_course, catalogue):
    index = make_index(catalogue, intro="Teasers.")
    article = make_article(index, promoted_course=gated_course)
    enrollment = Enrollment.objects.get(user=personas["enrolled"], course=gated_course)
    certificate = Certificate.objects.create(enrollment=enrollment)
    preview, members, _ = gated_course.lessons
    return {
        "catalogue": catalogue.url,
        "course": gated_course.url,
        "module": preview.get_parent().url,
        "preview lesson": preview.url,
        "gated lesson": members.url,
        "article index": index.url,
        "article": article.url,
        "rss": index.url + "feed/",
        "atom": index.url + "feed/atom/",
        "learn": "/learn/",
        "search": "/search/?q=x",
        "certificate": certificate.get_absolute_url(),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_cache_control_per_persona_and_page(urls, personas, persona):
    client = client_for(personas[persona])
    seen, wanted = {}, {}
    for page, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 302), (page, response.status_code)
        seen[page] = kind_of(response)
        wanted[page] = expected_kind(persona, page)
    assert seen == wanted


def test_public_responses_are_short_lived_and_set_no_cookie(urls):
    client = Client()
    for page in SHARED_WHEN_ANONYMOUS:
        response = client.get(urls[page])
        cache_control = directives(response)
        assert cache_control["max-age"] == "60" and cache_control["s-maxage"] == "600", page
        assert "Cookie" in response["Vary"], page  # a cache that honours Vary keeps it from sessions
        assert not response.cookies, page
        html = body_of(response)
        assert "csrfmiddlewaretoken" not in html, page
        assert not any(canary in html for canary in ALL_CANARIES), page
    assert not client.cookies


@override_settings(PINEWOOD_PUBLIC_MAX_AGE=5, PINEWOOD_PUBLIC_S_MAXAGE=50)
def test_public_ages_are_plugin_settings(gated_course):
    cache_control = directives(Client().get(gated_course.url))
    assert (cache_control["max-age"], cache_control["s-maxage"]) == ("5", "50")


def test_page_with_a_form_is_never_public(personas, gated_course, monkeypatch):
    outsider = client_for(personas["outsider"]).get(gated_course.url)
    assert "csrfmiddlewaretoken" in body_of(outsider)  # the enroll form
    assert kind_of(outsider) == "private"

    # Should an anonymous page render a CSRF token, it is private (and sets the CSRF cookie).
    from course import views  # noqa: PLC0415

    def with_token(request, course, **kwargs):
        get_token(request)
        return course_context(request, course, **kwargs)

    course_context = views.course_context
    monkeypatch.setattr(views, "course_context", with_token)
    anonymous = Client().get(gated_course.url)
    assert kind_of(anonymous) == "private"
    assert "csrftoken" in anonymous.cookies


def test_password_protected_page_is_never_public(gated_course):
    PageViewRestriction.objects.create(page=gated_course, restriction_type="password", password="s3cret-pw")
    response = Client().get(gated_course.url)
    assert response.status_code == 200 and "password" in body_of(response).lower()
    assert kind_of(response) == "private"


def test_visitor_with_a_session_gets_private_pages(gated_course):
    client = Client()
    client.cookies["sessionid"] = "stale-or-anonymous-session"
    assert kind_of(client.get(gated_course.url)) == "private"


def test_errors_and_routes_are_never_public(gated_course):
    preview = gated_course.lessons[0]
    client = Client()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and kind_of(missing) != "public"
    missing_under_course = client.get(gated_course.url + "no-such-module/")
    assert missing_under_course.status_code == 404 and kind_of(missing_under_course) != "public"
    for url in (
        gated_course.url + "enroll/",
        gated_course.url + "withdraw/",
        gated_course.url + "certificate/",
        preview.url + "complete/",
        preview.url + "quiz/some-block/",
    ):
        for response in (client.get(url), client.post(url)):
            assert kind_of(response) == "private", (url, response.status_code)


def test_unpublished_course_pages_are_404_and_not_public(gated_course):
    preview = gated_course.lessons[0]
    gated_course.unpublish()
    for url in (preview.get_parent().url, preview.url):
        response = Client().get(url)
        assert response.status_code == 404 and kind_of(response) != "public", url


# --- the decision itself -------------------------------------------------------------------------


def anonymous_request(method="get", **cookies):
    request = getattr(RequestFactory(), method)("/page/")
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def decided(request, response=None):
    response = response if response is not None else HttpResponse("page")
    return kind_of(finalise(request, public_when_anonymous(response, request)))


def test_opted_in_page_for_an_anonymous_get_is_public():
    assert decided(anonymous_request()) == "public"


def csrf_token_rendered(request, response):
    get_token(request)


def cookie_set(request, response):
    response.set_cookie("theme", "dark")


def varies_on_cookie(request, response):
    response["Vary"] = "Cookie"


def session_started(request, response):
    request.session["seen"] = True


def message_waiting(request, response):
    add_message(request, constants.INFO, "Welcome back")


def already_private(request, response):
    response["Cache-Control"] = "private"


def not_found(request, response):
    response.status_code = 404


def redirect(request, response):
    response.status_code = 302


@pytest.mark.parametrize(
    "spoil",
    [
        csrf_token_rendered,
        cookie_set,
        varies_on_cookie,
        session_started,
        message_waiting,
        already_private,
        not_found,
        redirect,
    ],
)
def test_anything_per_visitor_makes_an_opted_in_page_private(db, spoil):
    request, response = anonymous_request(), HttpResponse("page")
    spoil(request, response)
    assert decided(request, response) == "private"


def test_a_session_or_a_message_from_before_makes_it_private():
    assert decided(anonymous_request(sessionid="abc")) == "private"
    earlier = CookieStorage(anonymous_request())._encode(
        [Message(constants.SUCCESS, "You have left the course.")]
    )
    assert decided(anonymous_request(messages=earlier)) == "private"


def test_post_and_logged_in_responses_are_private(django_user_model):
    assert decided(anonymous_request("post")) == "private"
    request = anonymous_request()
    request.user = django_user_model(username="someone")
    assert decided(request) == "private"
    # Not opted in: a logged-in user's response is private all the same; an anonymous one is left alone.
    assert kind_of(finalise(request, HttpResponse("x"))) == "private"
    assert kind_of(finalise(anonymous_request(), HttpResponse("x"))) == "not public"


# --- purging a front-end cache -------------------------------------------------------------------


@pytest.fixture
def article_index(catalogue):
    return make_index(catalogue)


def urls_of(*pages):
    return {page.full_url for page in pages}


def test_publishing_a_lesson_purges_its_course_pages_and_the_catalogue(
    gated_course, catalogue, purged, django_capture_on_commit_callbacks
):
    preview, members, third = gated_course.lessons
    module = third.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        third.save_revision().publish()
    # The lesson itself (Wagtail), the pages listing the syllabus, the catalogue's lesson counts.
    assert set(purged) == urls_of(third, module, gated_course, preview, catalogue)
    assert members.full_url not in purged  # a gated lesson is never in a shared cache


def test_purges_wait_for_the_commit(gated_course, purged, django_capture_on_commit_callbacks):
    third = gated_course.lessons[2]
    with django_capture_on_commit_callbacks() as callbacks:
        third.save_revision().publish()
    assert gated_course.full_url not in purged
    for callback in callbacks:
        callback()
    assert gated_course.full_url in purged


def test_unpublishing_a_lesson_or_module_purges(
    gated_course, catalogue, purged, django_capture_on_commit_callbacks
):
    preview, _, third = gated_course.lessons
    module = third.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        third.unpublish()
    assert set(purged) == urls_of(third, module, gated_course, preview, catalogue)

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ModulePage.objects.get(pk=module.pk).unpublish()
    # Its free preview now answers 404: purged with the rest.
    assert set(purged) == urls_of(module, gated_course, preview, catalogue)


def test_unpublishing_a_course_purges_its_pages_and_the_articles_promoting_it(
    gated_course, catalogue, article_index, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(article_index, promoted_course=gated_course)
    purged.clear()
    preview = gated_course.lessons[0]
    with django_capture_on_commit_callbacks(execute=True):
        gated_course.unpublish()
    assert set(purged) == urls_of(gated_course, preview.get_parent(), preview, catalogue, article)


def test_moving_a_lesson_purges_old_and_new_places(
    gated_course, other_course, catalogue, purged, django_capture_on_commit_callbacks
):
    preview, _, third = gated_course.lessons
    old_url = third.full_url
    target = other_course.get_children().first()
    with django_capture_on_commit_callbacks(execute=True):
        third.move(target, pos="last-child")
    moved = LessonPage.objects.get(pk=third.pk)
    assert moved.full_url != old_url
    assert {old_url, moved.full_url} <= set(purged)
    assert urls_of(preview.get_parent(), gated_course, preview, target, other_course, catalogue) <= set(
        purged
    )


def test_deleting_pages_purges(gated_course, catalogue, purged, django_capture_on_commit_callbacks):
    preview, members, third = gated_course.lessons
    module = third.get_parent()
    expected = urls_of(third, module, gated_course, preview, catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        LessonPage.objects.get(pk=third.pk).delete()
    assert set(purged) == expected

    purged.clear()
    # Wagtail purges each live page's own URL as it unpublishes it, gated lessons included.
    expected = urls_of(gated_course, module, preview, members, catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        gated_course.delete()
    assert set(purged) == expected


def test_publishing_an_article_purges_its_index_feeds_and_the_catalogue(
    catalogue, article_index, purged, django_capture_on_commit_callbacks
):
    index_url = article_index.full_url
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(article_index, title="Fresh article")
    assert set(purged) == {
        article.full_url,
        index_url,
        index_url + "feed/",
        index_url + "feed/atom/",
        catalogue.full_url,
    }


def test_publishing_the_article_index_purges_its_feeds(
    catalogue, article_index, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(article_index)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article_index.save_revision().publish()
    index_url = article_index.full_url
    assert {
        index_url,
        index_url + "feed/",
        index_url + "feed/atom/",
        article.full_url,
        catalogue.full_url,
    } == set(purged)


def test_without_a_front_end_cache_nothing_is_collected(
    catalogue, django_capture_on_commit_callbacks, settings
):
    assert not getattr(settings, "WAGTAILFRONTENDCACHE", None)
    course, _ = make_course(catalogue, "Quiet", modules=1, lessons=1)
    with django_capture_on_commit_callbacks():
        publish(course, ModulePage(title="Extra", slug="extra"), revision=True)
        course.save_revision().publish()
        assert frontend_cache.pending.batch is None
    assert PURGED == []
