"""Responsive images: every image a plugin page shows is a `<picture>` with a WebP source, a
srcset of several widths, `sizes`, and the `<img>`'s width and height; the page's main image is
fetched first, images further down lazily. A gated figure's candidates are all signed URLs."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Filter, Image

from course.renditions import CARD_RENDITION
from course.templatetags.seo_tags import SHARE_RENDITION
from lessons.models import LessonPage
from tests.canaries import NO_ACCESS
from tests.factories import body_of, client_for, make_article, make_course, make_index, png_bytes

pytestmark = pytest.mark.django_db

IMAGE_TYPES = ("image/png", "image/webp")


class Pictures(HTMLParser):
    """The `<picture>`s of a page: each its `<source>`s' and its `<img>`'s attributes."""

    def __init__(self, html):
        super().__init__()
        self.pictures = []
        self.current = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self.current = {"sources": [], "img": None}
            self.pictures.append(self.current)
        elif self.current is not None and tag == "source":
            self.current["sources"].append(dict(attrs))
        elif self.current is not None and tag == "img":
            self.current["img"] = dict(attrs)

    def handle_endtag(self, tag):
        if tag == "picture":
            self.current = None


def pictures_of(response):
    assert response.status_code == 200
    return Pictures(body_of(response)).pictures


def candidates(srcset):
    """[(url, width)] of a srcset of width descriptors."""
    pairs = [candidate.strip().rsplit(" ", 1) for candidate in srcset.split(",")]
    assert all(descriptor.endswith("w") for _, descriptor in pairs), srcset
    return [(url, int(descriptor[:-1])) for url, descriptor in pairs]


def urls_of(picture):
    """Every URL a browser may fetch for `picture`."""
    sources = [picture["img"]["srcset"], *(source["srcset"] for source in picture["sources"])]
    return {picture["img"]["src"], *(url for srcset in sources for url, _ in candidates(srcset))}


def assert_responsive(picture):
    (webp,) = picture["sources"]
    img = picture["img"]
    assert webp["type"] == "image/webp"
    for srcset in (webp["srcset"], img["srcset"]):
        widths = [width for _, width in candidates(srcset)]
        assert len(set(widths)) >= 2, srcset
    assert img["sizes"] and webp["sizes"] == img["sizes"]
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert img["src"] in {url for url, _ in candidates(img["srcset"])}
    assert img["decoding"] == "async"


def assert_loaded_first(picture):
    assert picture["img"].get("fetchpriority") == "high"
    assert "loading" not in picture["img"]


def assert_lazy(picture):
    assert picture["img"].get("loading") == "lazy"
    assert "fetchpriority" not in picture["img"]


def assert_public(picture):
    """Wagtail's own rendition URLs, which anyone may fetch."""
    anonymous = Client()
    for url in urls_of(picture):
        assert url.startswith("/media/images/"), url
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] in IMAGE_TYPES, url


def large_image(name, size=(1200, 800)):
    return Image.objects.create(
        title=name, file=ContentFile(png_bytes("teal", size=size), name=f"{name}.png")
    )


def figure(image, alt="A figure of the lesson"):
    return ("image", {"image": image, "alt_text": alt, "caption": ""})


@pytest.fixture
def gated_figures(gated_course):
    """Large figures in the preview lesson's open body and gated section, and in the body of a
    lesson that is not a free preview: {place: (lesson, image)}."""
    preview, members = (LessonPage.objects.get(pk=lesson.pk) for lesson in gated_course.lessons[:2])
    images = {place: large_image(f"figure-{place}") for place in ("open", "section", "members")}
    preview.body = [
        ("paragraph", "<p>Open text.</p>"),
        figure(images["open"]),
        (
            "gated_section",
            {"title": "Members", "teaser": "For students.", "content": [figure(images["section"])]},
        ),
    ]
    preview.save_revision().publish()
    members.body = [("paragraph", "<p>Members text.</p>"), figure(images["members"])]
    members.save_revision().publish()
    return {
        "open": (preview, images["open"]),
        "section": (preview, images["section"]),
        "members": (members, images["members"]),
    }


def signed_url_pattern(image):
    return re.compile(rf"/images/[^/\"]+/{image.pk}/")


def picture_of(pictures, image):
    """The picture, among `pictures`, of `image`: by its signed URL or its rendition's file name."""
    (picture,) = [
        p
        for p in pictures
        if signed_url_pattern(image).match(p["img"]["src"]) or image.title in p["img"]["src"]
    ]
    return picture


# --- gated figures ---------------------------------------------------------------------------


@pytest.mark.parametrize("place", ["section", "members"])
def test_every_candidate_of_a_gated_figure_is_a_signed_url_for_students_only(personas, gated_figures, place):
    lesson, image = gated_figures[place]
    pictures = pictures_of(client_for(personas["enrolled"]).get(lesson.url))
    picture = picture_of(pictures, image)
    assert_responsive(picture)
    assert_lazy(picture)
    urls = urls_of(picture)
    assert len(urls) >= 4  # two formats, several widths
    for url in urls:
        assert signed_url_pattern(image).match(url), url  # never the rendition's own path
        assert "/media/" not in url and image.title not in url, url
    enrolled = client_for(personas["enrolled"])
    for url in urls:
        response = enrolled.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] in IMAGE_TYPES, url
        assert "no-store" in response["Cache-Control"]
    assert any(enrolled.get(url)["Content-Type"] == "image/webp" for url in urls)
    for persona in NO_ACCESS:
        client = client_for(personas[persona])
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (persona, url)
            assert not response.get("Content-Type", "").startswith("image/"), (persona, url)


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_pages_give_people_without_access_no_url_of_a_gated_figure(personas, gated_figures, persona):
    client = client_for(personas[persona])
    for place in ("section", "members"):
        lesson, image = gated_figures[place]
        html = body_of(client.get(lesson.url))
        assert not signed_url_pattern(image).search(html) and image.title not in html, place


def test_a_figure_anyone_sees_keeps_plain_rendition_urls(gated_figures):
    lesson, image = gated_figures["open"]
    picture = picture_of(pictures_of(Client().get(lesson.url)), image)
    assert_responsive(picture)
    assert_lazy(picture)
    assert_public(picture)


# --- heroes -----------------------------------------------------------------------------------


def test_the_course_hero_is_fetched_first_from_public_urls(gated_course):
    gated_course.hero_image = large_image("course-hero")
    gated_course.save_revision().publish()
    (hero,) = pictures_of(Client().get(gated_course.url))
    assert_responsive(hero)
    assert_loaded_first(hero)
    assert hero["img"]["alt"] == ""
    assert_public(hero)


def test_the_article_hero_is_fetched_first_from_public_urls(catalogue):
    article = make_article(make_index(catalogue), "Posture", hero_image=large_image("article-hero"))
    (hero,) = pictures_of(Client().get(article.url))
    assert_responsive(hero)
    assert_loaded_first(hero)
    assert_public(hero)


# --- cards ------------------------------------------------------------------------------------


def courses_with_heroes(catalogue, count, prefix="Course"):
    return [
        make_course(
            catalogue,
            f"{prefix} {number}",
            modules=1,
            lessons=1,
            hero_image=large_image(f"{prefix}-{number}", size=(1000, 600)),
        )[0]
        for number in range(count)
    ]


def test_catalogue_cards_load_the_first_row_first_and_the_rest_lazily(catalogue):
    courses_with_heroes(catalogue, 5)
    make_article(make_index(catalogue), "Posture", hero_image=large_image("article-card"))
    *course_cards, article_card = pictures_of(Client().get("/"))
    assert len(course_cards) == 5
    for card in [*course_cards, article_card]:
        assert_responsive(card)
        assert card["img"]["class"] == "card__image" and card["img"]["alt"] == ""
        assert card["img"]["src"].startswith("/media/images/") and CARD_RENDITION in card["img"]["src"]
    assert_loaded_first(course_cards[0])
    for card in course_cards[1:3]:
        assert "loading" not in card["img"] and "fetchpriority" not in card["img"]
    for card in [*course_cards[3:], article_card]:  # below the first row, and the latest articles
        assert_lazy(card)
    assert_public(course_cards[0])


def test_article_cards_have_headings_under_the_page_heading_and_responsive_images(catalogue):
    index = make_index(catalogue)
    for number in range(4):
        make_article(index, f"Article {number}", hero_image=large_image(f"article-{number}"))
    response = Client().get(index.url)
    html = body_of(response)
    assert html.count('<h2 class="card__title">') == 4 and 'h3 class="card__title"' not in html
    cards = pictures_of(response)
    assert len(cards) == 4
    for card in cards:
        assert_responsive(card)
    assert_loaded_first(cards[0])
    assert_lazy(cards[3])
    assert_public(cards[0])


def test_every_card_rendition_comes_from_one_prefetch(catalogue):
    """Even when no rendition is cached, a page of cards reads renditions in one query."""
    counts = []
    for prefix, count in (("Few", 2), ("More", 4)):
        courses_with_heroes(catalogue, count, prefix)
        client = Client()
        client.get("/")  # renditions are made on the first view
        caches["renditions"].clear()
        with CaptureQueriesContext(connection) as captured:
            pictures = pictures_of(client.get("/"))
        assert all(picture["sources"] for picture in pictures)
        counts.append(sum("wagtailimages_rendition" in query["sql"] for query in captured.captured_queries))
    assert counts == [1, 1]


# --- the demo's figures ----------------------------------------------------------------------


def test_demo_figures_keep_their_heading_in_card_and_share_crops(db):
    """The demo's 3:2 figures are drawn with their heading at the top (y 40-130): their focal
    point keeps it in every crop, also once `load_demo` runs again over an image without one."""
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    figures = Image.objects.filter(collection__name="Demo")
    figures.update(focal_point_x=None, focal_point_y=None, focal_point_width=None, focal_point_height=None)
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    assert figures.count() == 3
    for image in figures:
        assert image.has_focal_point(), image.title
        for spec in (CARD_RENDITION, SHARE_RENDITION):
            crop = Filter(spec).get_transform(image).get_rect()
            assert crop.top <= 40 and crop.bottom >= 130 and crop.left <= 60, (image.title, spec)
