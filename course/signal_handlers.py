"""Keep every page's reference index entries current in the transaction that saves the page.

Document (and image) access is read from Wagtail's reference index
(`course.access.document_access`): a file is as open as the most open live place
that uses it. Wagtail refreshes a page's entries in a background task
(`update_reference_index_task`), so with the database task backend a document
just added to a free-preview lesson stayed refused, and one just moved into a
gated section stayed open, until `db_worker` ran. Here the saved row is indexed
before `Page.save()` returns, inside its transaction (a failure rolls the save
back). Wagtail's queued task still runs later; it re-reads the row and finds
nothing to change.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from wagtail.models import COMMENTS_RELATION_NAME, ReferenceIndex, get_page_models
from wagtail.signal_handlers import reference_index_auto_update_disabled

# What `Page.save_revision()` writes for a draft (every autosave too): no content,
# so the published row and everything indexed from it stay as they were.
REVISION_BOOKKEEPING = frozenset(
    [
        COMMENTS_RELATION_NAME,
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
    ]
)


def content_unchanged(update_fields):
    """True for a save that writes only revision bookkeeping (a draft saved on a live page)."""
    return update_fields is not None and set(update_fields) <= REVISION_BOOKKEEPING


def saved_row(instance, update_fields):
    """The page as stored: after a partial save the instance may hold unsaved draft content."""
    if update_fields is None:
        return instance
    return type(instance)._default_manager.get(pk=instance.pk)


def index_page_references(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or content_unchanged(update_fields) or not ReferenceIndex.is_indexed(sender):
        return
    if getattr(reference_index_auto_update_disabled, "value", False):
        return  # Wagtail's own switch (bulk imports); its handler is off too
    with transaction.atomic():
        ReferenceIndex.create_or_update_for_object(saved_row(instance, update_fields))


def connect():
    for model in get_page_models():
        post_save.connect(index_page_references, sender=model, dispatch_uid="course.index_page_references")
    if apps.is_installed("wagtail.contrib.frontend_cache"):
        # Optional: only a host with Wagtail's front-end cache app purges cached pages.
        from course import frontend_cache  # noqa: PLC0415

        frontend_cache.connect()
