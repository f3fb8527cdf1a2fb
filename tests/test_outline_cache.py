"""The course structure is cached per course (course/outline.py) and dropped on every change that
can alter it (course/outline_freshness.py): an editor's change shows on the very next request."""

import pickle

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from course.conf import LOCAL_CACHE_MAX_TIMEOUT
from course.outline import structure_key, structure_timeout
from tests.canaries import ALL_CANARIES
from tests.factories import client_for, enroll_as, make_course, make_user


def cached_structure(course):
    return cache.get(structure_key(course.pk))


def student_client(course):
    student = make_user("student")
    enroll_as(student, course)
    return client_for(student)


def test_the_cache_holds_structure_only_never_lesson_bodies(gated_course):
    assert cached_structure(gated_course) is None
    assert client_for(None).get(gated_course.url).status_code == 200
    record, structure = cached_structure(gated_course)
    assert record.pk == gated_course.pk  # its own course of record: it has no translation
    assert [len(lessons) for _, lessons in structure] == [3]
    dumped = pickle.dumps(structure).decode("latin-1")
    for canary in ALL_CANARIES:
        assert canary not in dumped


def test_a_cached_outline_costs_no_tree_query(catalogue):
    course, lessons = make_course(catalogue, "Cached", modules=2, lessons=3)
    client = student_client(course)
    client.get(lessons[2].url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lessons[2].url)
    assert response.status_code == 200
    outline_reads = [q["sql"] for q in queries.captured_queries if '"depth" IN (' in q["sql"]]
    assert outline_reads == []


def test_a_published_rename_shows_on_the_next_request(catalogue):
    course, lessons = make_course(catalogue, "Renamed", modules=1, lessons=2)
    client = student_client(course)
    assert "Lesson 1.2" in client.get(lessons[0].url).content.decode()
    lessons[1].title = "Freshly renamed lesson"
    lessons[1].save_revision().publish()
    html = client.get(lessons[0].url).content.decode()
    assert "Freshly renamed lesson" in html and "Lesson 1.2" not in html


def test_a_draft_changes_nothing_until_published(catalogue):
    course, lessons = make_course(catalogue, "Drafted", modules=1, lessons=2)
    client = student_client(course)
    client.get(course.url)
    lessons[1].title = "Draft title"
    lessons[1].save_revision()
    assert "Draft title" not in client.get(course.url).content.decode()
    assert cached_structure(course) is not None  # a draft does not touch the live tree


def test_unpublishing_in_the_admin_hides_a_module_on_the_next_request(catalogue, admin_client):
    course, lessons = make_course(catalogue, "Withdrawn", modules=2, lessons=2)
    client = student_client(course)
    assert "Lesson 2.1" in client.get(course.url).content.decode()
    module_two = lessons[2].get_parent()
    response = admin_client.post(f"/admin/pages/{module_two.pk}/unpublish/", {"include_descendants": "on"})
    assert response.status_code == 302
    html = client.get(course.url).content.decode()
    assert "Module 2" not in html and "Lesson 2.1" not in html


def test_deleting_in_the_admin_removes_a_lesson_on_the_next_request(catalogue, admin_client):
    course, lessons = make_course(catalogue, "Pruned", modules=1, lessons=3)
    client = student_client(course)
    assert "Lesson 1.3" in client.get(course.url).content.decode()
    assert admin_client.post(f"/admin/pages/{lessons[2].pk}/delete/").status_code == 302
    assert "Lesson 1.3" not in client.get(course.url).content.decode()


def test_catalogue_lesson_counts_follow_publishing_and_deleting_on_the_next_request(catalogue, admin_client):
    course, lessons = make_course(catalogue, "Counted", modules=1, lessons=3)
    client = client_for(None)
    assert "3 lessons" in client.get("/").content.decode()
    assert admin_client.post(f"/admin/pages/{lessons[2].pk}/delete/").status_code == 302
    assert "2 lessons" in client.get("/").content.decode()
    lessons[1].unpublish()
    assert "1 lesson<" in client.get("/").content.decode()
    lessons[1].save_revision().publish()
    assert "2 lessons" in client.get("/").content.decode()


def test_renaming_a_page_above_a_course_changes_its_lesson_links(catalogue):
    shelf = catalogue.add_child(instance=Page(title="Shelf", slug="shelf"))
    course, lessons = make_course(shelf, "Shelved", modules=1, lessons=2)
    client = student_client(course)
    old_link = lessons[1].url
    assert old_link.startswith("/shelf/")
    assert f'href="{old_link}"' in client.get(lessons[0].url).content.decode()

    shelf.slug = "archive"
    shelf.save_revision().publish()
    new_link = Page.objects.get(pk=lessons[1].pk).url
    assert new_link.startswith("/archive/")
    html = client.get(new_link.replace(lessons[1].slug, lessons[0].slug)).content.decode()
    assert f'href="{new_link}"' in html and f'href="{old_link}"' not in html


def test_a_site_change_drops_every_cached_structure(catalogue):
    course, _ = make_course(catalogue, "Sited", modules=1, lessons=1)
    client_for(None).get(course.url)
    assert cached_structure(course) is not None
    site = Site.objects.get(is_default_site=True)
    site.port = 8080
    site.save()
    assert cached_structure(course) is None


def test_a_process_local_cache_keeps_structures_for_seconds_only(settings):
    settings.PINEWOOD_OUTLINE_CACHE_TIMEOUT = 3600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert structure_timeout() == LOCAL_CACHE_MAX_TIMEOUT
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "x"}}
    assert structure_timeout() == 3600


def test_a_flushed_cache_is_never_answered_from_an_outline_built_before(catalogue):
    """Each process keeps built outlines by versioned key; a flush resets the versions, so the
    token kept beside the structure (gone with the flush) must make it build again."""
    course, lessons = make_course(catalogue, "Flushed", modules=1, lessons=2)
    client = student_client(course)
    cache.clear()  # versions start again from nothing, as after every flush
    assert "Lesson 1.2" in client.get(lessons[0].url).content.decode()
    Page.objects.filter(pk=lessons[1].pk).update(title="Renamed behind the cache's back")
    cache.clear()  # the same versions, so the same keys, as before
    html = client.get(lessons[0].url).content.decode()
    assert "Renamed behind the cache&#x27;s back" in html and "Lesson 1.2" not in html


def test_a_published_course_setting_applies_on_the_next_lesson_request(catalogue):
    """The course page a lesson request uses comes from the cache beside the outline; publishing
    the course drops it with the outline."""
    course, lessons = make_course(catalogue, "Later in sequence", modules=1, lessons=2)
    client = student_client(course)
    assert client.get(lessons[1].url).status_code == 200
    course.sequential = True
    course.title = "Now taken in order"
    course.save_revision().publish()
    html = client.get(lessons[1].url).content.decode()
    assert "Now taken in order" in html
    assert "Lessons in this course open one after another." in html
