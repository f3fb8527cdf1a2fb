"""Routing below a catalogue (course/routing.py): Wagtail's result in fewer queries, and the
ancestors read on the way still decide reachability and view restrictions."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from course.models import CourseIndexPage, CoursePage, ModulePage
from course.routing import CataloguePlace, route_through_host
from lessons.models import LessonPage
from tests.budgets import CATALOGUE_MAX_QUERIES, LESSON_PAGE_MAX_QUERIES
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


# Below a school's own pages: the site's root is a host page, the catalogue two levels down. The
# cached site knows where its catalogues are (course/site_cache.py), so such a request is routed
# through the host pages in the catalogue's own two queries (course.routing.route_through_host).


@pytest.fixture
def school(db):
    home = Page.get_first_root_node().add_child(instance=Page(title="School", slug="school-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "School"},
    )
    shelf = publish(home, Page(title="Learning", slug="learning"))
    catalogue = publish(shelf, CourseIndexPage(title="Courses", slug="courses", intro="All our courses."))
    course, lessons = make_course(
        catalogue,
        "Hosted course",
        slug="hosted-course",
        modules=1,
        lessons=2,
        body=[("paragraph", f"<p>{BODY_CANARY}</p>")],
    )
    make_article(make_index(catalogue), "An article")
    student = make_user("school-student")
    enroll_as(student, course)
    return home, shelf, catalogue, lessons, student


SCHOOL_PATHS = [
    "/learning/",
    "/learning/courses/",
    "/learning/courses/hosted-course/",
    "/learning/courses/hosted-course/enroll/",
    "/learning/courses/hosted-course/module-1/",
    "/learning/courses/hosted-course/module-1/lesson-1-1/",
    "/learning/courses/hosted-course/module-1/lesson-1-1/complete/",
    "/learning/courses/hosted-course/module-1/nope/",
    "/learning/courses/hosted-course/nope/",
    "/learning/courses/nope/",
    "/learning/courses/articles/",
    "/learning/courses/articles/an-article/",
    "/learning/nope/",
    "/courses/hosted-course/",
]


def answer(user, path):
    response = client_for(user).get(path)
    return response.status_code, BODY_CANARY in response.content.decode()


@pytest.mark.parametrize("path", SCHOOL_PATHS)
def test_pages_below_host_pages_answer_as_wagtail_routes_them(school, path):
    *_, student = school
    shortcut = [answer(user, path) for user in (None, student)]
    without = [entry for entry in settings.MIDDLEWARE if entry != "course.site_cache.CachedSiteMiddleware"]
    with override_settings(MIDDLEWARE=without):
        assert [answer(user, path) for user in (None, student)] == shortcut


def queries_of(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_host_pages_above_the_catalogue_cost_no_query_of_their_own(school):
    *_, catalogue, lessons, student = school
    lesson_queries = queries_of(client_for(student), lessons[0].url)
    catalogue_queries = queries_of(client_for(None), catalogue.url)
    assert len(lesson_queries) <= LESSON_PAGE_MAX_QUERIES
    assert len(catalogue_queries) <= CATALOGUE_MAX_QUERIES
    # Wagtail's routing asks for each child by slug; none of that is left.
    assert not [sql for sql in lesson_queries + catalogue_queries if '"slug" =' in sql]


def test_a_renamed_host_page_moves_the_lessons_on_the_next_request(school):
    _, shelf, _, lessons, student = school
    client = client_for(student)
    old_url = lessons[0].url
    assert BODY_CANARY in client.get(old_url).content.decode()
    shelf.slug = "study"
    shelf.save_revision().publish()
    new_url = Page.objects.get(pk=lessons[0].pk).url
    assert new_url.startswith("/study/courses/")
    assert client.get(old_url).status_code == 404
    assert BODY_CANARY in client.get(new_url).content.decode()


def test_a_moved_catalogue_routes_at_its_new_place_on_the_next_request(school):
    home, _, catalogue, lessons, student = school
    client = client_for(student)
    old_url = lessons[0].url
    assert client.get(old_url).status_code == 200
    other = publish(home, Page(title="Other shelf", slug="other"))
    Page.objects.get(pk=catalogue.pk).move(other, pos="last-child")
    new_url = Page.objects.get(pk=lessons[0].pk).url
    assert new_url.startswith("/other/courses/")
    moved = client.get(old_url)  # Wagtail's redirects app sends the old address on
    assert moved.status_code == 404 or moved.headers["Location"] == new_url
    assert BODY_CANARY in client.get(new_url).content.decode()


def test_an_unpublished_host_page_hides_the_lessons_below_it(school):
    _, shelf, _, lessons, student = school
    client = client_for(student)
    assert client.get(lessons[0].url).status_code == 200
    shelf.unpublish()
    response = client.get(lessons[0].url)
    assert response.status_code == 404 and BODY_CANARY not in response.content.decode()


def test_a_password_on_a_host_page_still_guards_the_lessons_below_it(school):
    _, shelf, _, lessons, student = school
    client = client_for(student)
    client.get(lessons[0].url)  # the site and its catalogues are cached before the restriction
    PageViewRestriction.objects.create(page=shelf, restriction_type="password", password="s3cret-pw")
    html = client.get(lessons[0].url).content.decode()
    assert BODY_CANARY not in html and 'name="password"' in html


def test_a_host_page_that_routes_its_own_way_is_left_to_wagtail(school):
    home, shelf, catalogue, lessons, student = school
    request = RequestFactory().get(lessons[0].url)
    catalogue = CourseIndexPage.objects.get(pk=catalogue.pk)
    place = CataloguePlace(catalogue.pk, catalogue.path, catalogue.depth, catalogue.url_path)
    components = [part for part in lessons[0].url.split("/") if part]
    child_models = tuple(CourseIndexPage.clean_subpage_models())
    routed = route_through_host(home, place, request, components, child_models)
    assert routed is not None and routed[0].pk == lessons[0].pk

    class RoutesItsOwnWay:  # a host home page with a route() of its own
        path, depth, url_path = home.path, home.depth, home.url_path

        def route(self, request, path_components):
            raise Http404

    assert route_through_host(RoutesItsOwnWay(), place, request, components, child_models) is None
    # A routable page (its own route()) between the root and the catalogue: Wagtail's way too.
    routable = publish(home, CoursePage(title="Routable shelf", slug="routable", summary="A shelf."))
    Page.objects.get(pk=catalogue.pk).move(routable, pos="last-child")
    catalogue = CourseIndexPage.objects.get(pk=catalogue.pk)
    place = CataloguePlace(catalogue.pk, catalogue.path, catalogue.depth, catalogue.url_path)
    lesson_url = Page.objects.get(pk=lessons[0].pk).url
    components = [part for part in lesson_url.split("/") if part]
    assert route_through_host(home, place, request, components, child_models) is None
    assert BODY_CANARY in client_for(student).get(lesson_url).content.decode()
