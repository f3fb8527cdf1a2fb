"""The demo course built by `load_demo` from the seed article."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from course.models import CourseIndexPage, CoursePage, Enrollment, ModulePage
from lessons.models import LessonPage
from lms_site.demo.article import load_article
from tests.budgets import LESSON_PAGE_IMAGE_QUERIES, LESSON_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    return CoursePage.objects.get(slug="mesotherapy-lower-back-pain")


def counts():
    return (
        Page.objects.count(),
        LessonPage.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
        Enrollment.objects.count(),
    )


def test_site_root_is_the_catalogue(demo):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, CourseIndexPage)
    assert site.root_page.title == "Pinewood Academy"
    assert not Page.objects.filter(depth=2, slug="home").exists()


def test_the_demo_site_has_the_address_it_is_served_at(db, settings):
    """Links in emails, feeds and sitemaps start from the Site: `make run`'s address in development."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8000, "http://127.0.0.1:8000")
    site.hostname, site.port = "academy.example.org", 443
    site.save()
    call_command("load_demo", "--no-users", stdout=io.StringIO())  # an address set since is kept
    assert Site.objects.get(is_default_site=True).root_url == "https://academy.example.org"


def test_course_structure_is_built_from_the_seed(demo):
    assert demo.title == "Mesotherapy for the Treatment of Lower Back Pain"
    modules = ModulePage.objects.child_of(demo)
    lessons = LessonPage.objects.descendant_of(demo)
    assert modules.count() >= 4
    assert lessons.count() >= 8
    assert lessons.filter(is_preview=True).exists()
    gated_blocks = sum(
        1 for lesson in lessons for block in lesson.body if block.block_type == "gated_section"
    )
    assert gated_blocks >= 2
    # Lesson text is the article's own: every seed paragraph appears in some lesson.
    all_text = " ".join(lesson.full_body_text() for lesson in lessons)
    article = load_article()
    for paragraph in article.paragraphs:
        first_sentence = re.split(r"(?<=[.!?])\s", paragraph)[0]
        assert first_sentence in all_text, first_sentence


def test_every_page_renders_and_syllabus_lists_lessons_in_order(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="student"))
    html = client.get(demo.url).content.decode()
    lessons = list(LessonPage.objects.descendant_of(demo).order_by("path"))
    positions = [html.index(f'href="{lesson.url}"') for lesson in lessons]
    assert positions == sorted(positions)
    for page in [demo.get_parent(), demo, *ModulePage.objects.child_of(demo), *lessons]:
        assert client.get(page.url).status_code == 200, page.url
        assert Client().get(page.url).status_code == 200, page.url


def test_images_render_with_alt_text(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="student"))
    images = 0
    for lesson in LessonPage.objects.descendant_of(demo):
        html = client.get(lesson.url).content.decode()
        for tag in re.findall(r"<img [^>]*>", html):
            images += 1
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 20, tag
    assert images >= 3
    assert get_image_model().objects.count() >= 3


def test_running_twice_leaves_the_same_counts(demo):
    before = counts()
    call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    assert counts() == before


def test_demo_users_can_log_in_and_student_is_enrolled(demo):
    client = Client()
    assert client.login(username="student", password="pinewood-student")
    assert Enrollment.objects.get(user__username="student", course=demo).grants_access()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("pinewood-admin")
    # The role users get their groups and no enrollment; the admin home opens for both.
    for username, group in (("courseadmin", "Course administrators"), ("marketer", "Marketers")):
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.is_superuser and not Enrollment.objects.filter(user=user).exists()
        role_client = Client()
        assert role_client.login(username=username, password=f"pinewood-{username}")
        assert role_client.get("/admin/").status_code == 200


def test_refuses_known_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    assert LessonPage.objects.count() >= 8
    assert not get_user_model().objects.exists()


def test_demo_lesson_page_queries_are_bounded(demo, django_assert_max_num_queries):
    client = Client()
    client.force_login(get_user_model().objects.get(username="student"))
    for lesson in LessonPage.objects.descendant_of(demo):
        client.get(lesson.url)  # first view creates image renditions
        with django_assert_max_num_queries(
            LESSON_PAGE_MAX_QUERIES + LESSON_PAGE_IMAGE_QUERIES, info=lesson.url
        ):
            assert client.get(lesson.url).status_code == 200
