"""Keep the cached course structure (course/outline.py) true to the page tree.

A change to a page can alter the outline of the course above it (a module or lesson
published, unpublished, renamed, reordered, moved or deleted) and of every course
below it (a catalogue renamed or moved changes their URLs). So each change drops the
cached structure of the courses on the page's path and in its subtree, in one query;
a change to a site (hostname, port, root page) drops them all. Translations of a course count
as the course here (course/outline.py keeps their records under the course of record). The next request reads
the tree again, so an editor's change shows on the very next page view.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from course.models import CoursePage
from course.outline import forget_all_structures, forget_structures
from course.signal_handlers import content_unchanged


def courses_touching(*paths):
    """Ids of the courses that are, contain or lie under the pages at `paths`, and of their
    translations: a translation's outline says which page of the course of record each of its
    lessons keeps its records under, so a change there changes it too."""
    within = Q()
    for path in paths:
        above = [path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)]
        within |= Q(path__startswith=path) | Q(path__in=above)
    keys = CoursePage.objects.filter(within).values("translation_key")
    return list(CoursePage.objects.filter(translation_key__in=keys).values_list("pk", flat=True))


def page_changed(sender, instance, **kwargs):
    if kwargs.get("raw") or content_unchanged(kwargs.get("update_fields")):
        return  # a fixture load, or a draft saved: the live tree is as it was
    forget_structures(courses_touching(instance.path))


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    forget_structures(courses_touching(instance.path, parent_page_before.path))


def site_changed(sender, instance, **kwargs):
    forget_all_structures()


def connect():
    for model in get_page_models():
        post_save.connect(page_changed, sender=model, dispatch_uid="course.outline.saved")
        post_delete.connect(page_changed, sender=model, dispatch_uid="course.outline.deleted")
    page_published.connect(page_changed, dispatch_uid="course.outline.published")
    page_unpublished.connect(page_changed, dispatch_uid="course.outline.unpublished")
    post_page_move.connect(page_moved, dispatch_uid="course.outline.moved")
    post_save.connect(site_changed, sender=Site, dispatch_uid="course.outline.site_saved")
    post_delete.connect(site_changed, sender=Site, dispatch_uid="course.outline.site_deleted")
