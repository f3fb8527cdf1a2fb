"""Keep the cached sites (course/site_cache.py) true to the database: saving or deleting a
site, or publishing, unpublishing, saving, moving or deleting a page that is a site's root (or
a translation of it), a catalogue or a page above one (its slug is in the catalogue's URL), drops
every cached site."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.models import Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from course.models import CourseIndexPage
from course.signal_handlers import content_unchanged
from course.site_cache import forget_sites


def site_changed(sender, instance, **kwargs):
    forget_sites()


def page_changed(sender, instance, **kwargs):
    if kwargs.get("raw") or content_unchanged(kwargs.get("update_fields")):
        return  # a fixture load, or a draft saved: the live page is as it was
    if (
        # A root page's translations are routed from too (course/site_cache.py).
        Site.objects.filter(
            Q(root_page_id=instance.pk) | Q(root_page__translation_key=instance.translation_key)
        ).exists()
        or CourseIndexPage.objects.filter(path__startswith=instance.path).exists()
    ):
        forget_sites()


def connect():
    post_save.connect(site_changed, sender=Site, dispatch_uid="course.site.saved")
    post_delete.connect(site_changed, sender=Site, dispatch_uid="course.site.deleted")
    for model in get_page_models():
        post_save.connect(page_changed, sender=model, dispatch_uid="course.site.page_saved")
        post_delete.connect(page_changed, sender=model, dispatch_uid="course.site.page_deleted")
    page_published.connect(page_changed, dispatch_uid="course.site.page_published")
    page_unpublished.connect(page_changed, dispatch_uid="course.site.page_unpublished")
    post_page_move.connect(page_changed, dispatch_uid="course.site.page_moved")
