"""The Marketers role: articles only, through the real Wagtail admin views."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.models import Collection, GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from course.admin.roles import MARKETERS, marketing_collection, setup_roles
from course.models import ArticlePage, Enrollment
from tests.canaries import ALL_CANARIES
from tests.factories import group_snapshot, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer_client(marketer):
    client = Client()
    client.force_login(marketer)
    return client


def refused(response):
    """Wagtail answers a forbidden admin view with 403, or a redirect away from it."""
    return response.status_code == 403 or (
        response.status_code == 302 and "/edit/" not in response["Location"]
    )


def test_marketers_group_grants_articles_only_and_is_idempotent(article_index, gated_course):
    call_command("setup_roles", stdout=io.StringIO())
    group = Group.objects.get(name=MARKETERS)
    model_perms, page_perms, media_perms = group_snapshot(group)
    # Admin access, and submitting their articles for translation (wagtail-localize; the plugin
    # refuses it for pages they may not edit, tests/test_localize_admin_urls.py).
    assert model_perms == [("wagtail_localize", "submit_translation"), ("wagtailadmin", "access_admin")]
    assert {page_id for page_id, _ in page_perms} == {article_index.pk}
    assert {codename for _, codename in page_perms} == {"add_page", "change_page", "publish_page"}
    assert {name for name, _ in media_perms} == {"Marketing"}
    assert {codename for _, codename in media_perms} >= {"add_image", "choose_image"}

    before = group_snapshot(group)
    GroupPagePermission.objects.filter(group=group).delete()  # someone edits the group by hand
    setup_roles()
    setup_roles()
    assert group_snapshot(group) == before
    assert Collection.objects.filter(name="Marketing").count() == 1


def test_marketer_creates_and_publishes_an_article_in_the_admin(marketer_client, article_index, gated_course):
    members = gated_course.lessons[1]
    add_url = reverse("wagtailadmin_pages:add", args=["course", "articlepage", article_index.pk])
    assert marketer_client.get(add_url).status_code == 200
    data = nested_form_data(
        {
            "title": "Launching our spine course",
            "slug": "launching-our-spine-course",
            "subtitle": "",
            "author": "Mo Marketer",
            "date": "",
            "intro": "A new course is here.",
            "body": streamfield(
                [
                    ("heading", {"text": "Why now", "level": "h2"}),
                    ("paragraph", rich_text("<p>Some words.</p>")),
                    ("lesson_teaser", {"lesson": members.pk, "link_label": ""}),
                    (
                        "course_cta",
                        {"course": gated_course.pk, "heading": "", "text": "", "button_label": ""},
                    ),
                ]
            ),
            "tags": "launch",
            "promoted_course": gated_course.pk,
            "action-publish": "action-publish",
        }
    )
    response = marketer_client.post(add_url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    article = ArticlePage.objects.get(slug="launching-our-spine-course")
    assert article.live
    assert article.get_parent().pk == article_index.pk
    assert [block.block_type for block in article.body] == [
        "heading",
        "paragraph",
        "lesson_teaser",
        "course_cta",
    ]
    html = Client().get(article.url).content.decode()
    assert members.title in html and members.summary in html
    for canary in ALL_CANARIES:
        assert canary not in html


def test_marketer_can_preview_a_new_article(marketer_client, article_index, gated_course):
    members = gated_course.lessons[1]
    url = reverse("wagtailadmin_pages:preview_on_add", args=["course", "articlepage", article_index.pk])
    data = nested_form_data(
        {
            "title": "Preview me",
            "slug": "preview-me",
            "intro": "Draft intro.",
            "body": streamfield([("lesson_teaser", {"lesson": members.pk, "link_label": ""})]),
            "promoted_course": gated_course.pk,
        }
    )
    assert marketer_client.post(url, data).json()["is_valid"]
    html = marketer_client.get(url).content.decode()
    assert "Draft intro." in html and members.title in html
    for canary in ALL_CANARIES:
        assert canary not in html
    assert not ArticlePage.objects.exists()


def test_article_form_explains_missing_fields(marketer_client, article_index):
    add_url = reverse("wagtailadmin_pages:add", args=["course", "articlepage", article_index.pk])
    response = marketer_client.post(
        add_url, {"title": "", "slug": "", "intro": "", "body-count": "0", "action-publish": "action-publish"}
    )
    assert response.status_code == 200
    assert "intro" in response.context["form"].errors
    assert not ArticlePage.objects.exists()


def test_marketer_cannot_edit_lessons_or_courses(marketer_client, gated_course):
    members = gated_course.lessons[1]
    module = members.get_parent()
    for page in (members, module, gated_course):
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert refused(marketer_client.get(edit_url)), page
        response = marketer_client.post(edit_url, {"title": "Hijacked", "action-publish": "action-publish"})
        assert refused(response), page
    members.refresh_from_db()
    assert members.title != "Hijacked"
    add_lesson = reverse("wagtailadmin_pages:add", args=["lessons", "lessonpage", module.pk])
    assert refused(marketer_client.get(add_lesson))
    assert refused(marketer_client.get(reverse("wagtailadmin_pages:delete", args=[members.pk])))


def test_marketer_cannot_open_enrollment_admin(marketer_client, personas, gated_course):
    enrollment = Enrollment.objects.filter(course=gated_course).first()
    urls = [
        reverse("course_enrollments:list"),
        reverse("course_enrollments:edit", args=[enrollment.pk]),
        reverse("course_reports:index"),
        reverse("wagtailusers_users:index"),
    ]
    for url in urls:
        response = marketer_client.get(url)
        assert refused(response), url
        assert "outsider@example.com" not in response.content.decode()


def test_marketer_can_choose_courses_and_lessons_in_the_page_chooser(marketer_client, gated_course):
    members = gated_course.lessons[1]
    module = members.get_parent()
    response = marketer_client.get(
        reverse("wagtailadmin_choose_page_child", args=[module.pk]), {"page_type": "lessons.lessonpage"}
    )
    assert response.status_code == 200
    assert members.title in response.content.decode()
    response = marketer_client.get(
        reverse("wagtailadmin_choose_page_search"), {"q": "Gated", "page_type": "course.coursepage"}
    )
    assert response.status_code == 200
    assert gated_course.title in response.content.decode()


def test_marketer_images_come_from_the_marketing_collection_only(marketer_client, gated_image):
    Image.objects.create(
        title="Campaign banner", collection=marketing_collection(), file=ContentFile(png_bytes(), "b.png")
    )
    html = marketer_client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "Campaign banner" in html
    assert gated_image.title not in html


def test_marketer_gets_no_gated_lesson_content(marketer_client, gated_course, gated_document):
    html = marketer_client.get(gated_course.lessons[1].url).content.decode()
    for canary in ALL_CANARIES:
        assert canary not in html
    assert marketer_client.get(gated_document.url).status_code == 403
