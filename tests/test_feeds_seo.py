"""RSS/Atom feeds, the sitemap and the SEO/sharing tags in page heads."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.images.models import Image

from tests.canaries import ALL_CANARIES
from tests.factories import make_article, make_index, png_bytes, teaser

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def hero(db):
    return Image.objects.create(
        title="Hero", description="A spine diagram", file=ContentFile(png_bytes("blue"), name="hero.png")
    )


@pytest.fixture
def articles(catalogue, gated_course, hero):
    """Two live articles (one teasing the members-only lesson), one draft, under a live index."""
    index = make_index(catalogue, intro="News from the academy.")
    members = gated_course.lessons[1]
    first = make_article(
        index,
        "First article",
        author="Ann Author",
        date=datetime.date(2021, 5, 1),
        body=[("paragraph", "<p>Body words zqarticlebody.</p>"), teaser(members)],
        hero_image=hero,
        promoted_course=gated_course,
    )
    second = make_article(index, "Second article", date=datetime.date(2022, 6, 2))
    draft = make_article(index, "Draft article")
    draft.unpublish()
    return index, first, second, draft


def parse_xml(content):
    return ET.fromstring(content)  # noqa: S314 - our own response, parsed to check it is well formed


def get_text(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def assert_no_canary(text):
    for canary in ALL_CANARIES:
        assert canary not in text


def test_rss_feed_is_valid_rss_2(articles):
    index, first, second, _ = articles
    response, text = get_text(index.url + "feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse_xml(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    assert channel.findtext("link") == index.full_url
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Second article", "First article"]
    for item in items:
        for required in ("title", "link", "description", "pubDate", "guid"):
            assert item.findtext(required), required
    assert items[1].findtext("link") == first.full_url
    assert items[1].findtext("description").endswith(first.intro)
    assert "01 May 2021" in items[1].findtext("pubDate")
    # The feed carries intros, not bodies, and never a teased lesson's content.
    assert "zqarticlebody" not in text
    assert "Draft article" not in text
    assert_no_canary(text)


def test_atom_feed_is_valid_atom(articles):
    index, first, _, _ = articles
    response, text = get_text(index.url + "feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}"), required
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/articles/feed/atom/")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    by_title = {entry.findtext(f"{ATOM}title"): entry for entry in entries}
    assert by_title["First article"].find(f"{ATOM}author/{ATOM}name").text == "Ann Author"
    assert by_title["First article"].findtext(f"{ATOM}published").startswith("2021-05-01")
    assert "zqarticlebody" not in text
    assert_no_canary(text)


def test_feeds_are_linked_from_the_index_and_unknown_routes_are_404(articles):
    index = articles[0]
    _, html = get_text(index.url)
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html
    assert Client().get(index.url + "feed/nonsense/").status_code == 404


def test_sitemap_lists_articles_and_courses_but_not_drafts(articles, gated_course):
    index, first, second, draft = articles
    response, text = get_text("/sitemap.xml")
    locations = {node.text for node in parse_xml(response.content).iter(f"{SITEMAP}loc")}
    assert {index.full_url, first.full_url, second.full_url, gated_course.full_url} <= locations
    assert draft.full_url not in locations
    index.unpublish()
    _, text = get_text("/sitemap.xml")
    assert first.full_url not in text
    assert Client().get(index.url + "feed/").status_code == 404


def head_of(html):
    return html[: html.index("</head>")]


def json_ld_of(html):
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found.group(1) if found else None


def test_article_head_has_title_description_canonical_sharing_tags_and_json_ld(articles):
    _, first, _, _ = articles
    _, html = get_text(first.url)
    head = head_of(html)
    assert "<title>First article · " in head
    assert meta(head, "name", "description") == first.intro
    assert f'<link rel="canonical" href="{first.full_url}">' in head
    assert meta(head, "property", "og:type") == "article"
    assert meta(head, "property", "og:title") == "First article"
    assert meta(head, "property", "og:url") == first.full_url
    image_url = meta(head, "property", "og:image")
    assert image_url.startswith("http") and "fill-1200x630" in image_url
    assert meta(head, "name", "twitter:card") == "summary_large_image"
    assert meta(head, "name", "twitter:image") == image_url
    data = json_ld_of(head)
    assert data["@type"] == "Article"
    assert data["headline"] == "First article"
    assert data["datePublished"].startswith("2021-05-01")
    assert data["author"]["name"] == "Ann Author"
    assert data["image"] == image_url
    assert_no_canary(head)


def test_course_head_has_course_json_ld(gated_course):
    _, html = get_text(gated_course.url)
    head = head_of(html)
    assert meta(head, "name", "description") == gated_course.summary
    assert meta(head, "property", "og:type") == "website"
    assert meta(head, "name", "twitter:card") == "summary"  # no hero image
    data = json_ld_of(head)
    assert data["@type"] == "Course"
    assert data["name"] == gated_course.title
    assert data["description"] == gated_course.summary
    assert data["provider"]["@type"] == "Organization"
    assert data["timeRequired"] == "PT15M"  # three 5-minute lessons


def test_locked_lesson_head_describes_it_by_its_summary_only(gated_course):
    members = gated_course.lessons[1]
    _, html = get_text(members.url)
    head = head_of(html)
    assert meta(head, "name", "description") == members.summary
    assert f'<link rel="canonical" href="{members.full_url}">' in head
    assert_no_canary(head)


def test_json_ld_cannot_break_out_of_its_script_element(catalogue):
    index = make_index(catalogue)
    article = make_article(index, "Tricky </script><script>alert(1)</script>", slug="tricky")
    _, html = get_text(article.url)
    assert "<script>alert(1)" not in html
    assert json_ld_of(head_of(html))["headline"] == article.title
