"""The request's site and its root page come from the cache (course/site_cache.py) and are
dropped by every change to a site or to a site's root page (course/site_freshness.py)."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from course.models import CourseIndexPage
from tests.factories import client_for, make_course


def site_queries(client, url, **extra):
    """The response, and the queries on Wagtail's site table, for a request made twice."""
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, [q["sql"] for q in queries.captured_queries if '"wagtailcore_site"' in q["sql"]]


def test_a_known_host_is_routed_without_reading_sites_or_the_root_page(catalogue):
    course, _ = make_course(catalogue, "Cached site")
    client = client_for(None)
    client.get(course.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(course.url)
    assert response.status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in sqls if '"wagtailcore_site"' in sql]
    assert not [sql for sql in sqls if '"course_courseindexpage"' in sql]  # the root's specific row


def test_a_published_change_to_the_root_page_shows_on_the_next_request(catalogue):
    client = client_for(None)
    assert "All our courses." in client.get("/").content.decode()
    catalogue.intro = "A freshly written introduction."
    catalogue.save_revision().publish()
    html = client.get("/").content.decode()
    assert "A freshly written introduction." in html and "All our courses." not in html


def test_an_unpublished_root_page_is_gone_on_the_next_request(catalogue):
    client = client_for(None)
    assert client.get("/").status_code == 200
    catalogue.unpublish()
    assert client.get("/").status_code == 404


def test_a_new_root_for_the_site_routes_on_the_next_request(catalogue):
    client = client_for(None)
    assert client.get("/").status_code == 200
    other = Page.get_first_root_node().add_child(
        instance=CourseIndexPage(title="Second catalogue", slug="second", intro="Another school.")
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    assert "Another school." in client.get("/").content.decode()


def test_each_host_gets_its_own_site(catalogue):
    other = Page.get_first_root_node().add_child(
        instance=CourseIndexPage(title="Second catalogue", slug="second", intro="Another school.")
    )
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=other, site_name="Second")
    client = client_for(None)
    for _ in range(2):
        assert "All our courses." in client.get("/", HTTP_HOST="localhost").content.decode()
        assert "Another school." in client.get("/", HTTP_HOST="127.0.0.1").content.decode()


def test_a_host_listed_in_allowed_hosts_is_cached_even_when_it_falls_back_to_the_default(catalogue):
    response, reads = site_queries(client_for(None), "/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert reads == []


@override_settings(ALLOWED_HOSTS=["*"])
def test_with_a_wildcard_in_allowed_hosts_made_up_host_names_are_never_cached(catalogue):
    response, reads = site_queries(client_for(None), "/", HTTP_HOST="made-up.example")
    assert response.status_code == 200
    assert len(reads) == 1
    # The site's own host name is still cached.
    response, reads = site_queries(client_for(None), "/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert reads == []


def test_a_deleted_site_is_not_served_from_the_cache(catalogue):
    client = client_for(None)
    assert client.get("/").status_code == 200
    Site.objects.all().delete()
    assert client.get("/").status_code == 404
