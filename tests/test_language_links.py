"""The page in other languages: `<html lang>`, hreflang alternates in the head, the header's language
switcher (course/templatetags/course_languages.py) and the sitemap's alternates (course/sitemaps.py)."""

import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import translation

from course import sitemaps
from course.errors import unavailable_response
from course.templatetags import course_languages
from tests.budgets import COURSE_PAGE_MAX_QUERIES, LANGUAGE_LINKS_QUERIES, LESSON_PAGE_MAX_QUERIES
from tests.canaries import ALL_CANARIES
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course,
    make_user,
    translate,
    translate_course,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def head_of(html):
    return html[: html.index("</head>")]


def alternates_in_head(html):
    """{hreflang: href} of the head's alternate links in other languages."""
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head_of(html))
    return dict(links)


def switcher_of(html):
    """The language switcher's links as [(hreflang, href, current)], or None without a switcher."""
    found = re.search(r'<nav class="language-switcher" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    if found is None:
        return None
    links = re.findall(
        r'<a [^>]*href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)"( aria-current="true")?>', found[2]
    )
    for _, lang, hreflang, _ in links:
        assert lang == hreflang
    return [(hreflang, href, bool(current)) for href, _, hreflang, current in links]


def html_lang(html):
    return re.search(r'<html lang="([^"]*)">', html)[1]


def sitemap_entries(client=None):
    """{location: {hreflang: href}} of /sitemap.xml."""
    response = (client or Client()).get("/sitemap.xml")
    assert response.status_code == 200
    assert b'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in response.content
    entries = {}
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    for url in root.iter(f"{SITEMAP}url"):
        links = url.findall(f"{XHTML}link")
        assert all(link.get("rel") == "alternate" for link in links)
        entries[url.findtext(f"{SITEMAP}loc")] = {link.get("hreflang"): link.get("href") for link in links}
    return entries


# --- <html lang> ---------------------------------------------------------------------------------


def test_html_lang_is_the_language_of_the_page(french_gated_course):
    assert html_lang(body_of(Client().get(french_gated_course.url))) == "fr"
    assert html_lang(body_of(Client().get(french_gated_course.source.url))) == "en-gb"
    assert html_lang(body_of(Client().get("/fr/search/"))) == "fr"
    assert html_lang(body_of(Client().get("/search/"))) == "en-gb"


def test_error_pages_without_the_database_say_the_language_too():
    with translation.override("fr"):
        assert html_lang(unavailable_response("Indisponible").content.decode()) == "fr"
    assert html_lang(unavailable_response("Unavailable").content.decode()) == "en-gb"


# --- hreflang in <head> --------------------------------------------------------------------------


def test_course_pages_link_each_other_in_both_directions(french_gated_course):
    english = french_gated_course.source
    expected = {
        "en-gb": "http://localhost/gated-course/",
        "fr": "http://localhost/fr/gated-course/",
        "x-default": "http://localhost/gated-course/",
    }
    assert english.full_url == expected["en-gb"] and french_gated_course.full_url == expected["fr"]
    assert alternates_in_head(body_of(Client().get(french_gated_course.url))) == expected
    assert alternates_in_head(body_of(Client().get(english.url))) == expected


def test_catalogue_and_lessons_have_alternates_too(french_gated_course):
    french_preview, english_preview = french_gated_course.lessons[0], french_gated_course.source.lessons[0]
    links = alternates_in_head(body_of(Client().get(english_preview.url)))
    assert links == {
        "en-gb": english_preview.full_url,
        "fr": french_preview.full_url,
        "x-default": english_preview.full_url,
    }
    links = alternates_in_head(body_of(Client().get("/fr/")))
    assert links == {
        "en-gb": "http://localhost/",
        "fr": "http://localhost/fr/",
        "x-default": "http://localhost/",
    }


def test_a_page_without_translation_has_no_alternates_and_no_switcher(french_gated_course, other_course):
    html = body_of(Client().get(other_course.url))
    assert alternates_in_head(html) == {}
    assert switcher_of(html) is None
    assert "/fr/other-course/" not in html


# --- the switcher --------------------------------------------------------------------------------


def test_switcher_on_an_english_lesson_links_the_french_lesson(french_gated_course):
    english, french = french_gated_course.source.lessons[1], french_gated_course.lessons[1]
    html = body_of(Client().get(english.url))
    assert switcher_of(html) == [("en-gb", english.url, True), ("fr", french.url, False)]
    assert '<nav class="language-switcher" aria-label="Language">' in html
    assert ">English</a>" in html and ">Français</a>" in html
    french_html = body_of(Client().get(french.url))
    assert switcher_of(french_html) == [("en-gb", english.url, False), ("fr", french.url, True)]
    assert 'aria-label="Langue"' in french_html  # the label in the page's language
    assert ">English</a>" in french_html  # each name in its own language


def test_a_locked_lesson_switcher_shows_no_gated_content(personas, french_gated_course):
    for name in ("anonymous", "outsider"):
        html = body_of(client_for(personas[name]).get(french_gated_course.source.lessons[1].url))
        assert switcher_of(html)[1] == ("fr", french_gated_course.lessons[1].url, False)
        for canary in ALL_CANARIES:
            assert canary not in html


def test_no_link_to_a_translation_an_unpublished_module_hides(french_gated_course):
    """The French lesson is live but its module is not: it answers 404, so nobody links to it."""
    english, french = french_gated_course.source.lessons[0], french_gated_course.lessons[0]
    french.get_parent().unpublish()
    assert Client().get(french.url).status_code == 404
    html = body_of(Client().get(english.url))
    assert switcher_of(html) is None
    assert french.url not in html


def test_no_link_to_an_unpublished_translation(french_gated_course):
    french_gated_course.lessons[2].unpublish()
    html = body_of(Client().get(french_gated_course.source.lessons[2].url))
    assert switcher_of(html) is None and alternates_in_head(html) == {}


def test_a_route_of_a_page_keeps_its_path_in_the_other_language(french_gated_course):
    student = make_user("student")
    enroll_as(student, french_gated_course.source)
    response = client_for(student).get(french_gated_course.source.url + "progress/")
    assert response.status_code == 200
    links = switcher_of(body_of(response))
    assert links == [
        ("en-gb", french_gated_course.source.url + "progress/", True),
        ("fr", french_gated_course.url + "progress/", False),
    ]


def test_search_links_the_same_search_in_french(french_gated_course):
    html = body_of(Client().get("/search/", {"q": "posture"}))
    expected = [("en-gb", "/search/?q=posture", True), ("fr", "/fr/search/?q=posture", False)]
    assert switcher_of(html) == expected
    html = body_of(Client().get("/fr/search/"))
    assert switcher_of(html) == [("en-gb", "/search/", False), ("fr", "/fr/search/", True)]
    assert alternates_in_head(html) == {
        "en-gb": "http://localhost/search/",
        "fr": "http://localhost/fr/search/",
        "x-default": "http://localhost/search/",
    }


def test_account_pages_and_the_dashboard_switch_language(french_gated_course):
    html = body_of(Client().get("/accounts/login/"))
    assert ("fr", "/fr/accounts/login/", False) in switcher_of(html)
    student = make_user("student")
    html = body_of(client_for(student).get("/fr/learn/"))
    assert switcher_of(html) == [("en-gb", "/learn/", False), ("fr", "/fr/learn/", True)]


def test_a_missing_page_offers_no_language(french_gated_course):
    response = Client().get("/fr/no-such-page-anywhere/")
    assert response.status_code == 404
    html = body_of(response)
    assert switcher_of(html) is None and alternates_in_head(html) == {}


def test_nothing_with_localisation_off(settings, french_gated_course):
    settings.WAGTAIL_I18N_ENABLED = False
    # Literal paths: without Wagtail's localisation a page's URL takes the active language's prefix.
    for url in ("/gated-course/", "/gated-course/module-1/lesson-1-1/", "/search/"):
        html = body_of(Client().get(url))
        assert switcher_of(html) is None, url
        assert alternates_in_head(html) == {}, url
        assert "/fr/" not in head_of(html), url


def test_nothing_with_a_single_language(settings, french_gated_course):
    settings.LANGUAGES = [("en-gb", "English")]
    html = body_of(Client().get("/search/"))
    assert switcher_of(html) is None and alternates_in_head(html) == {}


# --- query counts --------------------------------------------------------------------------------


def queries_for(client, url, django_assert_max_num_queries, budget):
    client.get(url)  # warm per-process caches (content types, site, outline, site root paths)
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("enrolled", [False, True], ids=["anonymous", "enrolled"])
def test_the_links_cost_one_query_whatever_the_languages(
    french_gated_course, django_assert_max_num_queries, monkeypatch, enrolled
):
    course = french_gated_course.source
    client = Client()
    if enrolled:
        student = make_user("student")
        enroll_as(student, course)
        client.force_login(student)
    pages = ((course.url, COURSE_PAGE_MAX_QUERIES), (course.lessons[0].url, LESSON_PAGE_MAX_QUERIES))
    for url, budget in pages:
        with_links = queries_for(client, url, django_assert_max_num_queries, budget + LANGUAGE_LINKS_QUERIES)
        with monkeypatch.context() as patched:
            patched.setattr(course_languages, "links_for", lambda context: [])
            without = queries_for(client, url, django_assert_max_num_queries, budget)
        assert with_links - without == LANGUAGE_LINKS_QUERIES, url  # head and header share it


def test_search_links_cost_no_query(french_gated_course, django_assert_num_queries, monkeypatch):
    client = Client()
    client.get("/fr/search/")
    with django_assert_num_queries(0, exact=False) as captured:
        client.get("/fr/search/")
    with monkeypatch.context() as patched:
        patched.setattr(course_languages, "links_for", lambda context: [])
        with django_assert_num_queries(len(captured.captured_queries)):
            client.get("/fr/search/")


# --- the sitemap ---------------------------------------------------------------------------------


def test_sitemap_lists_both_languages_with_their_alternates(french_gated_course):
    english = french_gated_course.source
    entries = sitemap_entries()
    pairs = ((english, french_gated_course), (english.lessons[0], french_gated_course.lessons[0]))
    for source, translation_ in pairs:
        expected = {"en-gb": source.full_url, "fr": translation_.full_url, "x-default": source.full_url}
        assert entries[source.full_url] == expected
        assert entries[translation_.full_url] == expected
    module, french_module = english.lessons[0].get_parent(), french_gated_course.lessons[0].get_parent()
    assert entries[module.full_url]["fr"] == french_module.full_url
    assert entries["http://localhost/"]["fr"] == "http://localhost/fr/"


def test_sitemap_never_names_a_gated_lesson(french_gated_course):
    entries = sitemap_entries()
    named = set(entries) | {href for links in entries.values() for href in links.values()}
    for lessons in (french_gated_course.lessons, french_gated_course.source.lessons):
        assert lessons[0].full_url in named
        assert lessons[1].full_url not in named and lessons[2].full_url not in named


def test_sitemap_alternates_only_between_listed_pages(french_gated_course):
    """An English free preview whose translation is not one (a translator unticked it): the French
    lesson is gated, left out of the sitemap, and not named as the preview's alternate."""
    french_preview = french_gated_course.lessons[0]
    french_preview.is_preview = False
    french_preview.save_revision().publish()
    entries = sitemap_entries()
    english_preview = french_gated_course.source.lessons[0]
    assert english_preview.full_url in entries and french_preview.full_url not in entries
    assert entries[english_preview.full_url] == {}
    assert french_preview.full_url not in {href for links in entries.values() for href in links.values()}


def test_sitemap_without_localisation_is_wagtails(settings, french_gated_course):
    settings.WAGTAIL_I18N_ENABLED = False
    entries = sitemap_entries()
    assert french_gated_course.source.full_url in entries
    assert not any("/fr/" in location for location in entries)
    assert all(links == {} for links in entries.values())


def sitemap_queries(django_assert_max_num_queries):
    client = Client()
    client.get("/sitemap.xml")
    with django_assert_max_num_queries(1000) as captured:
        client.get("/sitemap.xml")
    return len(captured.captured_queries)


def test_sitemap_alternates_cost_no_query(french_gated_course, django_assert_max_num_queries, monkeypatch):
    catalogue = french_gated_course.source.get_parent()
    for title in ("Second", "Third"):
        course, _ = make_course(catalogue, title, modules=2, lessons=2)
        translate_course(course)
    assert len(sitemap_entries()) >= 20
    with_alternates = sitemap_queries(django_assert_max_num_queries)
    monkeypatch.setattr(sitemaps, "add_alternates", lambda versions: None)
    assert sitemap_queries(django_assert_max_num_queries) == with_alternates


def test_translation_slugs_may_differ(french_gated_course):
    """A translator may give the French lesson its own slug, accented letters included."""
    english = french_gated_course.source.lessons[0]
    french = french_gated_course.lessons[0]
    french.slug = "leçon-gratuite"
    french.save_revision().publish()
    french.refresh_from_db()
    html = body_of(Client().get(english.url))
    assert ("fr", french.url, False) in switcher_of(html)
    assert "le%C3%A7on-gratuite" in french.url
    french_html = body_of(Client().get(french.url))
    assert ("fr", french.url, True) in switcher_of(french_html)
    assert alternates_in_head(french_html)["en-gb"] == english.full_url


def test_a_new_translation_of_a_page_only(french_gated_course, other_course):
    """A course translated on its own, under the translated catalogue."""
    french = translate(other_course, title="Autre cours")
    html = body_of(Client().get(other_course.url))
    assert switcher_of(html) == [("en-gb", other_course.url, True), ("fr", french.url, False)]


# --- front-end cache -----------------------------------------------------------------------------


def test_publishing_or_hiding_a_translation_purges_the_pages_that_link_it(
    french_gated_course, purged, django_capture_on_commit_callbacks
):
    english_preview, french_preview = french_gated_course.source.lessons[0], french_gated_course.lessons[0]
    with django_capture_on_commit_callbacks(execute=True):
        french_preview.save_revision().publish()
    assert english_preview.full_url in purged  # its switcher and hreflang name the French lesson
    assert french_gated_course.source.lessons[1].full_url not in purged  # gated: never in a shared cache
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        french_preview.get_parent().unpublish()
    assert english_preview.full_url in purged  # the French lesson under it now answers 404
