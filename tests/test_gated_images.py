"""Gated images: no bytes of an image in a gated place reach anyone without access.

Lesson pages give such images a signed URL that expires, answered after the access
check; rendition files at their storage URLs (`/media/images/…`) are answered by Django
too, so a guessed file name gives nothing. Public images keep their stable URL.
"""

import re
import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from wagtail.images.models import Image, Rendition

from course.images import signed_image_url
from course.models import Enrollment
from lessons.models import LessonPage
from tests.budgets import LESSON_PAGE_IMAGE_QUERIES, LESSON_PAGE_MAX_QUERIES
from tests.canaries import IMAGE_FILE_CANARY, NO_ACCESS, WITH_ACCESS
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_article,
    make_course,
    make_index,
    make_user,
    png_bytes,
)

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG"
IMG_SRC = re.compile(r'<img [^>]*src="([^"]+)"')


def image_sources(html):
    return IMG_SRC.findall(html)


def content_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_no_image_bytes(response, who):
    assert response.status_code in (302, 403, 404), who
    assert PNG_MAGIC not in content_of(response), who
    assert not response.get("Content-Type", "").startswith("image/"), who


def assert_private_png(response, who):
    assert response.status_code == 200, who
    assert response["Content-Type"] == "image/png", who
    assert content_of(response).startswith(PNG_MAGIC), who
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control, who


def public_image(name="public-figure"):
    return Image.objects.create(title=name, file=ContentFile(png_bytes("blue"), name=f"{name}.png"))


def members_url_of(personas, gated_course):
    """The gated figure's URL as an enrolled student's lesson page gives it."""
    html = body_of(client_for(personas["enrolled"]).get(gated_course.lessons[1].url))
    (src,) = image_sources(html)
    return src


def guessable_rendition_url(image, spec="width-960"):
    return Rendition.objects.get(image=image, filter_spec=spec).url


# --- people with access --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", WITH_ACCESS)
def test_people_with_access_get_a_signed_url_that_serves_the_image(personas, gated_course, persona):
    client = client_for(personas[persona])
    html = body_of(client.get(gated_course.lessons[1].url))
    (img,) = re.findall(r"<img [^>]*>", html)
    (src,) = image_sources(img)
    assert src.startswith("/images/") and "/width-960/" in src
    assert IMAGE_FILE_CANARY not in src and "/media/" not in html
    assert 'width="40"' in img and 'height="30"' in img and 'alt="Diagram ' in img
    response = client.get(src)
    assert_private_png(response, persona)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert IMAGE_FILE_CANARY not in response.get("Content-Disposition", "")


# --- people without access ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_lesson_pages_carry_no_url_of_the_gated_image(personas, gated_course, gated_image, persona):
    client = client_for(personas[persona])
    for lesson in gated_course.lessons:
        html = body_of(client.get(lesson.url))
        assert IMAGE_FILE_CANARY not in html, lesson.title
        assert "/media/images/" not in html, lesson.title
        assert f"/{gated_image.pk}/width-960/" not in html, lesson.title


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_a_signed_url_an_enrolled_student_received_gives_others_no_bytes(personas, gated_course, persona):
    src = members_url_of(personas, gated_course)
    response = client_for(personas[persona]).get(src)
    assert_no_image_bytes(response, persona)
    if personas[persona] is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", [*NO_ACCESS, "enrolled"])
def test_guessed_rendition_files_of_the_gated_image_give_no_bytes(
    personas, gated_course, gated_image, persona
):
    """Not even to students: for them a gated image exists only behind signed URLs that expire."""
    members_url_of(personas, gated_course)  # the width-960 rendition now exists in storage
    gated_image.get_rendition("original")  # as the admin's edit page makes it
    gated_image.get_rendition("max-165x165")  # an admin thumbnail
    client = client_for(personas[persona])
    for spec in ("width-960", "original", "max-165x165"):
        url = guessable_rendition_url(gated_image, spec)
        assert url.startswith("/media/images/") and IMAGE_FILE_CANARY in url  # the old, guessable name
        response = client.get(url)
        assert response.status_code == 404, (persona, spec)
        assert_no_image_bytes(response, (persona, spec))


def test_withdrawing_closes_a_signed_url_already_handed_out(personas, gated_course):
    student = personas["enrolled"]
    src = members_url_of(personas, gated_course)
    client = client_for(student)
    assert client.get(src).status_code == 200
    Enrollment.objects.filter(user=student, course=gated_course).update(status=Enrollment.Status.WITHDRAWN)
    assert_no_image_bytes(client.get(src), "withdrawn after the page was served")


# --- the signature --------------------------------------------------------------------------------


def test_tampered_or_expired_signatures_give_404(personas, gated_course, gated_image):
    client = client_for(personas["enrolled"])
    src = members_url_of(personas, gated_course)
    signature = src.split("/")[2]
    tampered = [
        src.replace(signature, signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")),
        src.replace("/width-960/", "/width-961/"),  # another rendition than the one signed
        src.replace(f"/{gated_image.pk}/", f"/{gated_image.pk + 1}/"),
        src.replace(signature, signature.split(":")[-1]),  # no timestamp
    ]
    for url in tampered:
        response = client.get(url)
        assert response.status_code == 404, url
        assert PNG_MAGIC not in content_of(response), url
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 3601):
        assert client.get(src).status_code == 404  # an hour later, by default
    assert client.get(src).status_code == 200


@override_settings(PINEWOOD_IMAGE_URL_MAX_AGE=60)
def test_url_lifetime_follows_the_setting(personas, gated_course):
    client = client_for(personas["enrolled"])
    src = members_url_of(personas, gated_course)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 61):
        assert client.get(src).status_code == 404


def test_unknown_images_and_invalid_filter_specs_give_404_not_500(personas, gated_course, gated_image):
    client = client_for(personas["editor"])
    missing = Image(pk=gated_image.pk + 1000)
    assert client.get(signed_image_url(missing, "width-960")).status_code == 404
    for spec in ("bogus-12", "width-abc", "width-960|nonsense"):
        response = client.get(signed_image_url(gated_image, spec))
        assert response.status_code == 404, spec
    assert client.get("/media/images/no-such-file.width-960.png").status_code == 404
    assert client.get("/media/images/../original_images/x.png").status_code == 404


# --- public images stay static ------------------------------------------------------------------


def test_public_images_keep_their_rendition_url_and_are_cacheable(gated_course):
    hero = public_image("course-hero")
    gated_course.hero_image = hero
    gated_course.save_revision().publish()
    index = make_index(gated_course.get_parent().specific)
    article_hero = public_image("article-hero")
    article = make_article(index, "Posture", hero_image=article_hero)
    client = Client()
    for page, image, spec in ((gated_course, hero, "width-720"), (article, article_hero, "width-1200")):
        html = body_of(client.get(page.url))
        url = guessable_rendition_url(image, spec)
        assert f'src="{url}"' in html
        response = client.get(url)
        assert response.status_code == 200
        assert content_of(response).startswith(PNG_MAGIC)
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "max-age=3600" in cache_control
        assert "/images/" not in html.replace("/media/images/", "")  # no signed URL for them


def test_a_figure_in_a_free_preview_body_keeps_its_static_url(gated_course):
    figure = public_image("preview-figure")
    preview = LessonPage.objects.get(pk=gated_course.lessons[0].pk)
    preview.body = [
        *[(child.block_type, child.value) for child in preview.body],
        ("image", {"image": figure, "alt_text": "A public figure", "caption": ""}),
    ]
    preview.save_revision().publish()
    html = body_of(Client().get(preview.url))
    url = guessable_rendition_url(figure)
    assert image_sources(html) == [url]
    assert Client().get(url).status_code == 200


def test_the_most_open_place_wins(personas, gated_course, gated_image):
    """The gated figure, once also the course's hero image, is public: anyone gets its bytes."""
    src = members_url_of(personas, gated_course)
    gated_course.hero_image = gated_image
    gated_course.save_revision().publish()
    anonymous = Client()
    course_html = body_of(anonymous.get(gated_course.url))
    assert f'src="{guessable_rendition_url(gated_image, "width-720")}"' in course_html
    assert anonymous.get(guessable_rendition_url(gated_image)).status_code == 200
    assert anonymous.get(src).status_code == 200
    # The lesson still shows it in a gated section, so with a signed URL: only caching is lost.
    html = body_of(client_for(personas["enrolled"]).get(gated_course.lessons[1].url))
    assert image_sources(html)[0].startswith("/images/")


def test_originals_are_only_for_people_who_manage_the_image(personas, gated_course):
    hero = public_image("course-hero")
    gated_course.hero_image = hero
    gated_course.save_revision().publish()
    url = hero.get_rendition("original").url
    for persona in ("anonymous", "enrolled", "editor"):
        assert client_for(personas[persona]).get(url).status_code == 404, persona
    admin = make_user("root", is_superuser=True, is_staff=True)
    assert_private_png(client_for(admin).get(url), "superuser")


def test_unused_images_are_only_for_people_who_manage_them(personas):
    image = public_image("unused")
    url = image.get_rendition("max-165x165").url
    for persona, user in personas.items():
        assert client_for(user).get(url).status_code == 404, persona
    admin = make_user("root", is_superuser=True, is_staff=True)
    assert_private_png(client_for(admin).get(url), "superuser")


def test_the_admin_still_shows_gated_images_to_their_managers(gated_image):
    admin = client_for(make_user("root", is_superuser=True, is_staff=True))
    html = body_of(admin.get(reverse("wagtailimages:edit", args=(gated_image.pk,))))
    urls = set(re.findall(r'"(/media/images/[^"]+)"', html))
    assert any(".original." in url for url in urls)
    for url in urls:
        assert_private_png(admin.get(url), url)
        assert Client().get(url).status_code == 404, url


def test_no_other_image_channel_is_mounted(gated_image):
    assert Client().get("/api/v2/images/").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("wagtailimages_serve", args=("x", gated_image.pk, "width-960"))
    assert Client().get(f"/media/{gated_image.file.name}").status_code == 404  # original_images/


def test_figures_cost_a_fixed_number_of_queries_per_lesson_page(catalogue, django_assert_max_num_queries):
    """Deciding which figures are public is done once per page, not once per figure."""
    course, lessons = make_course(catalogue, "Figures", modules=1, lessons=2)
    student = make_user("student")
    enroll_as(student, course)
    counts = []
    for lesson, figures in zip(lessons, (1, 4), strict=True):
        images = [public_image(f"figure-{lesson.pk}-{n}") for n in range(figures)]
        lesson.body = [
            ("paragraph", "<p>Open text.</p>"),
            ("image", {"image": images[0], "alt_text": "Open figure", "caption": ""}),
            (
                "gated_section",
                {
                    "title": "Members",
                    "teaser": "For students.",
                    "content": [
                        ("image", {"image": image, "alt_text": "x", "caption": ""}) for image in images
                    ],
                },
            ),
        ]
        lesson.save_revision().publish()
        client = client_for(student)
        client.get(lesson.url)  # renditions are made on the first view
        budget = LESSON_PAGE_MAX_QUERIES + LESSON_PAGE_IMAGE_QUERIES
        with django_assert_max_num_queries(budget, info=f"{figures} figures") as captured:
            html = body_of(client.get(lesson.url))
        assert len(image_sources(html)) == figures + 1
        counts.append(len(captured))
    assert counts[0] == counts[1]
