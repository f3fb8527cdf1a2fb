"""Routing below a catalogue (course/routing.py): Wagtail's result in fewer queries, and the
ancestors read on the way still decide reachability and view restrictions."""

import pytest
from django.contrib.auth.models import Group
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from course.models import CourseIndexPage, ModulePage
from lessons.models import LessonPage
from tests.canaries import BODY_CANARY
from tests.factories import (
    client_for,
    enroll_as,
    make_article,
    make_catalogue,
    make_course,
    make_index,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db


def routed(route, catalogue, path):
    """(page id, page class, sub-route name, args, kwargs) that `route` gives for `path`, or 404."""
    request = RequestFactory().get(path)
    components = [component for component in path.split("/") if component]
    try:
        result = route(catalogue, request, components)
    except Http404:
        return "404"
    page, args, kwargs = result
    view = args[0].__name__ if args else None
    return (page.pk, type(page), view, tuple(args[1]) if args else (), dict(args[2]) if args else {}, kwargs)


@pytest.fixture
def tree(catalogue):
    course, lessons = make_course(catalogue, "Routes", slug="routes", modules=2, lessons=2)
    # A module whose slug is also one of the course's sub-routes: Wagtail gives the sub-route
    # precedence at /routes/enroll/, and the module's lessons stay reachable below it.
    shadow = publish(course, ModulePage(title="Shadow", slug="enroll"))
    publish(shadow, LessonPage(title="Under shadow", slug="under", summary="s", body=[]))
    draft = lessons[1]
    draft.unpublish()
    index = make_index(catalogue)
    make_article(index, "An article")
    return catalogue


PATHS = [
    "/routes/",
    "/routes/enroll/",
    "/routes/withdraw/",
    "/routes/certificate/",
    "/routes/nope/",
    "/routes/module-1/",
    "/routes/module-1/lesson-1-1/",
    "/routes/module-1/lesson-1-1/complete/",
    "/routes/module-1/lesson-1-1/quiz/abc123/",
    "/routes/module-1/lesson-1-1/nope/",
    "/routes/module-1/lesson-1-2/",  # a draft
    "/routes/module-1/lesson-1-2/complete/",
    "/routes/module-2/lesson-2-2/",
    "/routes/enroll/under/",
    "/routes/module-9/lesson-1-1/",
    "/nope/",
    "/articles/",
    "/articles/an-article/",
    "/articles/an-article/extra/",
]


@pytest.mark.parametrize("path", PATHS)
def test_the_catalogue_routes_every_path_as_wagtail_does(tree, path):
    catalogue = CourseIndexPage.objects.get(pk=tree.pk)
    assert routed(CourseIndexPage.route, catalogue, path) == routed(Page.route, catalogue, path)


def test_routing_a_lesson_reads_the_tree_in_two_queries_whatever_the_depth(
    catalogue, django_assert_num_queries
):
    catalogue = CourseIndexPage.objects.get(pk=catalogue.pk)
    _, lessons = make_course(catalogue, "Deep", slug="deep", modules=1, lessons=1)
    request = RequestFactory().get(lessons[0].url)
    with django_assert_num_queries(2):  # the chain with the ancestors, then the lesson itself
        page, _, _ = catalogue.route(request, ["deep", "module-1", "lesson-1-1"])
    assert page.pk == lessons[0].pk and isinstance(page, LessonPage)


@pytest.fixture
def hosted(db):
    """A catalogue under a host page, itself under the site root (a school's existing site)."""
    site_root = make_catalogue()
    host = publish(site_root, Page(title="Host section", slug="host"))
    catalogue = publish(host, CourseIndexPage(title="Hosted", slug="hosted"))
    course, lessons = make_course(
        catalogue,
        "Hosted course",
        slug="hosted-course",
        modules=1,
        lessons=1,
        body=[("paragraph", f"<p>{BODY_CANARY}</p>")],
    )
    student = make_user("hosted-student")
    enroll_as(student, course)
    return host, course, lessons[0], student


def test_a_lesson_answers_404_when_a_host_page_above_the_catalogue_is_unpublished(hosted):
    host, _, lesson, student = hosted
    client = client_for(student)
    assert BODY_CANARY in client.get(lesson.url).content.decode()
    host.unpublish()
    response = client.get(lesson.url)
    assert response.status_code == 404
    assert BODY_CANARY not in response.content.decode()


@pytest.mark.parametrize("where", ["host", "course", "module", "lesson"])
def test_a_password_restriction_anywhere_above_a_lesson_still_applies(hosted, where):
    host, course, lesson, student = hosted
    page = {"host": host, "course": course, "module": lesson.get_parent(), "lesson": lesson}[where]
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="s3cret-pw")
    for user in (None, student):
        response = client_for(user).get(lesson.url)
        html = response.content.decode()
        assert BODY_CANARY not in html
        assert 'name="password"' in html


def test_a_group_restriction_on_the_course_keeps_out_students_outside_the_group(hosted):
    _, course, lesson, student = hosted
    group = Group.objects.create(name="Clinic staff")
    restriction = PageViewRestriction.objects.create(page=course, restriction_type="groups")
    restriction.groups.add(group)
    client = client_for(student)
    response = client.get(lesson.url)
    assert BODY_CANARY not in response.content.decode()
    assert response.status_code in (302, 403)
    student.groups.add(group)
    assert BODY_CANARY in client.get(lesson.url).content.decode()
