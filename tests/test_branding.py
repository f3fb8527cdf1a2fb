"""The organisation is named by the `BrandSettings` site setting, never by the plugin's code."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.models import Site

from course.enrollments import enroll
from course.models import BrandSettings, Certificate, Enrollment
from course.models.branding import brand_for
from tests.factories import client_for, enroll_as, make_article, make_course, make_index, make_user, png_bytes

pytestmark = pytest.mark.django_db

PLUGIN_DIRS = ("course", "lessons")
PLUGIN_SUFFIXES = {".py", ".html", ".txt"}
ROOT = Path(__file__).resolve().parent.parent


def set_brand(**fields):
    brand = BrandSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(brand, name, value)
    brand.save()
    return brand


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def json_ld_of(html):
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )


def og_site_name(html):
    match = re.search(r'<meta property="og:site_name" content="([^"]*)">', html)
    return match.group(1) if match else None


@pytest.fixture
def course(catalogue):
    return make_course(catalogue, "Branded course", modules=1, lessons=1)[0]


# --- the fallbacks ---------------------------------------------------------------------------------


def test_unset_brand_falls_back_to_the_site_name_then_wagtail_site_name(catalogue, settings):
    site = Site.objects.get(is_default_site=True)
    assert brand_for(site).name == "Academy"  # the site's name (tests.factories.make_catalogue)
    site.site_name = ""
    site.save()
    settings.WAGTAIL_SITE_NAME = "Fallback Learning"
    assert brand_for(site).name == "Fallback Learning"
    settings.WAGTAIL_SITE_NAME = ""
    assert brand_for(site).name == ""
    set_brand(organisation_name="Northwind Academy")
    assert brand_for(site).name == "Northwind Academy"


def test_a_request_with_no_site_still_gets_a_brand(rf, settings):
    Site.objects.all().delete()
    settings.WAGTAIL_SITE_NAME = "Fallback Learning"
    brand = brand_for(rf.get("/"))
    assert brand.name == "Fallback Learning"
    assert brand.settings is None and brand.logo is None and brand.signatory_name == ""


# --- pages -----------------------------------------------------------------------------------------


def test_course_page_title_json_ld_and_og_site_name_follow_the_setting(course):
    html = Client().get(course.url).content.decode()
    assert title_of(html) == "Branded course · Academy"
    assert json_ld_of(html)["provider"]["name"] == "Academy"
    assert og_site_name(html) == "Academy"

    set_brand(organisation_name="Northwind Academy")
    html = Client().get(course.url).content.decode()
    assert title_of(html) == "Branded course · Northwind Academy"
    assert json_ld_of(html)["provider"]["name"] == "Northwind Academy"
    assert og_site_name(html) == "Northwind Academy"
    assert course.json_ld()["provider"]["name"] == "Northwind Academy"  # without a request too


def test_the_brand_comes_from_the_cache_between_requests_and_changes_at_once(course):
    Client().get(course.url)  # reads the setting and keeps it
    with CaptureQueriesContext(connection) as queries:
        html = Client().get(course.url).content.decode()
    assert title_of(html) == "Branded course · Academy"
    assert not [query for query in queries if "course_brandsettings" in query["sql"]]
    set_brand(organisation_name="Northwind Academy")
    assert title_of(Client().get(course.url).content.decode()) == "Branded course · Northwind Academy"


def test_a_changed_or_deleted_logo_is_not_served_from_the_cache(course):
    site = Site.objects.get(is_default_site=True)
    logo = Image.objects.create(title="First logo", file=ContentFile(png_bytes(), name="logo.png"))
    set_brand(logo=logo)
    assert BrandSettings.for_site(site).logo.title == "First logo"  # now cached
    logo.title = "Second logo"
    logo.save()
    assert BrandSettings.for_site(site).logo.title == "Second logo"
    logo.delete()
    assert BrandSettings.for_site(site).logo is None


def test_plain_views_name_the_brand_in_their_titles(course):
    set_brand(organisation_name="Northwind Academy")
    student = make_user("ana")
    enrollment = enroll_as(student, course, status=Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(enrollment=enrollment)
    client = client_for(student)
    assert title_of(client.get("/learn/").content.decode()) == "My learning · Northwind Academy"
    assert title_of(client.get("/search/").content.decode()) == "Search · Northwind Academy"
    verify = Client().get(certificate.get_absolute_url()).content.decode()
    assert title_of(verify) == f"Certificate {certificate.code} · Northwind Academy"
    assert "by Northwind Academy." in verify


def test_the_feed_title_follows_the_setting(catalogue):
    index = make_index(catalogue)
    make_article(index, "First article")
    set_brand(organisation_name="Northwind Academy")
    for route in ("feed/", "feed/atom/"):
        root = ET.fromstring(Client().get(index.url + route).content)  # noqa: S314 - our own feed
        title = root.findtext("channel/title") or root.findtext("{http://www.w3.org/2005/Atom}title")
        assert title == "Articles · Northwind Academy", route


# --- emails ----------------------------------------------------------------------------------------


def test_emails_are_signed_and_sent_by_the_brand(course, settings, django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = "Old Name <courses@example.org>"
    set_brand(organisation_name="Northwind Academy", email_sender_name="Northwind Learning Team")
    with django_capture_on_commit_callbacks(execute=True):
        enroll(make_user("ana"), course)
    message = mail.outbox[-1]
    assert message.from_email == "Northwind Learning Team <courses@example.org>"
    assert message.body.rstrip().endswith("Northwind Learning Team")
    assert "Academy" not in message.body.rstrip().splitlines()[-1]


def test_emails_fall_back_to_the_organisation_name(course, settings, django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = "courses@example.org"
    set_brand(organisation_name="Northwind Academy")
    with django_capture_on_commit_callbacks(execute=True):
        enroll(make_user("ana"), course)
    message = mail.outbox[-1]
    assert message.from_email == "Northwind Academy <courses@example.org>"
    assert message.body.rstrip().endswith("Northwind Academy")


def test_email_links_use_the_courses_wagtail_site_not_a_fixed_base_url(
    course, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "courses.example.com", 443
    site.save()
    with django_capture_on_commit_callbacks(execute=True):
        enroll(make_user("ana"), course)
    body = mail.outbox[-1].body
    assert f"https://courses.example.com{course.url}" in body
    assert "https://courses.example.com/learn/" in body
    assert "127.0.0.1" not in body


# --- certificates ----------------------------------------------------------------------------------


def certificate_pdf_for(course, username="ana"):
    student = make_user(username, first_name="Ana", last_name="Lima")
    enrollment = enroll_as(student, course, status=Enrollment.Status.COMPLETED)
    Certificate.objects.create(enrollment=enrollment)
    response = client_for(student).get(course.url + "certificate/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return response.content  # page streams are uncompressed: the text is in the bytes


def test_certificate_pdf_prints_the_brand_signatory_and_logo(course):
    logo = Image.objects.create(title="Logo", file=ContentFile(png_bytes("green"), name="logo.png"))
    set_brand(
        organisation_name="Northwind Academy",
        certificate_signatory_name="Dr Jane Doe",
        certificate_signatory_title="Course Director",
        logo=logo,
    )
    pdf = certificate_pdf_for(course)
    assert b"(NORTHWIND ACADEMY) Tj" in pdf
    assert b"(Dr Jane Doe) Tj" in pdf
    assert b"(Course Director, Northwind Academy) Tj" in pdf
    assert b"/Author (Northwind Academy)" in pdf
    assert b"/Subtype /Image" in pdf
    assert b"(ACADEMY) Tj" not in pdf  # not the site's name any more


def test_certificate_pdf_without_brand_settings_or_with_a_broken_logo(course):
    pdf = certificate_pdf_for(course)
    assert b"(ACADEMY) Tj" in pdf  # the site's name
    assert b"/Subtype /Image" not in pdf
    logo = Image.objects.create(title="Logo", file=ContentFile(png_bytes(), name="logo.png"))
    logo.file.storage.delete(logo.file.name)  # the file is gone: print without it
    set_brand(organisation_name="Northwind Academy", logo=logo)
    pdf = certificate_pdf_for(course, username="bea")
    assert b"(NORTHWIND ACADEMY) Tj" in pdf
    assert b"/Subtype /Image" not in pdf


# --- the plugin's source ---------------------------------------------------------------------------


def test_the_plugin_never_names_an_organisation_in_its_source():
    """Brand and wording come from the site setting: no file of the plugin names the demo's organisation."""
    offenders = []
    for folder in PLUGIN_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in PLUGIN_SUFFIXES or "__pycache__" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "Pinewood" in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_brand_logo_is_public_and_other_unused_images_are_not(course):
    """Host templates show the logo to everyone; an image used nowhere stays closed (fail closed)."""
    logo = Image.objects.create(title="Logo", file=ContentFile(png_bytes("green"), name="logo.png"))
    unused = Image.objects.create(title="Unused", file=ContentFile(png_bytes("blue"), name="unused.png"))
    set_brand(organisation_name="Northwind Academy", logo=logo)
    logo_url = logo.get_rendition("height-60").url
    unused_url = unused.get_rendition("height-60").url

    assert Client().get(logo_url).status_code == 200
    assert Client().get(unused_url).status_code == 404

    BrandSettings.objects.update(logo=None)
    assert Client().get(logo_url).status_code == 404
