"""What real clients see: strict HTML parsing, feed readers and structured-data extractors.

The validators run offline: html5lib (the WHATWG parsing algorithm, strict, so a stray or
unclosed tag is an error), feedparser, extruct and PyLD (with a local document loader that
serves a minimal schema.org context, never the network).
"""

import datetime
import re

import extruct
import feedparser
import html5lib
import pytest
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from pyld import jsonld
from wagtail.images.models import Image
from whitenoise.compress import Compressor

from course.models import BrandSettings, Certificate, Enrollment
from tests.accounts import confirm_address
from tests.factories import (
    client_for,
    enroll_as,
    make_article,
    make_course,
    make_index,
    make_user,
    png_bytes,
    teaser,
)

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"
SCHEMA_CONTEXT = {"@context": {"@vocab": SCHEMA}}
BRAND = "Pinewood Academy"


@pytest.fixture
def site(catalogue, gated_course):
    """Demo-like content: the gated course with instructors and a hero, a second course, an
    article index with an article by the organisation and one by a person, and a certificate."""
    BrandSettings.objects.create(site=catalogue.get_site(), organisation_name=BRAND)
    hero = Image.objects.create(title="Hero", file=ContentFile(png_bytes("green"), name="hero.png"))
    gated_course.hero_image = hero
    gated_course.instructors = [("instructor", {"name": "Dr Ana Pine", "bio": "Pain clinic."})]
    gated_course.save_revision().publish()
    second, _ = make_course(catalogue, "Second Course", modules=1, lessons=1)
    index = make_index(catalogue, intro="News from the academy.")
    by_brand = make_article(
        index,
        "Why posture matters",
        author=BRAND,
        date=datetime.date(2026, 3, 1),
        body=[("paragraph", "<p>Posture.</p>"), teaser(gated_course.lessons[0])],
        hero_image=hero,
        promoted_course=gated_course,
    )
    by_person = make_article(
        index, "A student's view", slug="a-students-view", author="Ann Author", date=datetime.date(2026, 4, 1)
    )
    graduate = make_user("graduate")
    enrollment = enroll_as(graduate, gated_course, Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(enrollment=enrollment)
    return {
        "catalogue": catalogue,
        "course": gated_course,
        "second": second,
        "index": index,
        "by_brand": by_brand,
        "by_person": by_person,
        "certificate": certificate,
    }


def html_errors(html):
    """Every parse error html5lib finds (each one would stop a `strict=True` parser; here all are
    collected), as "line:column code details near: source line"; [] when the page is clean."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(html)
    lines = html.splitlines()
    errors = []
    for (line, column), code, details in parser.errors:
        source = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
        errors.append(f"{line}:{column} {code} {details or ''} near: {source}")
    return errors


def get(url, client=None, status=200):
    response = (client or Client()).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def assert_valid_html(html, url):
    errors = html_errors(html)
    assert errors == [], f"{url}:\n" + "\n".join(errors)


def public_urls(site):
    course = site["course"]
    preview, members, _ = course.lessons
    module = preview.get_parent()
    return {
        "catalogue": (site["catalogue"].url, 200),
        "course": (course.url, 200),
        "module": (module.url, 200),
        "preview lesson": (preview.url, 200),
        "locked lesson": (members.url, 200),
        "article index": (site["index"].url, 200),
        "article": (site["by_brand"].url, 200),
        "search": ("/search/?q=lesson", 200),
        "empty search": ("/search/", 200),
        "certificate": (f"/certificates/{site['certificate'].code}/", 200),
        "not found": ("/no-such-page/", 404),
        "login": ("/accounts/login/", 200),
        "signup": ("/accounts/signup/", 200),
        "password reset": ("/accounts/password/reset/", 200),
    }


PAGE_TYPES = (
    "catalogue",
    "course",
    "module",
    "preview lesson",
    "locked lesson",
    "article index",
    "article",
    "search",
    "empty search",
    "certificate",
    "not found",
    "login",
    "signup",
    "password reset",
)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_public_pages_parse_without_errors(site, name):
    url, status = public_urls(site)[name]
    assert_valid_html(get(url, status=status), url)


def test_account_pages_of_a_logged_in_user_parse_without_errors(db):
    user = make_user("reader")
    confirm_address(user)
    client = Client()
    client.force_login(user)
    for url in ("/accounts/email/", "/accounts/password/change/"):
        assert_valid_html(get(url, client), url)


def test_a_students_video_lesson_and_record_parse_without_errors(personas, media_course):
    client = client_for(personas["enrolled"])
    members = media_course.lessons[1]
    for url in (members.url, media_course.lessons[0].url, f"{media_course.url}progress/"):
        assert_valid_html(get(url, client), url)


def test_a_refused_sign_up_form_parses_without_errors_and_links_its_errors(db):
    response = Client().post(
        "/accounts/signup/", {"email": "not-an-email", "first_name": "", "password1": "a", "password2": "b"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_valid_html(html, "/accounts/signup/ (refused)")
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    described = re.search(r'aria-describedby="([^"]+)"', email_input).group(1).split()
    for element_id in described:
        assert f'id="{element_id}"' in html


def test_sign_up_password_help_is_a_block_beside_the_input(db):
    html = get("/accounts/signup/")
    password = re.search(r'<input[^>]*name="password1"[^>]*>', html).group(0)
    help_id = re.search(r'aria-describedby="([^"]+)"', password).group(1).split()[0]
    help_block = re.search(rf'<div[^>]*id="{help_id}"[^>]*>(.*?)</div>', html, re.S)
    assert help_block is not None and "<ul>" in help_block.group(1)
    assert_valid_html(html, "/accounts/signup/")


# --- feeds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("feed", ["feed/", "feed/atom/"])
def test_feeds_parse_cleanly_with_the_expected_entries(site, feed):
    response = Client().get(site["index"].url + feed)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title
    assert parsed.feed.link == site["index"].full_url
    assert [entry.title for entry in parsed.entries] == ["A student's view", "Why posture matters"]
    assert [entry.link for entry in parsed.entries] == [site["by_person"].full_url, site["by_brand"].full_url]
    for entry in parsed.entries:
        assert entry.published_parsed is not None
        assert entry.summary


# --- structured data ---------------------------------------------------------------------------


def schema_loader(url, options=None):
    """PyLD document loader: schema.org's context from memory; anything else is refused."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": SCHEMA_CONTEXT,
        }
    raise jsonld.JsonLdError(f"No network in tests: {url}", "loading document failed")


def json_ld_of(url):
    html = get(url)
    documents = extruct.extract(html, base_url="http://localhost" + url, syntaxes=["json-ld"])["json-ld"]
    assert documents, url
    return documents


def expanded_types(document):
    expanded = jsonld.expand(document, {"documentLoader": schema_loader})
    return {item_type for node in expanded for item_type in node.get("@type", [])}


def expanded_value(document, *keys):
    """The first value at `keys` (schema.org terms) in the expanded document."""
    node = jsonld.expand(document, {"documentLoader": schema_loader})[0]
    for key in keys:
        node = node[SCHEMA + key][0]
    return node


def test_course_json_ld_has_offers_instance_language_credential_and_syllabus(site):
    course = site["course"]
    (data,) = json_ld_of(course.url)
    assert data["@type"] == "Course"
    assert data["offers"][0]["@type"] == "Offer"
    assert data["offers"][0]["category"] == "Free"
    instance = data["hasCourseInstance"][0]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseMode"] == "online"
    assert instance["courseWorkload"] == "PT15M"  # three 5-minute lessons
    assert instance["instructor"] == [{"@type": "Person", "name": "Dr Ana Pine"}]
    assert "instructor" not in data
    assert data["inLanguage"] == "en-GB"
    assert data["educationalCredentialAwarded"]
    assert data["syllabusSections"] == [
        {"@type": "Syllabus", "name": "Module 1", "description": "Intro 1", "timeRequired": "PT15M"}
    ]
    assert expanded_types(data) == {SCHEMA + "Course"}
    assert expanded_value(data, "hasCourseInstance", "courseMode") == {"@value": "online"}
    assert expanded_value(data, "offers", "category") == {"@value": "Free"}
    assert expanded_value(data, "syllabusSections", "name") == {"@value": "Module 1"}


def test_course_workload_is_hours_and_minutes(catalogue):
    course, _ = make_course(catalogue, "Long Course", modules=3, lessons=10)  # 30 × 5 minutes
    (data,) = json_ld_of(course.url)
    assert data["hasCourseInstance"][0]["courseWorkload"] == "PT2H30M"


def test_catalogue_json_ld_is_an_item_list_of_its_courses(site):
    (data,) = json_ld_of(site["catalogue"].url)
    assert data["@type"] == "ItemList"
    assert [(item["position"], item["url"]) for item in data["itemListElement"]] == [
        (1, site["course"].full_url),
        (2, site["second"].full_url),
    ]
    assert expanded_types(data) == {SCHEMA + "ItemList"}


def test_article_by_the_organisation_is_authored_by_an_organization(site):
    (data,) = json_ld_of(site["by_brand"].url)
    assert data["@type"] == "Article"
    assert data["author"] == {"@type": "Organization", "name": BRAND, "url": "http://localhost"}
    assert data["datePublished"].startswith("2026-03-01")
    assert data["publisher"]["@type"] == "Organization"
    assert expanded_types(data) == {SCHEMA + "Article"}
    assert expanded_value(data, "author")["@type"] == [SCHEMA + "Organization"]


def test_article_by_a_person_is_authored_by_a_person(site):
    (data,) = json_ld_of(site["by_person"].url)
    assert data["author"] == {"@type": "Person", "name": "Ann Author"}
    assert expanded_value(data, "author")["@type"] == [SCHEMA + "Person"]


# --- robots.txt, icons, search ---------------------------------------------------------------


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_paths(site):
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "public" in response["Cache-Control"]  # the same for every anonymous visitor
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    for path in ("/admin/", "/learn/", "/accounts/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert Client().get("/sitemap.xml").status_code == 200


def test_favicon_is_served(db):
    client = Client()
    response = client.get("/favicon.ico")
    if response.status_code in (301, 302):
        response = client.get(response["Location"])
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_their_icons_and_the_icons_are_served(site):
    html = get(site["catalogue"].url)
    links = re.findall(r'<link rel="(icon|apple-touch-icon)"([^>]*)>', html)
    found = {}
    client = Client()
    for rel, attributes in links:
        href = re.search(r'href="([^"]+)"', attributes).group(1)
        response = client.get(href)
        assert response.status_code == 200, href
        found[(rel, href.rsplit(".", 1)[-1])] = attributes
    assert set(found) == {("icon", "ico"), ("icon", "svg"), ("apple-touch-icon", "png")}
    assert 'type="image/svg+xml"' in found[("icon", "svg")]
    assert 'sizes="180x180"' in found[("apple-touch-icon", "png")]


def test_search_has_a_description_and_stays_out_of_indexes(site):
    html = get("/search/")
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert '<meta name="robots" content="noindex">' in html


# --- the production address --------------------------------------------------------------------


def site_warnings():
    return [message for message in run_checks() if message.id == "pinewood.W001"]


@override_settings(WAGTAILADMIN_BASE_URL="https://courses.example.com", ALLOWED_HOSTS=["courses.example.com"])
def test_check_warns_when_an_https_site_still_has_a_development_address(catalogue):
    site = catalogue.get_site()
    (warning,) = site_warnings()  # localhost, port 80
    assert "http://localhost" in warning.msg
    site.hostname, site.port = "courses.example.com", 80
    site.save()
    assert len(site_warnings()) == 1  # http links on an https site
    site.port = 443
    site.save()
    assert site_warnings() == []
    response = Client().get("/robots.txt", HTTP_HOST="courses.example.com")
    assert "Sitemap: https://courses.example.com/sitemap.xml" in response.content.decode().splitlines()


def test_check_expects_local_addresses_in_development(catalogue):
    assert site_warnings() == []  # WAGTAILADMIN_BASE_URL is http in development and tests


# --- compression -------------------------------------------------------------------------------


def test_production_static_files_get_brotli_and_gzip_copies(tmp_path):
    """`CompressedManifestStaticFilesStorage` compresses collected files with whitenoise's
    compressor, which writes Brotli copies only when the Brotli package is installed."""
    stylesheet = tmp_path / "site.css"
    stylesheet.write_text(".card { margin: 0 auto; }\n" * 200)
    written = Compressor(quiet=True).compress(str(stylesheet))
    assert sorted(written) == [f"{stylesheet}.br", f"{stylesheet}.gz"]
