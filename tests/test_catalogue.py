"""The catalogue: course cards, filters, latest articles, and a flat query count."""

import datetime

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction

from course.models import CoursePage, Enrollment
from tests.budgets import CATALOGUE_LOGGED_IN_MAX_QUERIES, CATALOGUE_MAX_QUERIES
from tests.factories import enroll_as, make_article, make_course, make_index, make_user, png_bytes

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def card_of(html, title):
    """The HTML of the card whose title is `title`."""
    start = html.index(f">{title}</a>")
    return html[html.rindex('<li class="card', 0, start) : html.index("</li>", start)]


def make_courses(catalogue, count, prefix="Course"):
    courses = []
    for number in range(count):
        image = Image.objects.create(
            title=f"{prefix} image {number}", file=ContentFile(png_bytes(), name=f"c{number}.png")
        )
        course, _ = make_course(
            catalogue,
            f"{prefix} {number}",
            slug=f"{prefix.lower()}-{number}",
            modules=1,
            lessons=2,
            hero_image=image,
            duration="3 hours",
            level=CoursePage.Level.INTERMEDIATE if number % 2 else CoursePage.Level.BEGINNER,
        )
        course.tags.set(["Posture"] if number % 2 else ["Injections"])
        course.save()
        courses.append(course)
    return courses


def test_cards_show_image_summary_level_duration_and_live_lesson_count(catalogue):
    course, lessons = make_course(catalogue, "Spine basics", modules=2, lessons=3, duration="4 weeks")
    course.hero_image = Image.objects.create(title="Spine", file=ContentFile(png_bytes(), name="s.png"))
    course.tags.set(["Anatomy"])
    course.save()
    lessons[0].unpublish()  # a draft lesson does not count
    course.get_children().last().unpublish()  # nor do lessons of a draft module
    card = card_of(html_of(Client().get("/")), "Spine basics")
    assert 'class="card__image"' in card and "fill-640x360" in card
    assert "Spine basics summary" in card
    assert "Beginner" in card
    assert "4 weeks" in card
    assert "2 lessons" in card
    assert "Anatomy" in card


def test_cards_show_the_visitors_enrollment_state(catalogue):
    courses = make_courses(catalogue, 5)
    user = make_user("learner")
    enroll_as(user, courses[0])
    enroll_as(user, courses[1], Enrollment.Status.PENDING)
    enroll_as(user, courses[2], expires_at=timezone.now() - datetime.timedelta(days=1))
    enroll_as(user, courses[3], Enrollment.Status.COMPLETED)
    enroll_as(user, courses[4], Enrollment.Status.WITHDRAWN)
    client = Client()
    client.force_login(user)
    html = html_of(client.get("/"))
    assert "Enrolled" in card_of(html, "Course 0")
    assert "Awaiting approval" in card_of(html, "Course 1")
    assert "Access ended" in card_of(html, "Course 2")
    assert "Completed" in card_of(html, "Course 3")
    assert "badge--state" not in card_of(html, "Course 4")
    assert "badge--state" not in html_of(Client().get("/"))


def test_filter_by_level_and_tag(catalogue):
    make_courses(catalogue, 4)
    html = html_of(Client().get("/", {"level": "intermediate"}))
    assert ">Course 1</a>" in html and ">Course 3</a>" in html
    assert ">Course 0</a>" not in html
    html = html_of(Client().get("/", {"tag": "injections"}))
    assert ">Course 0</a>" in html and ">Course 2</a>" in html
    assert ">Course 1</a>" not in html
    html = html_of(Client().get("/", {"tag": "injections", "level": "intermediate"}))
    assert "No courses match these filters" in html


@pytest.mark.parametrize(
    "params",
    [{"level": "wizard"}, {"tag": "no-such-tag"}, {"page": "abc"}, {"page": "999"}, {"tag": "<script>"}],
)
def test_bad_filter_input_never_fails(catalogue, params):
    make_courses(catalogue, 2)
    html = html_of(Client().get("/", params))
    assert ">Course 0</a>" in html
    assert "<script>" not in html[html.index("<main") :]


def test_only_live_public_courses_are_listed(catalogue):
    live, _ = make_course(catalogue, "Live course")
    draft, _ = make_course(catalogue, "Draft course")
    draft.unpublish()
    html = html_of(Client().get("/"))
    assert "Live course" in html
    assert "Draft course" not in html


def test_latest_articles_are_shown_newest_first(catalogue):
    index = make_index(catalogue)
    for year in (2019, 2020, 2021, 2022):
        make_article(index, f"Article {year}", date=datetime.date(year, 1, 1))
    html = html_of(Client().get("/"))
    section = html[html.index('id="articles-heading"') :]
    assert section.index("Article 2022") < section.index("Article 2021") < section.index("Article 2020")
    assert "Article 2019" not in section
    index.unpublish()
    assert "Article 2022" not in html_of(Client().get("/"))


def count_queries(client, django_assert_max_num_queries, budget):
    # Entries cached before building more courses could expire (10 s with the per-process cache)
    # between the warm-up and the measured request on a slow machine: start from a clean cache.
    for backend in caches.all():
        backend.clear()
    client.get("/")  # warm up: renditions are generated on first view
    with django_assert_max_num_queries(budget) as captured:
        html = html_of(client.get("/"))
    return len(captured.captured_queries), html


def test_catalogue_is_paginated(catalogue):
    make_courses(catalogue, 26)
    assert html_of(Client().get("/")).count('<li class="card">') == 24
    html = html_of(Client().get("/", {"page": 2}))
    assert html.count('<li class="card">') == 2
    assert "Page 2 of 2" in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_catalogue_query_count_does_not_grow_with_courses(
    catalogue, django_assert_max_num_queries, monkeypatch, logged_in
):
    monkeypatch.setattr("course.catalogue.COURSES_PER_PAGE", 500)  # render every card at once
    index = make_index(catalogue)
    make_article(index, "An article")
    courses = make_courses(catalogue, 5)
    user = make_user("counter")
    client = Client()
    if logged_in:
        client.force_login(user)
        enroll_as(user, courses[0])
    budget = CATALOGUE_LOGGED_IN_MAX_QUERIES if logged_in else CATALOGUE_MAX_QUERIES
    few, html = count_queries(client, django_assert_max_num_queries, budget)
    assert html.count('<li class="card">') == 5

    make_courses(catalogue, 35, prefix="More")
    many, html = count_queries(client, django_assert_max_num_queries, few)
    assert html.count('<li class="card">') == 40
    assert many <= few


def test_pages_behind_a_view_restriction_stay_off_the_catalogue(catalogue):
    """A password- or login-restricted course, article index or article is not a public card."""
    open_course, _ = make_course(catalogue, "Open course", modules=1, lessons=1)
    closed_course, _ = make_course(catalogue, "Closed course", modules=1, lessons=1)
    PageViewRestriction.objects.create(page=closed_course, restriction_type="password", password="s3cret-pw")
    index = make_index(catalogue)
    make_article(index, "Open article")
    closed_article = make_article(index, "Closed article")
    PageViewRestriction.objects.create(page=closed_article, restriction_type="login")

    html = html_of(Client().get("/"))
    assert "Open course" in html and "Closed course" not in html
    assert "Open article" in html and "Closed article" not in html

    PageViewRestriction.objects.create(page=index, restriction_type="login")
    html = html_of(Client().get("/"))
    assert "Open article" not in html
